// `fsvfm pretrain`: FS-VFM self-supervised pre-training on a folder of faces with parsing maps (SPEC §5.2).
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { isMaskStrategyName, MASK_STRATEGY_NAMES } from '../../data/masking/maskStrategies.js';
import { PretrainInputError } from '../../train/pretrain/pretrainInputError.js';
import { runPretrain } from '../../train/pretrain/pretrainLoop.js';
import {
  CL_LOSS_NAMES,
  type ClLossName,
  type CustomModelDims,
  PRETRAIN_DEFAULTS as D,
  type PretrainOptions,
  pretrainSize,
} from '../../train/pretrain/pretrainOptions.js';
import { NonFiniteLossError } from '../../train/pretrain/pretrainStep.js';
import { finiteArg, intArg } from '../args.js';
import { interruptOnSigint } from '../interrupt.js';
import { UserError } from '../userError.js';

type Raw = Record<string, string | string[] | boolean | undefined>;

const collect = (v: string, prev: string[] = []) => [...prev, v];

const CUSTOM_FLAGS: [keyof CustomModelDims, string][] = [
  ['embedDim', 'embed_dim'],
  ['depth', 'depth'],
  ['numHeads', 'num_heads'],
  ['decoderEmbedDim', 'decoder_embed_dim'],
  ['decoderDepth', 'decoder_depth'],
  ['decoderNumHeads', 'decoder_num_heads'],
  ['repDecoderDepth', 'rep_decoder_depth'],
  ['repDecoderNumHeads', 'rep_decoder_num_heads'],
  ['projectionSize', 'projection_size'],
  ['projectionHiddenSize', 'projection_hidden_size'],
];
const CUSTOM_DEFAULTS: Partial<CustomModelDims> = {
  decoderEmbedDim: 512,
  decoderDepth: 8,
  decoderNumHeads: 16,
  repDecoderDepth: 2,
  repDecoderNumHeads: 16,
  projectionSize: 256,
  projectionHiddenSize: 4096,
};

function clLossName(v: string): ClLossName {
  const hit = CL_LOSS_NAMES.find((n) => n.toLowerCase() === v.toLowerCase());
  if (!hit) throw new UserError(`--cl_loss must be one of ${CL_LOSS_NAMES.join(', ')}, got "${v}"`);
  return hit;
}

function customDims(o: Raw): CustomModelDims | undefined {
  const given = CUSTOM_FLAGS.filter(([, f]) => o[f] !== undefined);
  if (o.model !== 'custom') {
    if (given.length)
      throw new UserError(`--${given[0]![1]} only applies to --model custom (the registry sizes are fixed)`);
    return undefined;
  }
  const dims: Partial<CustomModelDims> = { ...CUSTOM_DEFAULTS };
  for (const [k, f] of CUSTOM_FLAGS) if (o[f] !== undefined) dims[k] = Number(o[f]);
  for (const [k, f] of CUSTOM_FLAGS) {
    const v = dims[k];
    if (v === undefined) throw new UserError(`--model custom needs --${f}`);
    if (!Number.isInteger(v) || v < 1) throw new UserError(`--${f} must be a positive integer, got ${v}`);
  }
  return dims as CustomModelDims;
}

