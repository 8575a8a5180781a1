// Attention rollout (Abnar & Zuidema 2020): propagate attention through the blocks, mixing in the residual path
// as 0.5·A + 0.5·I with rows renormalised, then read how much each patch feeds the pooled token(s).

/**
 * `layers`: head-averaged attention [T,T] per block (row-major), T = 1 + grid². Returns a grid×grid map in [0,1].
 * `fromPatches`: the model pools the mean of patch tokens (global pool) instead of reading the CLS token.
 */
export function attentionRollout(
  layers: readonly Float32Array[],
  tokens: number,
  fromPatches: boolean,
): Float32Array {
  const T = tokens;
  const grid = Math.round(Math.sqrt(T - 1));
  if (grid * grid !== T - 1) throw new Error(`attention over ${T} tokens is not 1 + a square patch grid`);
  let roll = new Float64Array(T * T);
  for (let i = 0; i < T; i++) roll[i * T + i] = 1;
  const a = new Float64Array(T * T);
  for (const layer of layers) {
    if (layer.length !== T * T)
      throw new Error(`attention layer holds ${layer.length} values, expected ${T}x${T}`);
    for (let i = 0; i < T; i++) {
      let sum = 0;
      for (let j = 0; j < T; j++) {
        const v = 0.5 * layer[i * T + j]! + (i === j ? 0.5 : 0);
        a[i * T + j] = v;
        sum += v;
      }
      for (let j = 0; j < T; j++) a[i * T + j]! /= sum;
    }
    const next = new Float64Array(T * T);
    for (let i = 0; i < T; i++) {
      for (let k = 0; k < T; k++) {
        const aik = a[i * T + k]!;
        if (aik === 0) continue;
        const rk = k * T;
        const ri = i * T;
        for (let j = 0; j < T; j++) next[ri + j]! += aik * roll[rk + j]!;
      }
    }
    roll = next;
  }
  const map = new Float32Array(grid * grid);
  const rows = fromPatches ? Array.from({ length: T - 1 }, (_, i) => i + 1) : [0];
  for (const r of rows) for (let p = 0; p < grid * grid; p++) map[p]! += roll[r * T + 1 + p]! / rows.length;
  return normaliseMap(map);
}

/** Scales a map to [0, 1] (a constant map becomes all zeros). */
export function normaliseMap(map: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of map) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo;
  return map.map((v) => (span > 0 ? (v - lo) / span : 0));
}
