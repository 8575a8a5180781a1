// What the dataset builder needs from the face stack, as narrow interfaces so tests can inject fakes.
import type { FaceDetection } from '../faces/faceDetection.js';
import type { RgbImage } from '../image/rgbImage.js';

export interface FaceDetectorLike {
  detect(img: RgbImage): Promise<FaceDetection[]>;
  dispose?(): void | Promise<void>;
}

/**
 * Face parsing of a CROP_SIZE² crop, given the face mesh in crop coordinates: LaPa labels 0..10 (SPEC §3.1),
 * row-major, CROP_SIZE² values.
 */
export interface FaceParserLike {
  parse(crop: RgbImage, meshInCrop: Array<[number, number, number]>): Promise<Int8Array> | Int8Array;
  dispose?(): void | Promise<void>;
}
