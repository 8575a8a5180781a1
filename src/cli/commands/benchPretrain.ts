import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { runPretrainBench } from '../../benchmarks/pretrainBench.js';
import { positiveInt } from '../args.js';

export function registerBenchPretrain(bench: Command): void {
  bench
    .command('pretrain')
    .description('one FS-VFM ViT-S/16 pre-training step at batch 8 (data prep included) against the MAE step')
    .option(
      '--threads <n>',
      'intra-op threads',
      positiveInt('--threads'),
      Math.min(2, availableParallelism()),
    )
    .option('--json', 'print only the JSON result line')
    .action(async (opts: { threads: number; json?: boolean }) => {
      const result = await runPretrainBench(
        opts.threads,
        opts.json ? undefined : (line) => console.log(line),
      );
      console.log(JSON.stringify(result));
    });
}
