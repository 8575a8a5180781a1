// `fsvfm bench scan`: seconds per minute of 720p video and still images per second with a ViT-B/16 detector;
// with --queue, the scan queue's cost per job and images per second through 1 and 2 workers.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { benchStills } from '../../benchmarks/benchMedia.js';
import { benchScan } from '../../benchmarks/scanBench.js';
import { positiveInt } from '../args.js';
import { redisUrl } from './queueOptions.js';

export function registerBenchScan(bench: Command): void {
  bench
    .command('scan')
    .description(
      'scanning speed with a random-weight ViT-B/16 detector in fp32 and int8, against decode-only and sequential baselines',
    )
    .option('--cache <dir>', 'folder for the generated checkpoint and video', '.cache/bench-scan')
    .option('--repeats <n>', 'times each still is scanned', positiveInt('--repeats'), 4)
    .option('--threads <n>', 'onnxruntime threads', positiveInt('--threads'))
    .option('--json', 'print only the JSON result line')
    .option(
      '--queue <redis-url>',
      'measure the scan queue on this Redis instead (its benchmark queues are emptied)',
      redisUrl('--queue'),
    )
    .action(
      async (o: { cache: string; repeats: number; threads?: number; json?: boolean; queue?: string }) => {
        const log = o.json ? () => {} : (l: string) => console.log(l);
        if (o.queue !== undefined) {
          const { benchQueue } = await import('../../benchmarks/queueBench.js');
          const r = await benchQueue({
            redisUrl: o.queue,
            cacheDir: resolve(o.cache),
            stills: benchStills(),
            // workers are started the way this command was
            fsvfmCommand: [process.execPath, ...process.execArgv, process.argv[1]!],
            log,
          });
          console.log(JSON.stringify(r));
          return;
        }
        const r = await benchScan({
          cacheDir: resolve(o.cache),
          stills: benchStills(),
          repeats: o.repeats,
          threads: o.threads,
          log,
        });
        log(
          `scan/decode-only: video ${(r.vit_b16_video_s / r.decode_only_video_s).toFixed(2)}x the time, stills ${(r.decode_only_images_per_s / r.vit_b16_images_per_s).toFixed(2)}x slower`,
        );
        console.log(JSON.stringify(r));
      },
    );
}
