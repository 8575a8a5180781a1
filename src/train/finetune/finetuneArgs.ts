// The `args` namespace written into fine-tuning checkpoints: the official main_finetune flag names and values, and
// (fsvfm's own keys) the task, the reference recipe they came from and the flags that overrode it.
import type { ResolvedFinetuneOptions } from './finetuneOptions.js';

export function finetuneArgs(
  r: ResolvedFinetuneOptions,
  run: { lr: number; inputSize: number; numClasses: number },
): Record<string, string | number | boolean | null> {
  return {
    batch_size: r.batchSize,
    epochs: r.epochs,
    accum_iter: r.accumIter,
    model: r.model,
    input_size: run.inputSize,
    drop_path: r.dropPath,
    clip_grad: r.clipGrad ?? null,
    weight_decay: r.weightDecay,
    lr: run.lr,
    blr: r.blr,
    layer_decay: r.layerDecay,
    min_lr: r.minLr,
    warmup_epochs: r.warmupEpochs,
    smoothing: r.smoothing,
    reprob: r.reprob,
    whole_jitter: r.wholeJitter,
    paired_batches: r.pairedBatches ?? false,
    rotate_fakes: r.rotateFakes ?? false,
    online_sbi: r.onlineSbi ?? false,
    sbi_strength: r.onlineSbi ? (r.sbiStrength ?? 'default') : null,
    jpeg_prob: r.jpegProb,
    jpeg_quality: r.jpegQuality.join(','),
    crop_scale: r.cropScale.join(','),
    mixup: r.mixup,
    cutmix: r.cutmix,
    mixup_prob: r.mixupProb,
    mixup_switch_prob: r.mixupSwitchProb,
    mixup_mode: 'batch',
    finetune: r.finetune,
    global_pool: true,
    nb_classes: run.numClasses,
    output_dir: r.outputDir,
    seed: r.seed,
    resume: r.resume ?? '',
    trainable_modules: r.trainable,
    adapter_reduction: r.adapterReduction,
    weight_cl: r.weightCl,
    temperature: r.temperature,
    normalize_from_IMN: r.normalizeFromImagenet ?? false,
    task: r.task,
    recipe: r.appliedRecipe.name,
    recipe_flags: r.appliedRecipe.values
      .filter((v) => v.fromFlag)
      .map((v) => v.flag)
      .join(','),
  };
}