export function pretrainOptionsFromCli(o: Raw): PretrainOptions {
  const strategy = String(o.mask_strategy);
  if (!isMaskStrategyName(strategy))
    throw new UserError(
      `--mask_strategy must be one of ${MASK_STRATEGY_NAMES.join(', ')}, got "${strategy}"`,
    );
  const n = (k: string) => Number(o[k]);
  const opts = {
    data: (o.data as string[] | undefined) ?? [],
    outputDir: String(o.output_dir),
    model: String(o.model),
    ...(customDims(o) ? { custom: customDims(o)! } : {}),
    maskRatio: n('mask_ratio'),
    maskStrategy: strategy,
    normPixLoss: Boolean(o.norm_pix_loss),
    weightSfr: n('weight_sfr'),
    weightCl: n('weight_cl'),
    clLoss: clLossName(String(o.cl_loss)),
    batchSize: n('batch_size'),
    accumIter: n('accum_iter'),
    epochs: n('epochs'),
    blr: n('blr'),
    ...(o.lr !== undefined ? { lr: n('lr') } : {}),
    minLr: n('min_lr'),
    warmupEpochs: n('warmup_epochs'),
    weightDecay: n('weight_decay'),
    tMomentum: n('t_momentum'),
    clipGrad: n('clip_grad'),
    seed: n('seed'),
    ...(o.resume !== undefined ? { resume: String(o.resume) } : {}),
    emaNoop: Boolean(o.emaNoop),
    ...(o.threads !== undefined ? { threads: n('threads') } : {}),
    ...(o.max_steps !== undefined ? { maxSteps: n('max_steps') } : {}),
    saveEvery: n('save_every'),
    workers: n('workers'),
    prefetch: n('prefetch'),
    visCount: n('vis_count'),
  } satisfies PretrainOptions;
  if (opts.data.length === 0)
    throw new UserError('give the pre-training data with --data <dir> (repeatable)');
  try {
    pretrainSize(opts);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  return opts;
}

const fmt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(4));

