// `fsvfm bench engine`: onnxruntime against the pure-TypeScript baseline.
import type { Command } from 'commander';
import { runEngineBench } from '../../benchmarks/engineBench.js';
import { registerThreadsBench } from './threadsBench.js';

export function registerBenchEngine(bench: Command): void {
  registerThreadsBench(bench, {
    name: 'engine',
    description:
      'ViT-S/B forward img/s (224 px) and one MAE ViT-S training step, against a pure-TypeScript sgemm baseline',
    run: runEngineBench,
  });
}
