// `serve --queue`: the service hands each upload to the scan queue instead of scoring it in-process, so web
// servers and workers scale separately. Outcomes map to the same answers as a local scan.
import { MediaLimitError, type ScanItem, type VideoScanOptions } from '../detect/index.js';
import type { ScanProducer } from '../queue/index.js';
import { HttpError } from './httpErrors.js';

export type ScanFileFn = (path: string, opts: VideoScanOptions) => Promise<ScanItem>;

export function queuedScanFile(producer: ScanProducer): ScanFileFn {
  return async (path, o) => {
    const outcome = await producer.scanFile(
      path,
      {
        frames: o.frames,
        fps: o.fps,
        aggregate: o.aggregate,
        crops: o.crops,
        explain: o.explain,
        maxDurationS: o.maxDurationS,
      },
      { signal: o.signal },
    );
    if ('item' in outcome) return outcome.item;
    if ('media_limit' in outcome) throw new MediaLimitError(outcome.media_limit);
    throw new HttpError(
      502,
      `scan failed on the workers after ${outcome.attempts} attempts: ${outcome.failed}`,
    );
  };
}
