// Where an FS-VFM pre-training step spends its time: onnxruntime's per-node profile summed by op type, the share of
// matrix products, the bytes fed in and copied out per step, and the host's part of the step (feeds, copies of the
// gradients, clipping, AdamW, EMA) as the step's wall time less the session's run time.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { allocHost } from '../graph/dtype.js';
import type { ValueSpec } from '../graph/onnxModel.js';
import { PRETRAIN_BENCH_HYPER, pretrainBenchSetup } from './pretrainBench.js';

/**
 * Steps run before measuring. onnxruntime settles its memory over the first two runs: on the 2-vCPU machine the
 * second FS-VFM step still took ~240 K page faults and 2.4 s of system time, against under 5 K and 0.05 s from the
 * third on, and every kernel of that run was slowed by its first touches (Gelu 11 ms against 0.7 ms).
 */
const WARM_UP_STEPS = 2;

/** Op types that are matrix products (the patch embedding's Conv is one, im2col + GEMM in MLAS). */
const MATRIX_PRODUCTS = new Set(['MatMul', 'Gemm', 'FusedMatMul', 'FusedGemm', 'Conv']);

export interface OpTypeTime {
  opType: string;
  msPerStep: number;
  nodes: number;
}

export interface StepProfile {
  steps: number;
  /** kernel time by op type, largest first */
  byOpType: OpTypeTime[];
  kernelMsPerStep: number;
  matrixProductShare: number;
  sessionRunMsPerStep: number;
  stepWallMs: number;
  /** step wall time not spent inside `session.run`: feeds, output copies, clipping, AdamW, EMA */
  hostMsPerStep: number;
  /** minor page faults per measured step: near zero once onnxruntime's memory has settled */
  pageFaultsPerStep: number;
  bytesIn: number;
  bytesOut: number;
  inputs: number;
  outputs: number;
}

interface TraceEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string };
}

const bytesOf = (specs: readonly ValueSpec[]) =>
  specs.reduce((a, s) => a + allocHost(s.dtype, 1).BYTES_PER_ELEMENT * s.shape.reduce((n, d) => n * d, 1), 0);

/** Sums a Chrome-trace profile's kernel events after the first `skipRuns` runs (warm-up: first-run allocations). */
export function summariseTrace(
  events: readonly TraceEvent[],
  skipRuns: number,
): { byOpType: Map<string, { us: number; nodes: Set<string> }>; runs: number; runUs: number } {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const measured = runs.slice(skipRuns);
  const from = measured[0]?.ts ?? Number.POSITIVE_INFINITY;
  const byOpType = new Map<string, { us: number; nodes: Set<string> }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || (e.ts ?? 0) < from) continue;
    const op = e.args?.op_name ?? '?';
    const entry = byOpType.get(op) ?? { us: 0, nodes: new Set<string>() };
    entry.us += e.dur ?? 0;
    entry.nodes.add(e.name);
    byOpType.set(op, entry);
  }
  return { byOpType, runs: measured.length, runUs: measured.reduce((a, e) => a + (e.dur ?? 0), 0) };
}

/** Profiles `steps` FS-VFM ViT-S/16 batch-8 steps (host placement) after the warm-up steps. */
export async function profilePretrainStep(threads: number, steps = 3): Promise<StepProfile> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fsvfm-profile-'));
  try {
    const { trainer, nextBatch } = await pretrainBenchSetup(threads, 8, 'host', {
      profilePrefix: path.join(dir, 'step'),
    });
    for (let i = 0; i < WARM_UP_STEPS; i++) await trainer.step(nextBatch(), PRETRAIN_BENCH_HYPER);
    const faults0 = process.resourceUsage().minorPageFault;
    let wall = 0;
    for (let i = 0; i < steps; i++) {
      const batch = nextBatch();
      const t0 = performance.now();
      await trainer.step(batch, PRETRAIN_BENCH_HYPER);
      wall += performance.now() - t0;
    }
    const pageFaultsPerStep = (process.resourceUsage().minorPageFault - faults0) / steps;
    const program = trainer.stepProgram;
    program.endProfiling();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile into ${dir}`);
    const events = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as TraceEvent[];
    const t = summariseTrace(events, WARM_UP_STEPS);
    const n = Math.max(1, t.runs);
    const byOpType = [...t.byOpType]
      .map(([opType, e]) => ({ opType, msPerStep: e.us / 1000 / n, nodes: e.nodes.size }))
      .sort((a, b) => b.msPerStep - a.msPerStep);
    const kernelMsPerStep = byOpType.reduce((a, o) => a + o.msPerStep, 0);
    const matrix = byOpType.filter((o) => MATRIX_PRODUCTS.has(o.opType)).reduce((a, o) => a + o.msPerStep, 0);
    const stepWallMs = wall / steps;
    const sessionRunMsPerStep = t.runUs / 1000 / n;
    return {
      steps,
      byOpType,
      kernelMsPerStep,
      matrixProductShare: matrix / kernelMsPerStep,
      sessionRunMsPerStep,
      stepWallMs,
      hostMsPerStep: stepWallMs - sessionRunMsPerStep,
      pageFaultsPerStep,
      bytesIn: bytesOf(program.inputs),
      bytesOut: bytesOf(program.model.outputs),
      inputs: program.inputs.length,
      outputs: program.model.outputs.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The profile as a plain-text table (op types under 0.5 % of kernel time folded into one line). */
export function formatStepProfile(p: StepProfile): string[] {
  const pct = (ms: number) => `${((100 * ms) / p.kernelMsPerStep).toFixed(1).padStart(5)} %`;
  const lines = [
    `${'op type'.padEnd(24)}${'ms/step'.padStart(10)}${'share'.padStart(9)}${'nodes'.padStart(7)}`,
  ];
  let rest = 0;
  let restNodes = 0;
  for (const o of p.byOpType) {
    if (o.msPerStep < 0.005 * p.kernelMsPerStep) {
      rest += o.msPerStep;
      restNodes += o.nodes;
      continue;
    }
    lines.push(
      `${o.opType.padEnd(24)}${o.msPerStep.toFixed(1).padStart(10)}${pct(o.msPerStep)}${String(o.nodes).padStart(7)}`,
    );
  }
  if (rest > 0)
    lines.push(
      `${'(others)'.padEnd(24)}${rest.toFixed(1).padStart(10)}${pct(rest)}${String(restNodes).padStart(7)}`,
    );
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  lines.push(
    `kernels ${p.kernelMsPerStep.toFixed(0)} ms/step; matrix products (MatMul, Gemm, FusedMatMul, Conv) ${(100 * p.matrixProductShare).toFixed(1)} %`,
    `step ${p.stepWallMs.toFixed(0)} ms = session.run ${p.sessionRunMsPerStep.toFixed(0)} ms + host ${p.hostMsPerStep.toFixed(0)} ms (feeds, gradient copies, clipping, AdamW, EMA)`,
    `copied per step: in ${mb(p.bytesIn)} (${p.inputs} inputs), out ${mb(p.bytesOut)} (${p.outputs} outputs); mean of ${p.steps} steps after ${WARM_UP_STEPS} warm-up steps, ${p.pageFaultsPerStep.toFixed(0)} page faults a step`,
  );
  return lines;
}
