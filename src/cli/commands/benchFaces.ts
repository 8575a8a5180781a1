// `fsvfm bench faces`: frames/s for video → 32 face crops + parsing maps, images/s for stills.
// Its option block is shaped like benchScan.ts's; each bench command declares its own flags.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { demoBenchMedia } from '../../benchmarks/benchMedia.js';
import { benchFacePipeline, withFaceModels } from '../../benchmarks/facePipelineBench.js';
import { positiveInt } from '../args.js';
import { asUserError } from '../userError.js';

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
      let media: ReturnType<typeof demoBenchMedia>;
      try {
        media = demoBenchMedia(resolve(o.dir));
      } catch (err) {
        throw asUserError(err);
      }
      const log = o.json ? () => {} : (l: string) => console.log(l);
      const r = await withFaceModels(log, (models) =>
        benchFacePipeline({
          ...media,
          ...models,
          frames: o.frames,
          stillRepeats: o.repeats,
          jobs: o.jobs,
          log,
        }),
      );
      log(
        `pipeline/decode-only: video ${(r.video_frames_per_s / r.video_decode_frames_per_s).toFixed(3)}x, stills ${(r.stills_per_s / r.stills_decode_per_s).toFixed(3)}x`,
      );
      console.log(JSON.stringify(r));
    });
}
