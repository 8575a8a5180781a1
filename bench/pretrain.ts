// node --import tsx bench/pretrain.ts [threads]: the pre-training step benchmark (same as `fsvfm bench pretrain`).
import { runPretrainBench } from '../src/benchmarks/pretrainBench.js';

const result = await runPretrainBench(Number(process.argv[2] ?? 2), (line) => console.log(line));
console.log(JSON.stringify(result));
