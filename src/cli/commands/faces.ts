// `fsvfm faces`: images and videos → face crops (+ parsing maps) in a training layout, with a manifest.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { cropRecipe, DEFAULT_RECIPE } from '../../data/crops/index.js';
import {
  buildFaceDataset,
  DatasetConfigError,
  type DatasetLayout,
  type FaceDatasetManifest,
} from '../../data/datasets/index.js';
import { UserError } from '../userError.js';

interface FacesOptions {
  out: string;
  layout: string;
  frames: number;
  fps?: number;
  recipe: string;
  class?: string;
  jobs: number;
  allFaces?: boolean;
  size: string;
  json?: boolean;
}

export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

export interface RunFacesArgs {
  inputs: string[];
  out: string;
  layout: DatasetLayout;
  frames?: number;
  fps?: number;
  recipe?: string;
  className?: string;
  jobs?: number;
  allFaces?: boolean;
  cropSize?: 'native' | 224;
  /** show a progress bar on stderr when it is a terminal (default true) */
  progress?: boolean;
}

/** The work of `fsvfm faces`, callable from other commands (demo build). Ctrl-C stops after the current files. */
export async function runFaces(a: RunFacesArgs): Promise<FaceDatasetManifest> {
  for (const i of a.inputs) if (!existsSync(i)) throw new UserError(`input ${i} does not exist`);
  try {
    cropRecipe(a.recipe ?? DEFAULT_RECIPE);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  // loaded on use: the face models pull in tfjs, which `fsvfm --help` should not pay for
  const { createFaceDetector, createFaceParser } = await import('../../data/datasets/realFaceTools.js');
  const detector = await createFaceDetector();
  const parser = a.layout === 'pretrain' ? await createFaceParser() : undefined;
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write(
      '\nstopping after the files in progress (Ctrl-C again to quit now); re-run to resume\n',
    );
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const bar =
    a.progress !== false && process.stderr.isTTY
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
    return await buildFaceDataset({
      inputs: a.inputs,
      outDir: a.out,
      layout: a.layout,
      frames: a.frames,
      fps: a.fps,
      recipe: a.recipe,
      className: a.className,
      jobs: a.jobs,
      allFaces: a.allFaces,
      cropSize: a.cropSize,
      detector,
      parser,
      signal: abort.signal,
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
    process.off('SIGINT', onSigint);
    await detector.dispose?.();
    await parser?.dispose?.();
  }
}

export function registerFaces(program: Command): void {
  program
    .command('faces')
    .description(
      'detect, crop and (for pre-training) parse faces from images and videos into a dataset folder',
    )
    .argument('<inputs...>', 'image or video files, or folders searched recursively')
    .requiredOption('--out <dir>', 'output dataset folder')
    .option(
      '--layout <layout>',
      'pretrain (images/ + parsing_maps/) or imagefolder (class folders)',
      'pretrain',
    )
    .option(
      '--frames <n>',
      'frames per video, uniformly sampled incl. first and last',
      positiveInt('--frames'),
      32,
    )
    .option('--fps <k>', 'sample k frames per second of video instead of --frames', (v: string) => {
      const n = Number(v);
      if (!(n > 0)) throw new InvalidArgumentError(`--fps must be a positive number, got "${v}"`);
      return n;
    })
    .option('--recipe <name>', 'crop recipe: fsfm-dlib-<scale> or aligned-<scale>', DEFAULT_RECIPE)
    .option('--class <name>', 'imagefolder class folder (default: each file’s parent folder name)')
    .option('--all-faces', 'keep every detected face, not only the first')
    .option('--size <size>', 'imagefolder crop size: native (as the official preparation) or 224', 'native')
    .option(
      '--jobs <n>',
      'input files in flight at once (decode/encode overlap; detection and parsing stay serial)',
      positiveInt('--jobs'),
      1,
    )
    .option('--json', 'print the manifest counts as one JSON object')
    .action(async (inputs: string[], o: FacesOptions) => {
      if (o.layout !== 'pretrain' && o.layout !== 'imagefolder') {
        throw new UserError(`--layout must be pretrain or imagefolder, got "${o.layout}"`);
      }
      if (o.size !== 'native' && o.size !== '224')
        throw new UserError(`--size must be native or 224, got "${o.size}"`);
      const m = await runFaces({
        inputs,
        out: o.out,
        layout: o.layout,
        frames: o.frames,
        fps: o.fps,
        recipe: o.recipe,
        className: o.class,
        jobs: o.jobs,
        allFaces: o.allFaces,
        cropSize: o.size === '224' ? 224 : 'native',
      });
      const c = m.counts;
      if (o.json) {
        console.log(
          JSON.stringify({ ...c, interrupted: m.interrupted, manifest: join(o.out, 'manifest.json') }),
        );
      } else {
        for (const e of m.entries.filter((x) => x.status === 'error').slice(0, 20))
          console.log(`error: ${e.input}: ${e.error}`);
        if (c.error > 20) console.log(`... and ${c.error - 20} more errors (see the manifest)`);
        console.log(
          `${c.crops} crops from ${c.ok}/${c.inputs} inputs (${c.error} errors, ${c.cached} reused) → ${o.out} [recipe ${m.recipe}]`,
        );
        console.log(
          `manifest: ${join(o.out, 'manifest.json')}${m.interrupted ? ' (interrupted: re-run to resume)' : ''}`,
        );
      }
      if (m.interrupted) process.exitCode = 130;
      else if (c.crops === 0) process.exitCode = 1;
    });
}
