// Reading the oracle fixture folder (raw little-endian .bin arrays with JSON sidecars) and comparing results.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from './checkResult.js';

export interface OracleArray {
  dtype: string;
  shape: number[];
  data: Float32Array | Int32Array | Int8Array | Uint8Array;
}

/** `<dir>/<stem>.bin` with its `<stem>.json` sidecar. */
export function readOracleArray(dir: string, stem: string): OracleArray {
  const meta = JSON.parse(readFileSync(join(dir, `${stem}.json`), 'utf8')) as {
    dtype: string;
    shape: number[];
  };
  const buf = readFileSync(join(dir, `${stem}.bin`));
  const bytes = new Uint8Array(buf.byteLength);
  bytes.set(buf);
  const data =
    meta.dtype === 'float32'
      ? new Float32Array(bytes.buffer)
      : meta.dtype === 'int32'
        ? new Int32Array(bytes.buffer)
        : meta.dtype === 'int8'
          ? new Int8Array(bytes.buffer)
          : meta.dtype === 'uint8'
            ? bytes
            : null;
  if (!data) throw new Error(`${stem}: unsupported oracle dtype ${meta.dtype}`);
  const n = meta.shape.reduce((a, b) => a * b, 1);
  if (data.length !== n)
    throw new Error(`${stem}.bin has ${data.length} values, its sidecar shape needs ${n}`);
  return { dtype: meta.dtype, shape: meta.shape, data };
}

export function readOracleJson<T>(dir: string, file: string): T {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
}

export function oracleExists(dir: string, file: string): boolean {
  return existsSync(join(dir, file));
}

export interface Tolerance {
  abs: number;
  rel?: number;
}

export const FORWARD_TOL: Tolerance = { abs: 1e-5, rel: 1e-4 };

export function tolText(t: Tolerance): string {
  return t.rel ? `abs ${t.abs} + rel ${t.rel}` : `abs ${t.abs}`;
}

/** Element-wise |a − e| ≤ abs + rel·|e|; reports the worst absolute error. */
export function compareValues(
  name: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): CheckResult {
  if (actual.length !== expected.length) {
    return {
      name,
      pass: false,
      worstAbsErr: Number.POSITIVE_INFINITY,
      tolerance: tolText(tol),
      detail: `length ${actual.length} vs expected ${expected.length}`,
    };
  }
  let worst = 0;
  let pass = true;
  let firstBad = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e);
    if (!(err <= tol.abs + (tol.rel ?? 0) * Math.abs(e))) {
      pass = false;
      if (firstBad < 0) firstBad = i;
    }
    if (!(err <= worst)) worst = err;
  }
  const detail =
    firstBad >= 0 ? `first mismatch at ${firstBad}: ${actual[firstBad]} vs ${expected[firstBad]}` : undefined;
  return { name, pass, worstAbsErr: worst, tolerance: tolText(tol), ...(detail ? { detail } : {}) };
}

/** Relative comparison of scalars: |a − e| ≤ rel·|e| (or ≤ absFloor near zero). */
export function compareScalar(
  name: string,
  actual: number,
  expected: number,
  rel: number,
  absFloor = 0,
): CheckResult {
  const err = Math.abs(actual - expected);
  const pass = err <= Math.max(rel * Math.abs(expected), absFloor);
  return {
    name,
    pass,
    worstAbsErr: err,
    tolerance: `rel ${rel}${absFloor ? ` (abs ${absFloor} near 0)` : ''}`,
    ...(pass ? {} : { detail: `${actual} vs ${expected}` }),
  };
}

/** Several results folded into one (the entry of one expected file). */
export function combine(name: string, parts: readonly CheckResult[]): CheckResult {
  const failed = parts.filter((p) => !p.pass);
  const worst = parts.reduce((w, p) => Math.max(w, p.worstAbsErr), 0);
  return {
    name,
    pass: parts.length > 0 && failed.length === 0,
    worstAbsErr: worst,
    tolerance: summarizeTolerances(parts),
    ...(failed.length
      ? {
          detail: `${failed.length}/${parts.length} failed: ${failed
            .slice(0, 3)
            .map((f) => `${f.name}${f.detail ? ` (${f.detail})` : ''}`)
            .join('; ')}`,
        }
      : {}),
  };
}

function summarizeTolerances(parts: readonly CheckResult[]): string {
  const uniq = [...new Set(parts.map((p) => p.tolerance))];
  return uniq.length <= 3 ? uniq.join('; ') : `${uniq.length} per-value tolerances (see the fixture README)`;
}
