// The production face detector and parser behind the builder's narrow interfaces.
import { FaceDetector, type FaceDetectorOptions } from '../faces/index.js';
import { FaceParser } from '../parsing/index.js';
import type { FaceDetectorLike, FaceParserLike } from './faceTools.js';

export async function createFaceDetector(opts: FaceDetectorOptions = {}): Promise<FaceDetectorLike> {
  return FaceDetector.create(opts);
}

export async function createFaceParser(): Promise<FaceParserLike> {
  const parser = await FaceParser.create();
  return {
    parse: async (crop, mesh) => (await parser.parse(crop, mesh)).map,
    dispose: () => parser.dispose(),
  };
}
