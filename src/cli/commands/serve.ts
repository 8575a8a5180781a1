// `fsvfm serve --model <detector>`: the scanning HTTP service and its web page.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { ScanProducer } from '../../queue/index.js';
import { createScanServer, DetectorThread, queuedScanFile } from '../../server/index.js';
import { intArg, positiveInt } from '../args.js';
import { onStopSignals } from '../interrupt.js';
import { UserError } from '../userError.js';
import { queueLimitOrRedisUrl } from './queueOptions.js';
import { type DetectorCliOptions, detectorOptionsFromCli, withDetectorOptions } from './scan.js';

interface ServeCliOptions extends DetectorCliOptions {
  port: number;
  host: string;
  frames: number;
  maxUploadMb: number;
  maxVideoS: number;
  concurrency: number;
  /** waiting scans beyond `concurrency`, or the Redis URL of the scan queue */
  queue: number | string;
  uploadDir?: string;
  timeoutS: number;
  uploadIdleS: number;
  token?: string;
  cors?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function registerServe(program: Command): void {
  withDetectorOptions(program.command('serve'))
    .description('HTTP service: POST /scan, GET /health, GET /model, GET /model.onnx, and a web page at /')
    .option('--port <n>', 'TCP port (0 = any free port)', intArg('--port', 0), 8080)
    .option('--host <addr>', 'address to listen on (loopback only unless changed)', '127.0.0.1')
    .option(
      '--token <secret>',
      'require `Authorization: Bearer <secret>` on /scan, /model, /model.onnx (default: $FSVFM_TOKEN if set)',
    )
    .option('--cors <origin>', 'let pages from this origin (or *) call the API from a browser (default: off)')
    .option('--frames <n>', 'frames sampled per video', positiveInt('--frames'), 32)
    .option('--max-upload-mb <n>', 'largest upload (413 above)', positiveInt('--max-upload-mb'), 200)
    .option('--max-video-s <n>', 'longest video in seconds (422 above)', positiveInt('--max-video-s'), 600)
    .option('--concurrency <n>', 'scans running at once', positiveInt('--concurrency'), 2)
    .option(
      '--queue <n|redis-url>',
      'scans waiting beyond those (503 above); or a redis:// URL: hand scans to `fsvfm worker`s',
      queueLimitOrRedisUrl('--queue'),
      32,
    )
    .option(
      '--upload-dir <dir>',
      'folder for uploads while scanned (with --queue: one every worker can read)',
    )
    .option('--timeout-s <n>', 'time limit per scan (504 above)', positiveInt('--timeout-s'), 120)
    .option(
      '--upload-idle-s <n>',
      'longest pause while an upload arrives (408 above; the temp file is deleted)',
      positiveInt('--upload-idle-s'),
      30,
    )
    .option('--explain-with <pretrain.pth>', 'FS-VFM pre-training checkpoint for masked-reconstruction maps')
    .option(
      '--decoder_heads <n>',
      'decoder heads of a custom-size --explain-with checkpoint',
      positiveInt('--decoder_heads'),
    )
    .action(async (o: ServeCliOptions) => {
      if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)
        throw new UserError(`--port must be an integer in [0, 65535], got ${o.port}`);
      if (o.uploadDir !== undefined && !existsSync(o.uploadDir))
        throw new UserError(`--upload-dir not found: ${o.uploadDir}`);
      const token = o.token ?? (process.env.FSVFM_TOKEN || undefined);
      if (token !== undefined && !/^\S{8,}$/.test(token))
        throw new UserError('--token must be at least 8 characters without spaces');
      if (token === undefined && !LOOPBACK.has(o.host))
        console.error(`warning: listening on ${o.host} without --token: anyone who can reach it can scan`);
      const detectorOptions = detectorOptionsFromCli(o);
      let producer: ScanProducer | undefined;
      if (typeof o.queue === 'string') {
        const { detectorKey, ScanProducer } = await import('../../queue/index.js');
        const key = await detectorKey(detectorOptions).catch((err: Error) => {
          throw new UserError(err.message);
        });
        const url = o.queue;
        producer = await ScanProducer.connect({
          redisUrl: url,
          detectorKey: key.key,
          log: (l) => console.log(l),
        }).catch((err: Error) => {
          throw new UserError(err.message);
        });
        console.log(`fsvfm serve: scans go to queue ${producer.queueName} on ${url}`);
      }
      // the detector runs in a worker thread, so model runs never hold up the HTTP event loop (/health answers
      // while scans run); in queue mode it only answers GET /model and /model.onnx
      const detector = await DetectorThread.start(detectorOptions).catch(async (err: Error) => {
        await producer?.close();
        throw new UserError(`cannot load the detector: ${err.message}`);
      });
      const warning = detector.info.normalisation.warning;
      if (warning) console.error(`warning: ${warning}`);
      const service = createScanServer({
        detector,
        maxUploadBytes: o.maxUploadMb * 1024 * 1024,
        maxVideoSeconds: o.maxVideoS,
        concurrency: o.concurrency,
        maxQueue: typeof o.queue === 'number' ? o.queue : 32,
        scanFile: producer && queuedScanFile(producer),
        uploadDir: o.uploadDir,
        requestTimeoutMs: o.timeoutS * 1000,
        uploadIdleMs: o.uploadIdleS * 1000,
        frames: o.frames,
        token,
        corsOrigin: o.cors,
        log: (l) => console.log(l),
      });
      let port: number;
      try {
        port = await service.listen(o.port, o.host);
      } catch (err) {
        await detector.dispose();
        await producer?.close();
        throw new UserError(`cannot listen on ${o.host}:${o.port}: ${(err as Error).message}`);
      }
      console.log(
        `fsvfm serve: http://${o.host}:${port}/ (model ${detector.info.checkpoint}, ${detector.info.kind})` +
          (token !== undefined ? '; bearer token required (open the page as /#token=<token>)' : ''),
      );
      await new Promise<void>((resolve) => {
        const stop = (sig: string): void => {
          console.log(`${sig}: finishing running scans, then exiting`);
          service.close().then(resolve, resolve);
        };
        onStopSignals(stop, true);
      });
      await producer?.close();
      await detector.dispose();
    });
}
