// `fsvfm finetune`: DfD / DiFF transfer from a pre-trained encoder — full fine-tuning or FS-Adapter — with the
// official flag names; progress bar, Ctrl-C saves checkpoint-last.pth for --resume.
import { type Command, InvalidArgumentError } from 'commander';
import { SBI_STRENGTH_NAMES, type SbiStrength } from '../../data/synthetic/sbiStrength.js';
import { isEvalTransformName } from '../../data/transforms/evalTransforms.js';
import { type FinetuneOptions, finetune } from '../../train/finetune/index.js';
import { finetuneRecipeTable } from '../../train/recipeReport.js';
import { FINETUNE_TASKS, type FinetuneTask } from '../../train/transferRecipes.js';
import { intArg, numArg } from '../args.js';
import { finishTrainingRun } from '../finishTrainingRun.js';
import { interruptOnSigint } from '../interrupt.js';
import { jpegQualityRangeArg } from '../jpegQualityArg.js';
import {
  datasetAbsPathOption,
  depthOption,
  embedDimOption,
  labelDelimiterOption,
  printRecipeTableAndExit,
} from '../sharedOptions.js';
import { terminalProgressBar } from '../terminalProgressBar.js';
import { UserError } from '../userError.js';

/** `lo,hi` with 0 < lo ≤ hi ≤ 1: a RandomResizedCrop area range. */
function cropScaleArg(v: string): readonly [number, number] {
  const parts = v.split(',').map((x) => Number(x.trim()));
  const [lo, hi] = parts;
  if (parts.length !== 2 || lo === undefined || hi === undefined || !(lo > 0 && lo <= hi && hi <= 1))
    throw new InvalidArgumentError(
      `--crop_scale must be lo,hi with 0 < lo ≤ hi ≤ 1 (e.g. 0.08,1), got "${v}"`,
    );
  return [lo, hi];
}

interface FinetuneFlags {
  data_path?: string[];
  val_path?: string[];
  train_split?: string;
  val_split?: string;
  dataset_abs_path?: string;
  delimiter_in_spilt?: string;
  real_index?: number;
  finetune: string;
  model: string;
  num_heads?: number;
  embed_dim?: number;
  depth?: number;
  trainable?: string;
  task?: string;
  recipe?: string;
  output_dir: string;
  batch_size?: number;
  epochs?: number;
  lr?: number;
  blr?: number;
  min_lr?: number;
  layer_decay?: number;
  weight_decay?: number;
  drop_path?: number;
  warmup_epochs?: number;
  smoothing?: number;
  mixup?: number;
  cutmix?: number;
  mixup_prob?: number;
  mixup_switch_prob?: number;
  reprob?: number;
  whole_jitter?: number;
  paired_batches?: boolean;
  rotate_fakes?: boolean;
  online_sbi?: boolean;
  sbi_strength?: string;
  sbi_maps?: string[];
  jpeg_prob?: number;
  jpeg_quality?: readonly [number, number];
  workers?: number;
  aa?: string;
  crop_scale?: readonly [number, number];
  weight_cl?: number;
  temperature?: number;
  adapter_reduction?: number;
  accum_iter?: number;
  clip_grad?: number;
  seed?: number;
  resume?: string;
  val_transform?: string;
  normalize_from_IMN?: boolean;
  threads?: number;
  progress?: boolean;
}

