// `fsvfm bench pretrain`: one FS-VFM pre-training step against the MAE step; --profile: where the step's time goes.
import type { Command } from 'commander';
import { runPretrainBench } from '../../benchmarks/pretrainBench.js';
import { formatStepProfile, profilePretrainStep } from '../../benchmarks/stepProfile.js';
import { registerThreadsBench } from './threadsBench.js';

export function registerBenchPretrain(bench: Command): void {
  registerThreadsBench(bench, {
    name: 'pretrain',
    description: 'one FS-VFM ViT-S/16 pre-training step at batch 8 (data prep included) against the MAE step',
    run: runPretrainBench,
    profile: async (threads, log) => {
      const p = await profilePretrainStep(threads);
      for (const line of formatStepProfile(p)) log(line);
      return p;
    },
  });
}
