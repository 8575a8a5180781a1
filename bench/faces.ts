// Face-dataset pipeline speed on the demo media: video → 32 face crops + parsing maps (frames/s) and
// stills → crop + parsing map (images/s), each against a decode-only baseline measured in the same run,
// and with 1 vs 2 concurrent inputs. Run `fsvfm demo fetch` first.
//   node --import tsx bench/faces.ts [--json]
// Last line: {"video_frames_per_s":…, "stills_per_s":…, ...}
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchFacePipeline } from '../src/data/datasets/facePipelineBench.js';
import { createFaceDetector, createFaceParser } from '../src/data/datasets/realFaceTools.js';
import { demoMediaPaths } from '../src/data/demo/fetchDemoMedia.js';

const json = process.argv.includes('--json');
const log = json ? () => {} : (l: string) => console.log(l);
const { videos, stills } = demoMediaPaths(resolve('.cache/demo'));
const missing = [...videos, ...stills].filter((p) => !existsSync(p));
if (missing.length > 0) {
  console.error(`demo media missing (${missing[0]}): run \`fsvfm demo fetch\` first`);
  process.exit(2);
}
let t = performance.now();
const detector = await createFaceDetector();
const parser = await createFaceParser();
log(`start-up (detector + parser models): ${((performance.now() - t) / 1000).toFixed(2)} s`);

t = performance.now();
const one = await benchFacePipeline({ videos, stills, detector, parser, jobs: 1, log });
const two = await benchFacePipeline({ videos, stills, detector, parser, jobs: 2, log });
log(`total ${((performance.now() - t) / 1000).toFixed(1)} s`);
log('');
log(
  `video  : ${one.video_frames_per_s} frames/s (jobs 1), ${two.video_frames_per_s} (jobs 2); decode-only baseline ${two.video_decode_frames_per_s} frames/s`,
);
log(
  `         pipeline / decode-only = ${(two.video_frames_per_s / two.video_decode_frames_per_s).toFixed(3)}x; jobs 2 / jobs 1 = ${(two.video_frames_per_s / one.video_frames_per_s).toFixed(2)}x`,
);
log(
  `stills : ${one.stills_per_s} images/s (jobs 1), ${two.stills_per_s} (jobs 2); decode-only baseline ${two.stills_decode_per_s} images/s`,
);
log(
  `         pipeline / decode-only = ${(two.stills_per_s / two.stills_decode_per_s).toFixed(3)}x; jobs 2 / jobs 1 = ${(two.stills_per_s / one.stills_per_s).toFixed(2)}x`,
);
console.log(
  JSON.stringify({
    video_frames_per_s: two.video_frames_per_s,
    stills_per_s: two.stills_per_s,
    video_frames_per_s_jobs1: one.video_frames_per_s,
    stills_per_s_jobs1: one.stills_per_s,
    video_decode_frames_per_s: two.video_decode_frames_per_s,
    stills_decode_per_s: two.stills_decode_per_s,
  }),
);
detector.dispose?.();
parser.dispose?.();