export function finetuneOptionsFromFlags(f: FinetuneFlags): FinetuneOptions {
  const trainable = f.trainable;
  if (trainable !== undefined && trainable !== 'all' && trainable !== 'fs-adapter')
    throw new UserError(`--trainable must be all or fs-adapter, got '${trainable}'`);
  const task = f.task;
  if (task !== undefined && !(FINETUNE_TASKS as readonly string[]).includes(task))
    throw new UserError(`--task must be one of ${FINETUNE_TASKS.join(', ')}, got '${task}'`);
  if (f.val_transform && !isEvalTransformName(f.val_transform))
    throw new UserError(
      `--val_transform must be resize or resize256-centercrop224, got '${f.val_transform}'`,
    );
  if (f.sbi_strength !== undefined && !(SBI_STRENGTH_NAMES as readonly string[]).includes(f.sbi_strength))
    throw new UserError(
      `--sbi_strength must be one of ${SBI_STRENGTH_NAMES.join(', ')}, got "${f.sbi_strength}"`,
    );
  const delim = f.delimiter_in_spilt;
  if (delim !== undefined && ![' ', ',', ', '].includes(delim))
    throw new UserError(`--delimiter_in_spilt must be ' ', ',' or ', ', got '${delim}'`);
  return {
    dataPath: f.data_path,
    valPath: f.val_path,
    trainSplit: f.train_split,
    valSplit: f.val_split,
    datasetAbsPath: f.dataset_abs_path,
    delimiter: delim as FinetuneOptions['delimiter'],
    realIndex: f.real_index,
    finetune: f.finetune,
    model: f.model,
    numHeads: f.num_heads,
    embedDim: f.embed_dim,
    depth: f.depth,
    trainable,
    task: task as FinetuneTask | undefined,
    recipe: f.recipe,
    outputDir: f.output_dir,
    batchSize: f.batch_size,
    epochs: f.epochs,
    lr: f.lr,
    blr: f.blr,
    minLr: f.min_lr,
    layerDecay: f.layer_decay,
    weightDecay: f.weight_decay,
    dropPath: f.drop_path,
    warmupEpochs: f.warmup_epochs,
    smoothing: f.smoothing,
    mixup: f.mixup,
    cutmix: f.cutmix,
    mixupProb: f.mixup_prob,
    mixupSwitchProb: f.mixup_switch_prob,
    reprob: f.reprob,
    wholeJitter: f.whole_jitter,
    pairedBatches: f.paired_batches,
    rotateFakes: f.rotate_fakes,
    onlineSbi: f.online_sbi,
    sbiStrength: f.sbi_strength as SbiStrength | undefined,
    sbiMaps: f.sbi_maps,
    jpegProb: f.jpeg_prob,
    jpegQuality: f.jpeg_quality,
    workers: f.workers,
    aa: f.aa === undefined ? undefined : f.aa === 'none' ? null : f.aa,
    cropScale: f.crop_scale,
    weightCl: f.weight_cl,
    temperature: f.temperature,
    adapterReduction: f.adapter_reduction,
    accumIter: f.accum_iter,
    clipGrad: f.clip_grad,
    seed: f.seed,
    resume: f.resume,
    valTransform: f.val_transform as FinetuneOptions['valTransform'],
    normalizeFromImagenet: f.normalize_from_IMN,
    runtime: f.threads ? { threads: f.threads } : {},
  };
}

async function runFinetuneCommand(f: FinetuneFlags): Promise<void> {
  const stop = interruptOnSigint(
    'stopping after the current step (checkpoint-last.pth is written for --resume)',
  );
  const opts = finetuneOptionsFromFlags(f);
  const bar = terminalProgressBar(f.progress !== false, {
    format: 'epoch {epoch} |{bar}| {value}/{total} steps | loss {loss} | lr {lr} | ETA {eta_formatted}',
    etaBuffer: 20,
  });
  let barEpoch = -1;
  const say = (line: string) => {
    if (bar && barEpoch >= 0) bar.stop();
    barEpoch = -1;
    process.stderr.write(`${line}\n`);
  };
  await finishTrainingRun(
    () =>
      finetune(opts, {
        signal: stop.signal,
        onLog: say,
        onStart: (s) =>
          say(
            `training on ${s.trainImages} images (${s.stepsPerEpoch} steps/epoch), validating on ${s.valImages}; epochs ${s.startEpoch}..${s.epochs - 1}`,
          ),
        onStep: (s) => {
          if (!bar) return;
          if (barEpoch !== s.epoch) {
            bar.start(s.stepsPerEpoch, s.step, { epoch: s.epoch, loss: '-', lr: '-' });
            barEpoch = s.epoch;
          }
          bar.update(s.step + 1, { epoch: s.epoch, loss: s.loss.toFixed(4), lr: s.lr.toExponential(2) });
        },
        onEpoch: (e) =>
          say(
            `epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}${e.valLoss !== null ? `, val loss ${e.valLoss.toFixed(4)}, val AUC ${e.valAuc?.toFixed(2) ?? 'n/a'}%, val acc ${e.valAcc?.toFixed(2)}%` : ''}${e.saved.length ? `; saved ${e.saved.join(', ')}` : ''}`,
          ),
      }),
    (r) => ({
      outputDir: r.outputDir,
      best: r.best,
      last: r.last,
      interrupted: r.interrupted,
      epochsDone: r.epochsDone,
      bestValLoss: r.bestValLoss,
      trainableParameters: r.trainableParameters,
      normalisation: r.norm.source,
    }),
    bar,
    stop,
  );
}

