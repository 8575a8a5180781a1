// Scanning speed with a ViT-B/16-sized detector (random weights), fp32 and int8: one minute of 720p video at
// 32 frames, and still images per second (face detection included), against a decode-only baseline and the
// sequential video scan from the same run.
//   node --import tsx bench/scan.ts [--json]
// Last line: {"vit_b16_video_s":…, "vit_b16_images_per_s":…, "vit_b16_int8_video_s":…, "vit_b16_int8_images_per_s":…,
//   "vit_b16_video_sequential_s":…, "decode_only_video_s":…, ..., "load_avg_start":…, "load_avg_end":…}
import { resolve } from 'node:path';
import { benchStills } from '../src/benchmarks/benchMedia.js';
import { benchScan } from '../src/benchmarks/scanBench.js';

const json = process.argv.includes('--json');
const log = json ? () => {} : (l: string) => console.log(l);
const r = await benchScan({
  cacheDir: resolve('.cache/bench-scan'),
  stills: benchStills(),
  log,
});
log(
  `scan/decode-only: video ${(r.vit_b16_video_s / r.decode_only_video_s).toFixed(2)}x the time, stills ${(r.decode_only_images_per_s / r.vit_b16_images_per_s).toFixed(2)}x slower`,
);
console.log(JSON.stringify(r));
