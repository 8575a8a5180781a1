// `fsvfm worker --redis <url> --model <detector>`: score scan jobs from the Redis queue until stopped.
import type { Command } from 'commander';
import type { ScanWorker, WorkerHealthServer } from '../../queue/index.js';
import { intArg, positiveInt } from '../args.js';
import { onStopSignals } from '../interrupt.js';
import { UserError } from '../userError.js';
import { redisUrl } from './queueOptions.js';
import {
  createDetectorForCli,
  type DetectorCliOptions,
  detectorOptionsFromCli,
  withDetectorOptions,
} from './scan.js';

interface WorkerCliOptions extends DetectorCliOptions {
  redis: string;
  concurrency: number;
  stallS: number;
  healthPort?: number;
}

export function registerWorker(program: Command): void {
  withDetectorOptions(program.command('worker'))
    .description(
      'take scan jobs from a Redis queue (filled by `scan --queue` or `serve --queue`) and score them',
    )
    .requiredOption(
      '--redis <url>',
      'Redis server holding the queue, e.g. redis://10.0.0.5:6379',
      redisUrl('--redis'),
    )
    .option('--concurrency <n>', 'jobs scored at once by this process', positiveInt('--concurrency'), 1)
    .option(
      '--stall-s <n>',
      'a job whose worker stops answering for this long goes to another worker',
      positiveInt('--stall-s'),
      30,
    )
    .option(
      '--health-port <n>',
      'serve GET /health on 127.0.0.1:<n> (0 = any free port)',
      intArg('--health-port', 0),
    )
    .option('--explain-with <pretrain.pth>', 'FS-VFM pre-training checkpoint for masked-reconstruction maps')
    .option(
      '--decoder_heads <n>',
      'decoder heads of a custom-size --explain-with checkpoint',
      positiveInt('--decoder_heads'),
    )
    .action(async (o: WorkerCliOptions) => {
      // BullMQ is loaded only by the commands that use the queue
      const { detectorKey, ScanWorker, startWorkerHealth } = await import('../../queue/index.js');
      if (
        o.healthPort !== undefined &&
        !(Number.isInteger(o.healthPort) && o.healthPort >= 0 && o.healthPort <= 65535)
      )
        throw new UserError(`--health-port must be an integer in [0, 65535], got ${o.healthPort}`);
      const opts = detectorOptionsFromCli(o);
      const key = await detectorKey(opts).catch((err: Error) => {
        throw new UserError(err.message);
      });
      const detector = await createDetectorForCli(opts);
      const log = (l: string): void => console.log(`${new Date().toISOString()} ${l}`);
      let worker: ScanWorker;
      try {
        worker = await ScanWorker.start({
          redisUrl: o.redis,
          scanner: detector,
          detectorKey: key.key,
          concurrency: o.concurrency,
          stallS: o.stallS,
          log,
        });
      } catch (err) {
        detector.dispose();
        throw new UserError((err as Error).message);
      }
      let health: WorkerHealthServer | undefined;
      if (o.healthPort !== undefined) {
        try {
          health = await startWorkerHealth(worker, o.healthPort);
        } catch (err) {
          await worker.close(true);
          detector.dispose();
          throw new UserError(`cannot listen on 127.0.0.1:${o.healthPort}: ${(err as Error).message}`);
        }
        log(`health: http://127.0.0.1:${health.port}/health`);
      }
      log(
        `fsvfm worker: model ${detector.info.checkpoint} (${detector.info.kind}), detector ${key.key.slice(0, 16)}`,
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (sig: string): void => {
          if (stopping) {
            log(`${sig} again: leaving running jobs to other workers`);
            worker.close(true).then(resolve, resolve);
            return;
          }
          stopping = true;
          log(`${sig}: finishing ${worker.counts.active} running job(s), then exiting`);
          worker.close().then(resolve, resolve);
        };
        onStopSignals(stop);
      });
      await health?.close();
      detector.dispose();
      log(`stopped: ${worker.counts.completed} done, ${worker.counts.failed} failed`);
    });
}
