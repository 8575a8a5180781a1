// `fsvfm fakes`: synthetic deepfakes (self-blended images or landmark face swaps) from a folder of real face crops.
import { join } from 'node:path';
import type { Command } from 'commander';
import type { FakesFromFolderOptions } from '../../data/synthetic/fakesFromFolder.js';
import type { FakesManifest } from '../../data/synthetic/index.js';
import { SBI_STRENGTH_NAMES, type SbiStrength } from '../../data/synthetic/sbiStrength.js';
import { intArg } from '../args.js';
import { interruptOnSigint } from '../interrupt.js';
import { terminalProgressBar } from '../terminalProgressBar.js';
import { UserError } from '../userError.js';

interface FakesCliOptions {
  out: string;
  kind: string;
  perImage: number;
  seed: number;
  pairs: string;
  triangulation: string;
  sbi_strength: string;
  json?: boolean;
}

export interface RunFakesArgs extends Omit<FakesFromFolderOptions, 'signal' | 'onProgress'> {
  /** show a progress bar on stderr when it is a terminal (default true) */
  progress?: boolean;
}

/** The work of `fsvfm fakes`. Ctrl-C stops after the current image; a re-run resumes. */
export async function runFakes(a: RunFakesArgs): Promise<FakesManifest> {
  // loaded on use: the generators and face models pull in tfjs, which `fsvfm --help` should not pay for
  const { fakesFromFolder } = await import('../../data/synthetic/fakesFromFolder.js');
  const { FakesInputError } = await import('../../data/synthetic/buildFakes.js');
  const stop = interruptOnSigint('stopping after the current image', { resumable: true });
  const bar = terminalProgressBar(a.progress !== false, {
    format: `fakes ${a.kind} |{bar}| {value}/{total} images | {samples} fakes | {problems} skipped/errors | ETA {eta_formatted}`,
    etaBuffer: 20,
  });
  let started = false;
  try {
    return await fakesFromFolder({
      ...a,
      signal: stop.signal,
      onProgress: ({ done, total, samples, problems }) => {
        if (!started) bar?.start(total, 0, { samples, problems });
        started = true;
        bar?.update(done, { samples, problems });
      },
    });
  } catch (err) {
    if (err instanceof FakesInputError) throw new UserError(err.message);
    throw err;
  } finally {
    bar?.stop();
    stop.dispose();
  }
}

export function registerFakes(program: Command): void {
  program
    .command('fakes')
    .description(
      'make synthetic fakes from real face crops: self-blended images (sbi) or landmark face swaps (swap)',
    )
    .argument(
      '<real-dataset-dir>',
      'folder of real face crops (e.g. images/ of a pre-training dataset, or a class folder)',
    )
    .requiredOption('--out <dir>', 'dataset folder; fakes go to <dir>/fake_<kind>/ with a manifest.json')
    .requiredOption('--kind <kind>', 'sbi or swap')
    .option('--per-image <n>', 'fakes made from each image', intArg('--per-image', 1), 1)
    .option('--seed <s>', 'seed of every random draw (same seed, same fakes)', intArg('--seed', 0), 0)
    .option('--pairs <rule>', 'swap pairing of different identities: random or cycle', 'random')
    .option('--triangulation <t>', 'swap warp triangles: mesh (MediaPipe) or delaunay', 'mesh')
    .option(
      '--sbi_strength <name>',
      'SBI ranges: default (the original recipe) or strong (always a clear colour shift, mostly opaque blends, the change on the face or on the rest at random: for soft, low-resolution footage)',
      'default',
    )
    .option('--json', 'print the manifest counts as one JSON object')
    .action(async (input: string, o: FakesCliOptions) => {
      if (o.kind !== 'sbi' && o.kind !== 'swap')
        throw new UserError(`--kind must be sbi or swap, got "${o.kind}"`);
      if (o.pairs !== 'random' && o.pairs !== 'cycle')
        throw new UserError(`--pairs must be random or cycle, got "${o.pairs}"`);
      if (o.triangulation !== 'mesh' && o.triangulation !== 'delaunay')
        throw new UserError(`--triangulation must be mesh or delaunay, got "${o.triangulation}"`);
      if (!(SBI_STRENGTH_NAMES as readonly string[]).includes(o.sbi_strength))
        throw new UserError(
          `--sbi_strength must be one of ${SBI_STRENGTH_NAMES.join(', ')}, got "${o.sbi_strength}"`,
        );
      const m = await runFakes({
        input,
        out: o.out,
        kind: o.kind,
        perImage: o.perImage,
        seed: o.seed,
        pairs: o.pairs,
        triangulation: o.triangulation,
        sbiStrength: o.sbi_strength as SbiStrength,
      });
      const c = m.counts;
      const manifest = join(o.out, `fake_${o.kind}`, 'manifest.json');
      if (o.json) {
        console.log(JSON.stringify({ ...c, interrupted: m.interrupted, manifest }));
      } else {
        for (const p of m.problems.slice(0, 20)) console.log(`${p.status}: ${p.input}: ${p.reason}`);
        if (m.problems.length > 20) console.log(`... and ${m.problems.length - 20} more (see the manifest)`);
        console.log(
          `${c.samples} ${o.kind} fakes (${c.reused} reused) from ${c.inputs} input files, ${c.skipped} skipped, ${c.errors} errors → ${join(o.out, `fake_${o.kind}`)}`,
        );
        console.log(`manifest: ${manifest}${m.interrupted ? ' (interrupted: re-run to resume)' : ''}`);
      }
      if (m.interrupted) process.exitCode = 130;
      else if (c.samples === 0) process.exitCode = 1;
    });
}
