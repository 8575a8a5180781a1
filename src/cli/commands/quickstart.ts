// `fsvfm quickstart`: the whole FS-VFM system on the built-in demo data, with progress per stage and one report.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { StageProgress } from '../../quickstart/quickstartHooks.js';
import { intArg, positiveNumber } from '../args.js';
import { interruptOnSigint } from '../interrupt.js';
import { UserError } from '../userError.js';

interface QuickstartCliOptions {
  out: string;
  quick?: boolean;
  minutes?: number;
  mediaDir: string;
  threads?: number;
  onlineSbi?: boolean;
  seed?: number;
}

/** The repository root (it holds test/fixtures/media with the committed stills), found from this file. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'test', 'fixtures', 'media'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** One bar per stage on a terminal; elsewhere a line every 10% so logs stay short. */
function progressPrinter(): { update: (p: StageProgress) => void; stop: () => void } {
  const tty = process.stderr.isTTY;
  let bar: cliProgress.SingleBar | null = null;
  let stage = '';
  let lastDecile = -1;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    update: (p) => {
      if (p.stage !== stage) {
        stop();
        stage = p.stage;
        lastDecile = -1;
        if (tty) {
          bar = new cliProgress.SingleBar(
            {
              format: `  ${p.stage} |{bar}| {value}/{total} | {detail} | ETA {eta_formatted}`,
              etaBuffer: 20,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.total, 0, { detail: '' });
        }
      }
      if (bar) {
        bar.setTotal(p.total);
        bar.update(p.done, { detail: p.detail ?? '' });
      } else {
        const decile = Math.floor((10 * p.done) / Math.max(1, p.total));
        if (decile !== lastDecile) {
          lastDecile = decile;
          console.log(`  ${p.stage}: ${p.done}/${p.total}${p.detail ? ` (${p.detail})` : ''}`);
        }
      }
    },
    stop,
  };
}

export function registerQuickstart(program: Command): void {
  program
    .command('quickstart')
    .description(
      'the whole FS-VFM system on built-in demo data: faces, tiny pre-training, fakes, FS-Adapter vs full fine-tuning, held-out evaluation, a scan; one HTML report',
    )
    .option('--out <dir>', 'output folder (report.html, summary.json, work/)', 'fsvfm-demo')
    .option('--quick', 'shortened variant (tiny step counts, no full fine-tuning; about 2–3 minutes)')
    .option(
      '--minutes <n>',
      'pre-training wall-time budget in minutes (default: a fixed 12 epochs, about 3 min on 2 idle cores, the same figures on every machine)',
      positiveNumber('--minutes'),
    )
    .option(
      '--no-online-sbi',
      'train the detectors on the pre-made fakes (four per face) instead of online SBI (a fresh self-blend of each face at every step, shared jitter + JPEG; the default)',
    )
    .option(
      '--seed <n>',
      'seed of the detector training (default 0); another seed reuses the faces, pre-training and fakes of the same --out and writes summary-seed<n>.json / report-seed<n>.html',
      intArg('--seed', 0),
    )
    .option('--media-dir <dir>', 'demo media cache (shared with `fsvfm demo fetch`)', '.cache/demo')
    .option('--threads <n>', 'onnxruntime threads (default: all cores)', positiveNumber('--threads'))
    .action(async (o: QuickstartCliOptions) => {
      if (o.threads !== undefined && !Number.isInteger(o.threads))
        throw new UserError(`--threads must be a whole number, got ${o.threads}`);
      // loaded on use: the pipeline pulls in the face models and the training engine
      const { runQuickstart, QuickstartInterrupted } = await import('../../quickstart/index.js');
      const stop = interruptOnSigint('stopping at the next safe point', { resumable: true });
      const progress = progressPrinter();
      try {
        const s = await runQuickstart(
          {
            out: o.out,
            mediaDir: resolve(o.mediaDir),
            quick: !!o.quick,
            ...(o.minutes !== undefined ? { minutes: o.minutes } : {}),
            repoRoot: repoRoot(),
            ...(o.threads ? { threads: o.threads } : {}),
            onlineSbi: o.onlineSbi !== false,
            ...(o.seed !== undefined ? { seed: o.seed } : {}),
          },
          {
            signal: stop.signal,
            log: (l) => {
              progress.stop();
              console.log(l);
            },
            progress: progress.update,
          },
        );
        progress.stop();
        for (const e of s.evaluation)
          for (const set of ['sbi', 'swap'] as const)
            console.log(
              `${e.mode} on held-out ${set}: frame AUC ${e.sets[set].frame.auc.toFixed(3)} EER ${e.sets[set].frame.eer.toFixed(3)}, video AUC ${e.sets[set].video.auc.toFixed(3)} EER ${e.sets[set].video.eer.toFixed(3)}`,
            );
        console.log(`report: ${s.files.report}`);
        console.log(`summary: ${s.files.summary}`);
      } catch (err) {
        progress.stop();
        if (err instanceof QuickstartInterrupted) {
          console.error(err.message);
          process.exitCode = 130;
          return;
        }
        if (err instanceof UserError) throw err;
        const name = (err as Error).name;
        // input and setup problems of the stages carry readable messages
        if (
          ['PretrainInputError', 'FakesInputError', 'DatasetConfigError'].includes(name) ||
          /demo media|settings|--minutes/.test((err as Error).message)
        )
          throw new UserError((err as Error).message);
        throw err;
      } finally {
        stop.dispose();
      }
    });
}
