// `fsvfm bench faces`: frames/s for video → 32 face crops + parsing maps, images/s for stills.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { benchFacePipeline } from '../../data/datasets/index.js';
import { demoMediaPaths } from '../../data/demo/index.js';
import { positiveInt } from '../args.js';
import { UserError } from '../userError.js';

export function registerBenchFaces(bench: Command): void {
  bench
    .command('faces')
    .description('face-dataset pipeline speed on the demo media (run `fsvfm demo fetch` first)')
    .option('--dir <dir>', 'demo media folder', '.cache/demo')
    .option('--frames <n>', 'frames per video', positiveInt('--frames'), 32)
    .option('--repeats <n>', 'times each still is processed', positiveInt('--repeats'), 4)
    .option('--jobs <n>', 'input files processed concurrently', positiveInt('--jobs'), 1)
    .option('--json', 'print only the JSON result line')
    .action(async (o: { dir: string; frames: number; repeats: number; jobs: number; json?: boolean }) => {
      const { videos, stills } = demoMediaPaths(resolve(o.dir));
      const missing = [...videos, ...stills].filter((p) => !existsSync(p));
      if (missing.length > 0) {
        throw new UserError(
          `demo media missing (${missing[0]}); run \`fsvfm demo fetch --dir ${o.dir}\` first`,
        );
      }
      const log = o.json ? () => {} : (l: string) => console.log(l);
      const t = performance.now();
      const { createFaceDetector, createFaceParser } = await import('../../data/datasets/realFaceTools.js');
      const detector = await createFaceDetector();
      const parser = await createFaceParser();
      log(`detector + parser start-up: ${((performance.now() - t) / 1000).toFixed(2)} s`);
      try {
        const r = await benchFacePipeline({
          videos,
          stills,
          detector,
          parser,
          frames: o.frames,
          stillRepeats: o.repeats,
          jobs: o.jobs,
          log,
        });
        log(
          `pipeline/decode-only: video ${(r.video_frames_per_s / r.video_decode_frames_per_s).toFixed(3)}x, stills ${(r.stills_per_s / r.stills_decode_per_s).toFixed(3)}x`,
        );
        console.log(JSON.stringify(r));
      } finally {
        await detector.dispose?.();
        await parser.dispose?.();
      }
    });
}
