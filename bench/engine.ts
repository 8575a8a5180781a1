// node --import tsx bench/engine.ts [threads]: the engine benchmark (same as `fsvfm bench engine`).
import { runEngineBench } from '../src/benchmarks/engineBench.js';

const result = await runEngineBench(Number(process.argv[2] ?? 2), (line) => console.log(line));
console.log(JSON.stringify(result));
