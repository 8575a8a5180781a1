/** An axis-aligned box in pixel coordinates of the image it was found in. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One face found in one image or frame: detector score, box, and the 478-point face mesh
 * (MediaPipe topology: 468 mesh points + 10 iris points) as [x, y, z] in image pixels.
 */
export interface FaceDetection {
  score: number;
  box: Box;
  landmarks: Array<[number, number, number]>;
}
