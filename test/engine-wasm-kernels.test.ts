import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assemble, KERNELS, moduleSource } from '../scripts/buildWasm.mjs';
import { Float32Arena } from '../src/train/optim/float32Arena.js';
import { adamwInPlace, clipCoefficient, emaInPlace } from '../src/train/optim/hostUpdates.js';

const f = Math.fround;

/** PyTorch 1.13 single-tensor AdamW, every operation rounded to float32 (sqrt included). */
function reference(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  s: {
    decay: number;
    beta1: number;
    beta2: number;
    bc2Sqrt: number;
    eps: number;
    stepSize: number;
    gradScale: number;
  },
): void {
  const [decay, b1, b2, c1, c2, bc2, eps, step, scale] = [
    s.decay,
    s.beta1,
    s.beta2,
    1 - s.beta1,
    1 - s.beta2,
    s.bc2Sqrt,
    s.eps,
    s.stepSize,
    s.gradScale,
  ].map(f) as number[];
  for (let i = 0; i < p.length; i++) {
    const gi = s.gradScale !== 1 ? f(g[i]! * scale!) : g[i]!;
    const pd = f(p[i]! * decay!);
    const mi = f(f(m[i]! * b1!) + f(gi * c1!));
    const vi = f(f(v[i]! * b2!) + f(f(gi * gi) * c2!));
    const denom = f(f(f(Math.sqrt(vi)) / bc2!) + eps!);
    p[i] = f(pd - f(step! * f(mi / denom)));
    m[i] = mi;
    v[i] = vi;
  }
}

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function tensors(n: number, seed: number): Float32Array[] {
  const r = lcg(seed);
  return [
    Float32Array.from({ length: n }, () => r() - 0.5),
    Float32Array.from({ length: n }, () => (r() - 0.5) * 0.02),
    Float32Array.from({ length: n }, () => (r() - 0.5) * 1e-3),
    Float32Array.from({ length: n }, () => r() * 1e-5),
  ];
}

test('the committed kernel module is the assembly of its .wat source', async () => {
  for (const k of KERNELS) {
    const bytes = await assemble(k.wat);
    assert.equal(
      readFileSync(k.ts, 'utf8'),
      moduleSource(k.wat, bytes),
      `${k.ts} is stale: run node scripts/buildWasm.mjs`,
    );
  }
});

const CFG = { beta1: 0.9, beta2: 0.95, eps: 1e-8 };

function run(
  where: 'window' | 'arena',
  a: Float32Array[],
  s: Parameters<typeof reference>[4],
): Float32Array[] {
  let t: Float32Array[] = a.map((x) => Float32Array.from(x));
  if (where === 'arena') {
    const arena = Float32Arena.create(t.reduce((n, x) => n + Float32Arena.footprint(x.length), 0))!;
    t = t.map((x) => arena.adopt(x));
  }
  adamwInPlace(t[0]!, t[1]!, t[2]!, t[3]!, s, CFG, s.gradScale);
  return t;
}

test('wasm AdamW equals PyTorch-order float32 AdamW bit for bit (SIMD body, scalar tail, copy-window edges, arena)', () => {
  // 1 << 20 is the copy window: cover below, at and across it, and lengths that are not multiples of 4
  for (const [n, gradScale] of [
    [1, 1],
    [7, 0.37],
    [1031, 1],
    [(1 << 20) + 5, 0.8],
  ] as const) {
    const s = { decay: 1 - 1e-4 * 0.05, ...CFG, bc2Sqrt: 0.2236, stepSize: 1.5e-4, gradScale };
    const a = tensors(n, n);
    const want = a.map((t) => Float32Array.from(t));
    reference(want[0]!, want[1]!, want[2]!, want[3]!, s);
    for (const where of ['window', 'arena'] as const) {
      const got = run(where, a, s);
      for (const i of [0, 1, 2, 3]) assert.deepEqual(got[i], want[i], `${where} n=${n} tensor ${i}`);
    }
  }
  assert.throws(
    () =>
      adamwInPlace(
        new Float32Array(3),
        new Float32Array(2),
        new Float32Array(3),
        new Float32Array(3),
        { decay: 1, bc2Sqrt: 1, stepSize: 1 },
        CFG,
      ),
    /lengths differ/,
  );
});

test('EMA and the clipping norm give the same values in an arena as on plain arrays', () => {
  const [t, st, g] = tensors(1031, 5);
  const arena = Float32Arena.create(3 * 1032)!;
  const [ta, sa, ga] = [t!, st!, g!].map((x) => arena.adopt(x));
  const plain = Float32Array.from(t!);
  emaInPlace(plain, st!, 0.996);
  emaInPlace(ta!, sa!, 0.996);
  assert.deepEqual(ta, plain);
  const m = Math.fround(0.996);
  const om = Math.fround(1 - 0.996);
  assert.equal(plain[3], Math.fround(Math.fround(t![3]! * m) + Math.fround(st![3]! * om)));
  const norm = (gs: Float32Array[]) => clipCoefficient(gs, 1).totalNorm;
  // float64 sums in another order: equal to float32 rounding
  assert.equal(norm([ga!]), norm([g!]));
  assert.equal(clipCoefficient([ga!], 1e9).coef, 1);
});

test('an arena refuses more than it holds, and one over 4 GiB is not created', () => {
  const arena = Float32Arena.create(8)!;
  arena.alloc(arena.capacity - 5); // rounded up to a multiple of 4: 4 floats left
  assert.equal(arena.alloc(3).length, 3);
  assert.throws(() => arena.alloc(1), /arena full/);
  assert.equal(Float32Arena.create(2 ** 30 + 1), null);
});