// The flag list is shaped like fas.ts's and like itself from flag to flag: each help text states this command's own
// default, so the declarations stay here (the ones with one text everywhere are in ../sharedOptions.ts).
export function registerFinetune(program: Command): void {
  program
    .command('finetune')
    .description(
      'transfer a pre-trained encoder to deepfake / diffusion-face detection (full fine-tuning or FS-Adapter)',
    )
    .option(
      '--data_path <roots...>',
      'class-folder root(s): <root>/train and <root>/val (fake_*/ real_*/), or the class folders',
    )
    .option(
      '--val_path <roots...>',
      'validation class-folder root(s) (default: <data_path>/val when present)',
    )
    .option('--train_split <file>', 'label file (path<delim>label per line) instead of --data_path')
    .option('--val_split <file>', 'validation label file')
    .addOption(datasetAbsPathOption())
    .addOption(labelDelimiterOption())
    .option('--real_index <n>', 'label-file datasets: the real label (default 0)', intArg('--real_index', 0))
    .requiredOption('--finetune <checkpoint>', 'pre-training checkpoint (.pth) or encoder .safetensors')
    .option(
      '--model <name>',
      'vit_small_patch16 | vit_base_patch16 | vit_large_patch16 | vit_huge_patch14 | custom (also picks the default recipe size)',
      'custom',
    )
    .option('--num_heads <n>', 'attention heads (custom sizes: not stored in weights)', intArg('--num_heads'))
    .addOption(embedDimOption())
    .addOption(depthOption())
    .option(
      '--trainable <modules>',
      'all (full fine-tuning) | fs-adapter (default: all, or the mode of --recipe)',
    )
    .option('--task <task>', `${FINETUNE_TASKS.join(' | ')}: picks the default recipe (default dfd)`)
    .option(
      '--recipe <name>',
      'reference hyper-parameters, e.g. dfd-base-full, diff-large-fs-adapter (default: from --task, --model and --trainable; --list-recipes); explicit flags override its values',
    )
    .option('--list-recipes', 'print the DfD / DiFF recipe table and exit')
    .on('option:list-recipes', printRecipeTableAndExit(finetuneRecipeTable))
    .requiredOption(
      '--output_dir <dir>',
      "checkpoints, log.txt, the pretrain_ds_mean_std.txt it normalised with and calibration.json (each checkpoint's threshold, the EER point of the validation split)",
    )
    .option('--batch_size <n>', 'per step (recipe: the official per-GPU batch)', intArg('--batch_size'))
    .option('--epochs <n>', 'recipe: 10 full FT / 50–60 FS-Adapter', intArg('--epochs'))
    .option('--lr <x>', 'absolute learning rate (default blr · batch · accum / 256)', numArg('--lr'))
    .option('--blr <x>', 'base learning rate (recipe; SPEC §5.3 / §5.4 per task and size)', numArg('--blr'))
    .option('--min_lr <x>', 'cosine floor (default 1e-6)', numArg('--min_lr'))
    .option('--layer_decay <x>', 'layer-wise lr decay (recipe; 0 for fs-adapter)', numArg('--layer_decay'))
    .option('--weight_decay <x>', 'recipe; 0 for fs-adapter', numArg('--weight_decay'))
    .option('--drop_path <x>', 'stochastic depth rate (recipe: 0.1)', numArg('--drop_path'))
    .option('--warmup_epochs <x>', 'recipe: 5', numArg('--warmup_epochs'))
    .option('--smoothing <x>', 'label smoothing (default 0.1)', numArg('--smoothing'))
    .option('--mixup <x>', 'Mixup alpha (default 0.8; 0 off)', numArg('--mixup'))
    .option('--cutmix <x>', 'CutMix alpha (default 1.0; 0 off)', numArg('--cutmix'))
    .option('--mixup_prob <x>', 'default 1.0', numArg('--mixup_prob'))
    .option('--mixup_switch_prob <x>', 'default 0.5', numArg('--mixup_switch_prob'))
    .option('--reprob <x>', 'RandomErasing probability (default 0.25)', numArg('--reprob'))
    .option(
      '--whole_jitter <p>',
      'probability of a whole-image colour shift + downscale/sharpen (the SBI perturbation family) on every training image, real and fake alike, so only blend mismatches tell a fake (default 0)',
      numArg('--whole_jitter'),
    )
    .option(
      '--paired_batches',
      'keep each real image and the fakes named after it (<name>_sbi<k>.png) in the same batch, as SBI trains',
    )
    .option(
      '--rotate_fakes',
      'with --paired_batches: each epoch pairs every real image with one of its fakes, a different one each epoch (several fakes per face act as fresh self-blends; classes stay balanced)',
    )
    .option(
      '--online_sbi',
      'train on the real faces, each paired in its batch with a fresh self-blend of itself made at every step in loader workers from its stored parsing map (../parsing_maps/<name>.npy or --sbi_maps) or <name>.landmarks.json; pre-made fakes are left out',
    )
    .option('--sbi_strength <name>', `online SBI ranges: ${SBI_STRENGTH_NAMES.join(' | ')} (default default)`)
    .option(
      '--sbi_maps <dirs...>',
      'online SBI: more folders holding <name>.npy parsing maps of the training faces',
    )
    .option(
      '--jpeg_prob <p>',
      'probability of a JPEG round trip of every training image, real and fake alike (default 0.5 with --online_sbi, else 0)',
      numArg('--jpeg_prob'),
    )
    .option(
      '--jpeg_quality <lo,hi>',
      'JPEG quality range of that round trip (default 40,100)',
      jpegQualityRangeArg,
    )
    .option(
      '--workers <n>',
      'online SBI loader worker threads (default 1; 0: main thread, same results)',
      intArg('--workers', 0),
    )
    .option('--aa <config>', "RandAugment (default rand-m9-mstd0.5-inc1; 'none' off)")
    .option(
      '--crop_scale <lo,hi>',
      'RandomResizedCrop area range (default 0.08,1; 1,1 keeps the whole face)',
      cropScaleArg,
    )
    .option('--weight_cl <x>', 'FS-Adapter real-anchor loss weight (recipe: 0.01–0.1)', numArg('--weight_cl'))
    .option('--temperature <x>', 'real-anchor loss temperature (default 0.07)', numArg('--temperature', 1e-9))
    .option('--adapter_reduction <n>', 'FS-Adapter bottleneck D/r (default 4)', intArg('--adapter_reduction'))
    .option(
      '--accum_iter <n>',
      'gradient accumulation (recipe: 2 for the official sizes, the second GPU; 1 for custom)',
      intArg('--accum_iter'),
    )
    .option('--clip_grad <x>', 'global gradient-norm clipping (default none)', numArg('--clip_grad', 1e-12))
    .option('--seed <n>', 'default 0', intArg('--seed', 0))
    .option('--resume <checkpoint>', 'continue from checkpoint-last.pth (or any checkpoint of this run)')
    .option('--val_transform <name>', 'resize256-centercrop224 (default) | resize')
    .option('--normalize_from_IMN', 'normalise with ImageNet statistics instead of the pre-training ones')
    .option('--threads <n>', 'onnxruntime intra-op threads', intArg('--threads'))
    .option('--no-progress', 'no progress bar')
    .action(runFinetuneCommand);
}
