// `fsvfm bench pretrain`: one FS-VFM pre-training step against the MAE step.
import type { Command } from 'commander';
import { runPretrainBench } from '../../benchmarks/pretrainBench.js';
import { registerThreadsBench } from './threadsBench.js';

export function registerBenchPretrain(bench: Command): void {
  registerThreadsBench(bench, {
    name: 'pretrain',
    description: 'one FS-VFM ViT-S/16 pre-training step at batch 8 (data prep included) against the MAE step',
    run: runPretrainBench,
  });
}
