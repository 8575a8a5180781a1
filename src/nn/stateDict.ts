// Parameter values on the host, keyed by the official state-dict names.
import { fmt } from '../graph/shape.js';
import { initialize } from './init.js';
import type { Rng } from './random.js';
import type { ParamSpec } from './scope.js';

export interface StoredTensor {
  shape: number[];
  data: Float32Array;
}

export type StateDict = Map<string, StoredTensor>;

/** Fresh values for every declared parameter, drawn in declaration order. */
export function initStateDict(specs: readonly ParamSpec[], rng: Rng): StateDict {
  const out: StateDict = new Map();
  for (const s of specs) out.set(s.name, { shape: [...s.shape], data: initialize(s.init, s.shape, rng) });
  return out;
}

/** Checks that `values` provides every spec with the right shape; returns the missing and unexpected names. */
export function matchStateDict(
  specs: readonly ParamSpec[],
  values: StateDict,
): { missing: string[]; unexpected: string[]; mismatched: string[] } {
  const names = new Set(specs.map((s) => s.name));
  const missing: string[] = [];
  const mismatched: string[] = [];
  for (const s of specs) {
    const v = values.get(s.name);
    if (!v) missing.push(s.name);
    else if (fmt(v.shape) !== fmt(s.shape))
      mismatched.push(`${s.name}: checkpoint ${fmt(v.shape)} vs model ${fmt(s.shape)}`);
  }
  const unexpected = [...values.keys()].filter((k) => !names.has(k));
  return { missing, unexpected, mismatched };
}

export function cloneStateDict(sd: StateDict): StateDict {
  return new Map([...sd].map(([k, v]) => [k, { shape: [...v.shape], data: Float32Array.from(v.data) }]));
}
