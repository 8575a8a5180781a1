// Parameter initialisers named as in the official code (SPEC §1.4.2, §1.6, §1.8).
import type { Rng } from './random.js';

export type Initializer =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  | { kind: 'normal'; std: number }
  /** timm trunc_normal_: N(0, std) truncated to [a, b] (absolute bounds, default ±2) */
  | { kind: 'truncNormal'; std: number; a?: number; b?: number }
  /** xavier_uniform_ on the [out, in·k·k] view: U(±sqrt(6 / (fan_in + fan_out))) */
  | { kind: 'xavierUniform' }
  /** PyTorch's default Linear init (kaiming_uniform a=√5 → U(±1/sqrt(fan_in))); bias uses the weight's fan_in */
  | { kind: 'torchDefault'; fanIn: number }
  /** a fixed table (sin-cos positional embeddings) */
  | { kind: 'table'; values: Float32Array };

export const zeros: Initializer = { kind: 'zeros' };
export const ones: Initializer = { kind: 'ones' };
export const xavierUniform: Initializer = { kind: 'xavierUniform' };
export const normal = (std: number): Initializer => ({ kind: 'normal', std });
export const truncNormal = (std: number): Initializer => ({ kind: 'truncNormal', std });
export const torchDefault = (fanIn: number): Initializer => ({ kind: 'torchDefault', fanIn });

export function initialize(init: Initializer, shape: readonly number[], rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  switch (init.kind) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(init.value);
    case 'normal':
      for (let i = 0; i < n; i++) out[i] = rng.normal() * init.std;
      return out;
    case 'truncNormal': {
      const a = init.a ?? -2;
      const b = init.b ?? 2;
      for (let i = 0; i < n; i++) {
        let v: number;
        do v = rng.normal() * init.std;
        while (v < a || v > b);
        out[i] = v;
      }
      return out;
    }
    case 'xavierUniform': {
      const fanOut = shape[0]!;
      const fanIn = n / fanOut;
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) out[i] = (rng.uniform() * 2 - 1) * bound;
      return out;
    }
    case 'torchDefault': {
      const bound = 1 / Math.sqrt(init.fanIn);
      for (let i = 0; i < n; i++) out[i] = (rng.uniform() * 2 - 1) * bound;
      return out;
    }
    case 'table':
      if (init.values.length !== n)
        throw new Error(`table initialiser has ${init.values.length} values, shape needs ${n}`);
      return Float32Array.from(init.values);
  }
}
