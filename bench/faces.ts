// Face-dataset pipeline speed on the demo media: video → 32 face crops + parsing maps (frames/s) and
// stills → crop + parsing map (images/s), each against a decode-only baseline measured in the same run,
// and with 1 vs 2 concurrent inputs. Run `fsvfm demo fetch` first.
//   node --import tsx bench/faces.ts [--json]
// Last line: {"video_frames_per_s":…, "stills_per_s":…, ...}
import { resolve } from 'node:path';
import { demoBenchMedia } from '../src/benchmarks/benchMedia.js';
import { benchFacePipeline, withFaceModels } from '../src/benchmarks/facePipelineBench.js';

const json = process.argv.includes('--json');
const log = json ? () => {} : (l: string) => console.log(l);
let media: ReturnType<typeof demoBenchMedia>;
try {
  media = demoBenchMedia(resolve('.cache/demo'));
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const { videos, stills } = media;
const [one, two] = await withFaceModels(log, async ({ detector, parser }) => {
  const t = performance.now();
  const runs = [
    await benchFacePipeline({ videos, stills, detector, parser, jobs: 1, log }),
    await benchFacePipeline({ videos, stills, detector, parser, jobs: 2, log }),
  ] as const;
  log(`total ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return runs;
});
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
