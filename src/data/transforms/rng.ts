// Draws the transforms make from a uniform source (nn/random.ts UniformRng): transforms take the generator as an
// argument, so a run is reproducible from its seed and tests can pass a scripted stub.
import type { UniformRng } from '../../nn/random.js';

/** Python `random.uniform(a, b)`. */
export function uniformIn(rng: UniformRng, a: number, b: number): number {
  return a + (b - a) * rng.uniform();
}

/** Python `random.randint(a, b)`: both ends included. */
export function randInt(rng: UniformRng, a: number, b: number): number {
  if (b < a) throw new Error(`randInt: empty range [${a}, ${b}]`);
  return a + Math.min(b - a, Math.floor(rng.uniform() * (b - a + 1)));
}

/** numpy `randint(low, high)`: high excluded. */
export function randBelow(rng: UniformRng, low: number, high: number): number {
  return randInt(rng, low, high - 1);
}

/** Normal deviate (Box–Muller; one draw pair per call). */
export function gauss(rng: UniformRng, mean = 0, std = 1): number {
  const u1 = 1 - rng.uniform(); // (0, 1]
  const u2 = rng.uniform();
  return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Gamma(shape, 1) by Marsaglia–Tsang; shapes below 1 use the U^(1/shape) boost. */
export function gammaSample(rng: UniformRng, shape: number): number {
  if (!(shape > 0)) throw new Error(`gamma shape must be > 0, got ${shape}`);
  if (shape < 1) {
    const u = 1 - rng.uniform();
    return gammaSample(rng, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = gauss(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.uniform();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function betaSample(rng: UniformRng, a: number, b: number): number {
  const x = gammaSample(rng, a);
  const y = gammaSample(rng, b);
  const s = x + y;
  return s > 0 ? x / s : rng.uniform() < a / (a + b) ? 1 : 0;
}
