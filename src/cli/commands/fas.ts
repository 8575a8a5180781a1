// `fsvfm fas`: cross-domain face anti-spoofing transfer on the MCIO / WCS leave-one-out protocols.
import type { Command } from 'commander';
import { FAS_PROTOCOLS, trainFas } from '../../train/fas/index.js';
import { fasRecipeTable } from '../../train/recipeReport.js';
import { intArg, numArg } from '../args.js';
import { finishTrainingRun } from '../finishTrainingRun.js';
import { interruptOnSigint } from '../interrupt.js';
import { printRecipeTableAndExit } from '../sharedOptions.js';
import { terminalProgressBar } from '../terminalProgressBar.js';
import { UserError } from '../userError.js';

interface FasFlags {
  config: string;
  data_root: string;
  pt_model: string;
  model?: string;
  num_heads?: number;
  trainable?: string;
  recipe?: string;
  output_dir: string;
  iterations?: number;
  eval_every?: number;
  batch_size?: number;
  lr?: number;
  weight_decay?: number;
  weight_cl?: number;
  temperature?: number;
  runs?: number;
  celeb?: boolean;
  threads?: number;
  progress?: boolean;
  resume?: string;
}

async function runFasCommand(f: FasFlags): Promise<void> {
  if (!FAS_PROTOCOLS[f.config])
    throw new UserError(
      `--config must be one of ${Object.keys(FAS_PROTOCOLS).join(', ')}, got '${f.config}'`,
    );
  const trainable = f.trainable;
  if (trainable !== undefined && trainable !== 'all' && trainable !== 'fs-adapter')
    throw new UserError(`--trainable must be all or fs-adapter, got '${trainable}'`);
  const stop = interruptOnSigint(
    'stopping after the current iteration (checkpoint-last.pth is written for --resume)',
  );
  const bar = terminalProgressBar(f.progress !== false, {
    format: 'run {run} |{bar}| {value}/{total} it | loss {loss} | best HTER {hter} | ETA {eta_formatted}',
    etaBuffer: 50,
  });
  let barRun = -1;
  let bestHter = '-';
  await finishTrainingRun(
    () =>
      trainFas(
        {
          dataRoot: f.data_root,
          config: f.config,
          ptModel: f.pt_model,
          model: f.model,
          numHeads: f.num_heads,
          trainable,
          recipe: f.recipe,
          outputDir: f.output_dir,
          iterations: f.iterations,
          evalEvery: f.eval_every,
          perClass: f.batch_size,
          lr: f.lr,
          weightDecay: f.weight_decay,
          weightCl: f.weight_cl,
          temperature: f.temperature,
          runs: f.runs,
          withCeleb: f.celeb !== false,
          runtime: f.threads ? { threads: f.threads } : {},
          resume: f.resume,
        },
        {
          signal: stop.signal,
          onLog: (l) => process.stderr.write(`${l}\n`),
          onStep: (s) => {
            if (!bar) return;
            if (barRun !== s.run) {
              bar.stop();
              bar.start(s.iterations, s.iteration, { run: s.run, loss: '-', hter: '-' });
              barRun = s.run;
              bestHter = '-';
            }
            bar.update(s.iteration + 1, { run: s.run, loss: s.loss.toFixed(4), hter: bestHter });
          },
          onEpoch: (e) => {
            if (e.best) bestHter = `${(100 * e.validArgs.HTER).toFixed(2)}%`;
            if (!bar)
              process.stderr.write(
                `run ${e.run} it ${e.iteration}: HTER ${(100 * e.validArgs.HTER).toFixed(2)}% AUC ${(100 * e.validArgs.AUC).toFixed(2)}% TPR@FPR=1% ${(100 * e.validArgs.TPR_at_FPR_1pct).toFixed(2)}%${e.best ? ' (best)' : ''}\n`,
              );
          },
        },
      ),
    (r) => ({
      runs: r.runs,
      performanceCsv: r.performanceCsv,
      performanceLastCsv: r.performanceLastCsv,
      interrupted: r.interrupted,
    }),
    bar,
    stop,
  );
}

export function registerFas(program: Command): void {
  program
    .command('fas')
    .description(
      'cross-domain face anti-spoofing transfer (MCIO / WCS leave-one-out), full fine-tuning or FS-Adapter',
    )
    .requiredOption(
      '--config <target>',
      `${Object.keys(FAS_PROTOCOLS).join(' | ')} (the held-out target domain)`,
    )
    .requiredOption(
      '--data_root <dir>',
      'MCIO or WCS root holding txt/<ds>_{real,fake}_{train,test}.txt and frame/',
    )
    .requiredOption('--pt_model <checkpoint>', 'pre-training checkpoint (.pth) or encoder .safetensors')
    .option(
      '--model <name>',
      'vit_small_patch16 | vit_base_patch16 | vit_large_patch16 | custom (default: from the checkpoint); also picks the default recipe size (none given: the custom recipe)',
    )
    .option('--num_heads <n>', 'attention heads for custom sizes', intArg('--num_heads'))
    .option('--trainable <modules>', 'all | fs-adapter (default: all, or the mode of --recipe)')
    .option(
      '--recipe <name>',
      'reference hyper-parameters, e.g. fas-base-full, fas-large-fs-adapter (default: from --model and --trainable; --list-recipes); explicit flags override its values',
    )
    .option('--list-recipes', 'print the FAS recipe table and exit')
    .on('option:list-recipes', printRecipeTableAndExit(fasRecipeTable))
    .requiredOption(
      '--output_dir <dir>',
      "checkpoints, the pretrain_ds_mean_std.txt it normalised with, calibration.json (each checkpoint's §7.4 threshold), performance.csv, performance_last.csv, log.txt",
    )
    .option('--iterations <n>', 'recipe: 4001', intArg('--iterations'))
    .option('--eval_every <n>', 'recipe: 100', intArg('--eval_every'))
    .option(
      '--batch_size <n>',
      'per (domain, class) (recipe: 12 full FT / 24 FS-Adapter)',
      intArg('--batch_size'),
    )
    .option('--lr <x>', 'constant lr (recipe; SPEC §5.5 per size and mode)', numArg('--lr', 1e-12))
    .option('--weight_decay <x>', 'Adam L2 weight decay (recipe)', numArg('--weight_decay'))
    .option(
      '--weight_cl <x>',
      'FS-Adapter real-anchor loss weight (recipe: 0.1 / 0.2 for ViT-L)',
      numArg('--weight_cl'),
    )
    .option('--temperature <x>', 'real-anchor temperature (recipe: 0.07)', numArg('--temperature', 1e-9))
    .option(
      '--runs <n>',
      'runs with seeds 0..n-1 (recipe: 5 full FT / 3 FS-Adapter; 1 for custom sizes)',
      intArg('--runs'),
    )
    .option('--no-celeb', 'leave out the CelebA-Spoof source')
    .option('--threads <n>', 'onnxruntime intra-op threads', intArg('--threads'))
    .option('--no-progress', 'no progress bar')
    .option(
      '--resume <checkpoint>',
      'continue from the checkpoint-last.pth an interrupted or killed run left in --output_dir (its run, then the later ones)',
    )
    .action(runFasCommand);
}
