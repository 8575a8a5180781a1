import type { RgbImage } from '../image/rgbImage.js';
import { type FaceParsing, rasterizeFaceParsing } from './meshParsing.js';
import { PersonSegmenter } from './personSegmenter.js';

/**
 * Face parsing into the 11 LaPa labels for a face crop (224×224 in the pipeline, SPEC §6.2): mesh polygons
 * for the facial parts, the selfie segmentation model for person vs background, a heuristic for hair.
 */
export class FaceParser {
  private constructor(private readonly segmenter: PersonSegmenter) {}

  static async create(): Promise<FaceParser> {
    return new FaceParser(await PersonSegmenter.create());
  }

  /** `landmarks`: the face's mesh (≥ 468 points) in crop pixels, e.g. from landmarksInCrop. */
  async parse(
    crop: RgbImage,
    landmarks: ReadonlyArray<readonly [number, number, number]>,
  ): Promise<FaceParsing> {
    if (crop.data.length !== crop.width * crop.height * 3) {
      throw new Error(
        `RGB buffer has ${crop.data.length} bytes, ${crop.width}x${crop.height} needs ${crop.width * crop.height * 3}`,
      );
    }
    const person = await this.segmenter.personProbability(crop);
    return rasterizeFaceParsing(crop, landmarks, person);
  }

  dispose(): void {
    this.segmenter.dispose();
  }
}
