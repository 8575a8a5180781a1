import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { runEngineBench } from '../../benchmarks/engineBench.js';
import { positiveInt } from '../args.js';

export function registerBenchEngine(bench: Command): void {
  bench
    .command('engine')
    .description(
      'ViT-S/B forward img/s (224 px) and one MAE ViT-S training step, against a pure-TypeScript sgemm baseline',
    )
    .option(
      '--threads <n>',
      'intra-op threads',
      positiveInt('--threads'),
      Math.min(2, availableParallelism()),
    )
    .option('--json', 'print only the JSON result line')
    .action(async (opts: { threads: number; json?: boolean }) => {
      const result = await runEngineBench(opts.threads, opts.json ? undefined : (line) => console.log(line));
      console.log(JSON.stringify(result));
    });
}
