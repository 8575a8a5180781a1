// node --import tsx bench/pretrain-vs-torch.ts --python .venv-torch/bin/python [--threads 2]
//
// The pre-training steps against the PyTorch yardstick in one run on the same cores: `fsvfm bench pretrain --json`
// and /work/shared/bench/torch_ref.py pretrain, run alternately (fsvfm, torch, fsvfm, torch) because the machine's
// speed drifts with other load, and the GEMM rate of onnxruntime and PyTorch on the ViT-S MLP shapes, which bounds
// how close the steps can get (≈ 4/5 of the step's kernel time is matrix products: see `fsvfm bench pretrain --profile`).
// PyTorch is a yardstick only, never a dependency: python3 -m venv .venv-torch && .venv-torch/bin/pip install torch numpy
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { compile, Graph, gemm } from '../src/graph/index.js';

const { values } = parseArgs({
  options: {
    python: { type: 'string' },
    threads: { type: 'string', default: '2' },
    'torch-ref': { type: 'string', default: '/work/shared/bench/torch_ref.py' },
    rounds: { type: 'string', default: '2' },
  },
});
if (!values.python || !existsSync(values.python)) {
  console.error(
    'usage: bench/pretrain-vs-torch.ts --python <a python with torch> [--threads 2] [--rounds 2]',
  );
  process.exit(2);
}
const python = values.python;
const threads = Number(values.threads);
const env = { ...process.env, THREADS: String(threads), OMP_NUM_THREADS: String(threads) };

/** The last line of a child's stdout, parsed as JSON (both benches print their result there). */
function lastJson(cmd: string, args: string[]): Record<string, number | string> {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Record<string, number | string>;
}

/** GEMM shapes of a ViT-S/16 batch-8 step: tokens × in → out, forward (x·Wᵀ) and weight gradient (gᵀ·x). */
const SHAPES: Array<{ label: string; m: number; k: number; n: number; transA: boolean; transB: boolean }> = [
  { label: 'fc1 fwd 1576×384·(1536×384)ᵀ', m: 1576, k: 384, n: 1536, transA: false, transB: true },
  { label: 'fc2 fwd 1576×1536·(384×1536)ᵀ', m: 1576, k: 1536, n: 384, transA: false, transB: true },
  { label: 'fc1 dW (1576×1536)ᵀ·1576×384', m: 1536, k: 1576, n: 384, transA: true, transB: false },
];

async function ortGflops(s: (typeof SHAPES)[number]): Promise<number> {
  const g = new Graph();
  const a = g.input('a', 'float32', s.transA ? [s.k, s.m] : [s.m, s.k]);
  const b = g.input('b', 'float32', s.transB ? [s.n, s.k] : [s.k, s.n]);
  const exe = await compile({ y: gemm(a, b, { transA: s.transA, transB: s.transB }) }, { threads });
  const feeds = {
    a: Float32Array.from({ length: s.m * s.k }, (_, i) => Math.sin(i)),
    b: Float32Array.from({ length: s.k * s.n }, (_, i) => Math.cos(i)),
  };
  for (let i = 0; i < 3; i++) await exe.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await exe.run(feeds);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return (2 * s.m * s.k * s.n) / (times[7]! * 1e6);
}

function torchGflops(s: (typeof SHAPES)[number]): number {
  const code = `
import json, time, torch
torch.set_num_threads(${threads})
a = torch.randn(${s.transA ? `${s.k}, ${s.m}` : `${s.m}, ${s.k}`}); b = torch.randn(${s.transB ? `${s.n}, ${s.k}` : `${s.k}, ${s.n}`})
f = lambda: (a.t() if ${s.transA ? 'True' : 'False'} else a) @ (b.t() if ${s.transB ? 'True' : 'False'} else b)
for _ in range(3): f()
ts = []
for _ in range(15):
    t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
ts.sort(); print(json.dumps({"gflops": 2 * ${s.m} * ${s.k} * ${s.n} / ts[7] / 1e9}))`;
  return Number(lastJson(python, ['-c', code]).gflops);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`threads ${threads}; GEMM rate, onnxruntime vs PyTorch (median of 15):`);
const gemmRows: Array<{ shape: string; ort: number; torch: number }> = [];
for (const s of SHAPES) {
  const ort = await ortGflops(s);
  const torch = torchGflops(s);
  gemmRows.push({ shape: s.label, ort, torch });
  console.log(
    `  ${s.label.padEnd(34)} onnxruntime ${ort.toFixed(0).padStart(4)} GFLOP/s  PyTorch ${torch.toFixed(0).padStart(4)} GFLOP/s  ratio ${(ort / torch).toFixed(2)}`,
  );
}

const fsvfm: Array<Record<string, number | string>> = [];
const torch: Array<Record<string, number | string>> = [];
for (let r = 0; r < Number(values.rounds); r++) {
  fsvfm.push(
    lastJson(process.execPath, [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'bench',
      'pretrain',
      '--json',
      '--threads',
      String(threads),
    ]),
  );
  torch.push(lastJson(python, [values['torch-ref']!, 'pretrain']));
  console.log(
    `round ${r + 1}: fsvfm ${JSON.stringify(fsvfm.at(-1))}\n         torch ${JSON.stringify(torch.at(-1))}`,
  );
}

const result: Record<string, number | string> = { threads, torch: String(torch[0]?.torch ?? '?') };
for (const key of fsvfm.length ? ['fsvfm_s16_b8_step_ms', 'mae_s16_b8_step_ms'] : []) {
  const ours = median(fsvfm.map((f) => Number(f[key])));
  const theirs = median(torch.map((t) => Number(t[key])));
  result[key] = ours;
  result[`torch_${key}`] = theirs;
  // > 1: fsvfm is faster than PyTorch
  result[`${key.replace('_step_ms', '')}_speed_vs_torch`] = theirs / ours;
  console.log(
    `${key}: fsvfm ${ours.toFixed(0)} ms, PyTorch ${torch[0]?.torch} ${theirs.toFixed(0)} ms → fsvfm at ${(theirs / ours).toFixed(2)}× PyTorch's speed`,
  );
}
result.gemm_ort_over_torch = median(gemmRows.map((g) => g.ort / g.torch));
console.log(JSON.stringify(result));
