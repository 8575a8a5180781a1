// `fsvfm faces`: images and videos → face crops (+ parsing maps) in a training layout, with a manifest.
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_RECIPE } from '../../data/crops/index.js';
import { positiveInt, positiveNumber } from '../args.js';
import { runFaces } from '../runFaces.js';
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
    .option('--fps <k>', 'sample k frames per second of video instead of --frames', positiveNumber('--fps'))
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
        outDir: o.out,
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