export function registerPretrain(program: Command): void {
  const cmd = program
    .command('pretrain')
    .description('FS-VFM pre-training (MIM with CRFR-P + self-distillation) on faces with parsing maps')
    .option(
      '--data <dir>',
      'pre-training set (images/ + parsing_maps/, as `fsvfm faces --layout pretrain` writes); repeat to concatenate',
      collect,
    )
    .option('--output_dir <dir>', 'checkpoints, log.txt, statistics and pictures', './output_dir')
    .option(
      '--model <name>',
      'fsfm_vit_{small,base,large}_patch16, fsfm_vit_huge_patch14 or custom',
      D.model,
    );
  for (const [, f] of CUSTOM_FLAGS) cmd.option(`--${f} <n>`, `--model custom: ${f.replaceAll('_', ' ')}`);
  cmd
    .option('--mask_ratio <r>', 'fraction of patches removed', finiteArg('--mask_ratio'), D.maskRatio)
    .option('--mask_strategy <name>', MASK_STRATEGY_NAMES.join(' | '), D.maskStrategy)
    .option('--norm_pix_loss', 'per-patch normalised pixel targets (on in the official scripts)')
    .option(
      '--weight_sfr <w>',
      'weight of the facial-region reconstruction term',
      finiteArg('--weight_sfr'),
      D.weightSfr,
    )
    .option('--weight_cl <w>', 'weight of the contrastive term', finiteArg('--weight_cl'), D.weightCl)
    .option('--cl_loss <name>', CL_LOSS_NAMES.join(' | '), D.clLoss)
    .option('--batch_size <n>', 'images per step', intArg('--batch_size', 1), D.batchSize)
    .option('--accum_iter <n>', 'gradient accumulation steps', intArg('--accum_iter', 1), D.accumIter)
    .option('--epochs <n>', 'epochs', intArg('--epochs', 1), D.epochs)
    .option('--blr <lr>', 'base lr: lr = blr · batch · accum / 256', finiteArg('--blr'), D.blr)
    .option('--lr <lr>', 'absolute lr (overrides --blr)', finiteArg('--lr'))
    .option('--min_lr <lr>', 'cosine floor', finiteArg('--min_lr'), D.minLr)
    .option('--warmup_epochs <n>', 'linear warm-up epochs', finiteArg('--warmup_epochs'), D.warmupEpochs)
    .option('--weight_decay <wd>', 'AdamW weight decay', finiteArg('--weight_decay'), D.weightDecay)
    .option(
      '--t_momentum <m>',
      'initial EMA momentum of the target network',
      finiteArg('--t_momentum'),
      D.tMomentum,
    )
    .option('--clip_grad <norm>', 'global gradient-norm clip (0: off)', finiteArg('--clip_grad'), D.clipGrad)
    .option('--seed <n>', 'seed of weights, data order and masks', intArg('--seed', 0), D.seed)
    .option(
      '--resume <path>',
      'continue from a checkpoint-<e>.pth or an output folder (its newest checkpoint)',
    )
    .option(
      '--ema-noop',
      'reproduce the official EMA no-op of the 4-GPU launch (SPEC §9 #1): the target never moves',
    )
    .option(
      '--threads <n>',
      'onnxruntime intra-op threads',
      intArg('--threads', 1),
      Math.min(2, availableParallelism()),
    )
    .option(
      '--max_steps <n>',
      'stop after this many data iterations in total (resumable checkpoint)',
      intArg('--max_steps', 0),
    )
    .option(
      '--save_every <n>',
      'epochs between checkpoint-<e>.pth files',
      intArg('--save_every', 1),
      D.saveEvery,
    )
    .option('--workers <n>', 'loader worker threads (0: main thread)', intArg('--workers', 0), D.workers)
    .option('--prefetch <n>', 'batches prepared ahead', intArg('--prefetch', 0), D.prefetch)
    .option(
      '--vis_count <n>',
      'faces in the per-epoch reconstruction sheet (0: none)',
      intArg('--vis_count', 0),
      D.visCount,
    )
    .option('--json', 'print only a JSON summary line')
    .action(async (raw: Raw) => {
      const opts = pretrainOptionsFromCli(raw);
      const json = Boolean(raw.json);
      const stop = interruptOnSigint('finishing the current step, then writing a resumable checkpoint');
      const bar =
        !json && process.stderr.isTTY
          ? new cliProgress.SingleBar({
              format:
                'epoch {epoch} |{bar}| {value}/{total} it | ETA {eta_formatted} | loss {loss} rec {rec} sfr {sfr} cl {cl} | target std {std} cos {cos} | lr {lr}',
              etaBuffer: 50,
            })
          : undefined;
      const say = (line: string) => {
        if (json) return;
        if (bar) process.stderr.write(`\r\x1b[K${line}\n`);
        else console.log(line);
      };
      try {
        const r = await runPretrain(opts, {
          signal: stop.signal,
          onLog: say,
          onStart: ({ totalIterations, startIteration }) =>
            bar?.start(totalIterations, startIteration, {
              epoch: '-',
              loss: '-',
              rec: '-',
              sfr: '-',
              cl: '-',
              std: '-',
              cos: '-',
              lr: '-',
            }),
          onStep: (p) =>
            bar?.update(p.iteration, {
              epoch: `${p.epoch} ${p.step}/${p.stepsPerEpoch}`,
              loss: fmt(p.averages.loss),
              rec: fmt(p.averages.loss_rec_all),
              sfr: fmt(p.averages.loss_rec_sfr),
              cl: fmt(p.averages.loss_cl),
              std: fmt(p.averages.target_std),
              cos: fmt(p.averages.target_cos),
              lr: p.averages.lr?.toExponential(2) ?? '-',
            }),
        });
        bar?.stop();
        if (json) console.log(JSON.stringify(r));
        else
          console.log(
            `${r.stopped ? `stopped (${r.stopped}) after` : 'finished'} ${r.iterations} iterations, ${r.epochsCompleted} epochs → ${r.outputDir}${r.skippedBatches ? ` (${r.skippedBatches} batches skipped)` : ''}`,
          );
        if (r.stopped === 'signal') process.exitCode = 130;
      } catch (err) {
        bar?.stop();
        if (err instanceof NonFiniteLossError) throw new UserError(err.message, 1);
        if (err instanceof PretrainInputError) throw new UserError(err.message);
        throw err;
      } finally {
        stop.dispose();
      }
    });
}
