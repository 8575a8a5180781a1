import { createRgbImage, type RgbImage } from '../src/data/image/rgbImage.js';
import type { UniformRng } from '../src/nn/random.js';

/** mulberry32: a tiny deterministic generator for tests. */
export function seeded(seed: number): UniformRng {
  let a = seed >>> 0;
  return {
    uniform(): number {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Returns the given values in order and fails loudly when they run out. */
export function scripted(values: number[]): UniformRng & { used(): number } {
  let i = 0;
  return {
    uniform(): number {
      if (i >= values.length) throw new Error(`scripted rng exhausted after ${values.length} draws`);
      return values[i++];
    },
    used: () => i,
  };
}

export function noiseImage(w: number, h: number, seed: number): RgbImage {
  const rng = seeded(seed);
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rng.uniform() * 256);
  return createRgbImage(w, h, data);
}
