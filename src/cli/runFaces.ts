// `fsvfm faces` and `fsvfm demo build`: a face dataset with a progress bar on a terminal; Ctrl-C stops after the
// files in progress (a re-run resumes).
import cliProgress from 'cli-progress';
import {
  DatasetConfigError,
  type FaceDatasetFromMediaOptions,
  type FaceDatasetManifest,
  faceDatasetFromMedia,
} from '../data/datasets/index.js';
import { interruptOnSigint } from './interrupt.js';
import { UserError } from './userError.js';

export interface RunFacesArgs extends Omit<FaceDatasetFromMediaOptions, 'signal' | 'onProgress'> {
  /** show a progress bar on stderr when it is a terminal (default true) */
  progress?: boolean;
}

export async function runFaces({ progress, ...opts }: RunFacesArgs): Promise<FaceDatasetManifest> {
  const stop = interruptOnSigint('stopping after the files in progress', { resumable: true });
  const bar =
    progress !== false && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            format:
              'faces |{bar}| {value}/{total} files | {crops} crops | {errors} errors | ETA {eta_formatted}',
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  let crops = 0;
  let errors = 0;
  let started = false;
  try {
    return await faceDatasetFromMedia({
      ...opts,
      signal: stop.signal,
      onProgress: ({ done, total, entry }) => {
        crops += entry.crops;
        if (entry.status === 'error') errors++;
        if (!started) bar?.start(total, 0, { crops, errors });
        started = true;
        bar?.update(done, { crops, errors });
      },
    });
  } catch (err) {
    if (err instanceof DatasetConfigError) throw new UserError(err.message);
    throw err;
  } finally {
    bar?.stop();
    stop.dispose();
  }
}
