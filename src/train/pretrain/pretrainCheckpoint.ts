// Pre-training checkpoints as the official code writes them (SPEC §2.2): `checkpoint-<e>.pth` (model, optimizer,
// epoch, scaler, args) and `checkpoint-te-<e>.pth` (the target model + the online optimizer). What PyTorch has no
// place for — data position, generator states, accumulated gradients, running epoch sums — goes into an extra
// top-level key `fsvfm_state`, which PyTorch loaders ignore.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { LoaderState } from '../../data/loaders/pretrainLoader.js';
import type { LazyTensor } from '../../io/lazyTensor.js';
import { PyFloat, PyObject, PyOrderedDict, PyPath, type PyValue } from '../../io/pickleValues.js';
import type { PicklableValue } from '../../io/pickleWriter.js';
import { openTorchCheckpoint, stateDict as torchStateDict } from '../../io/torchCheckpoint.js';
import { saveTorchCheckpoint, torchTensor } from '../../io/torchSave.js';
import type { StateDict } from '../../nn/stateDict.js';
import { gradScalerState } from '../gradScalerState.js';
import type { ParamGroup } from '../graphTrainer.js';
import { readTorchAdamwState } from './torchOptimizerState.js';

export const STATE_KEY = 'fsvfm_state';
const STATE_FORMAT = 'fsvfm-pretrain-state/1';

/** Where the run stands; enough to continue bit for bit. */
export interface RunProgress {
  /** epoch in progress (or about to start) */
  epoch: number;
  /** data iterations of `epoch` done */
  step: number;
  loader: LoaderState;
  /** position inside the gradient-accumulation window */
  accumulationCount: number;
  /** running sums of the logged metrics over the epoch's non-skipped iterations, and their count */
  epochSums: Record<string, number>;
  epochCount: number;
  minLoss: number | null;
}

export interface PretrainCheckpoint {
  online: StateDict;
  /** target parameters by their own names (no prefix) */
  target: StateDict;
  optimizer: PicklableValue;
  /** the official 0-based epoch field: the last completed epoch */
  epoch: number;
  args: PicklableValue;
  progress?: RunProgress;
  accumulated?: StateDict | null;
}

function modelDict(sd: StateDict): PyOrderedDict {
  const d = new PyOrderedDict();
  for (const [k, v] of sd) d.set(k, torchTensor('float32', v.shape, v.data));
  return d;
}

/** An argparse.Namespace of the run's options (official flag names; paths as pathlib.PosixPath). */
export function argsNamespace(args: Record<string, string | number | boolean | null | string[]>): PyObject {
  const ns = new PyObject('argparse.Namespace');
  for (const [k, v] of Object.entries(args)) {
    if (k === 'output_dir' && typeof v === 'string') {
      const abs = resolve(v);
      ns.attrs.set(k, new PyPath('pathlib.PosixPath', ['/', ...abs.split('/').filter(Boolean)]));
    } else if (typeof v === 'number' && !Number.isInteger(v)) ns.attrs.set(k, new PyFloat(v));
    else ns.attrs.set(k, v as PyValue);
  }
  return ns;
}

function stateEntry(c: PretrainCheckpoint): PicklableValue {
  const acc = new PyOrderedDict();
  for (const [k, v] of c.accumulated ?? []) acc.set(k, torchTensor('float32', v.shape, v.data));
  return new Map<PyValue, PyValue>([
    ['format', STATE_FORMAT],
    ['json', JSON.stringify(c.progress)],
    ['accumulated_grads', acc],
  ]);
}

/** Writes `checkpoint-<tag>.pth` and `checkpoint-te-<tag>.pth` atomically; returns their paths. */
export async function writePretrainCheckpoints(
  dir: string,
  tag: string | number,
  c: PretrainCheckpoint,
): Promise<{ online: string; target: string }> {
  const online = join(dir, `checkpoint-${tag}.pth`);
  const target = join(dir, `checkpoint-te-${tag}.pth`);
  const common = { optimizer: c.optimizer, epoch: c.epoch, scaler: gradScalerState(), args: c.args };
  const extra = c.progress ? { [STATE_KEY]: stateEntry(c) } : {};
  await saveTorchCheckpoint(online, { model: modelDict(c.online), ...common, ...extra });
  await saveTorchCheckpoint(target, { model: modelDict(c.target), ...common, ...extra });
  return { online, target };
}

export interface LoadedPretrainCheckpoint {
  online: StateDict;
  target: StateDict;
  slots: StateDict;
  optimizerStep: number;
  epoch: number;
  progress: RunProgress | null;
  accumulated: StateDict | null;
}

async function readTensors(d: Map<string, LazyTensor>): Promise<StateDict> {
  const out: StateDict = new Map();
  for (const [k, t] of d)
    out.set(k, { shape: [...t.shape], data: Float32Array.from((await t.read()) as Float32Array) });
  return out;
}

/** The pair that checkpoint `checkpoint-<tag>.pth` belongs to. */
function pairOf(online: string): { online: string; target: string } | null {
  const m = /^checkpoint-(.+)\.pth$/.exec(basename(online));
  if (!m || basename(online).startsWith('checkpoint-te-')) return null;
  return { online, target: join(dirname(online), `checkpoint-te-${m[1]}.pth`) };
}

/** What both files of a pair carry (the epoch and the run's position), or undefined when one cannot be read. */
async function pairStamp(path: string): Promise<string | undefined> {
  try {
    const ck = await openTorchCheckpoint(path);
    try {
      const root = ck.root;
      if (!(root instanceof Map)) return undefined;
      const st = root.get(STATE_KEY);
      return `${String(root.get('epoch'))}|${st instanceof Map ? String(st.get('json')) : ''}`;
    } finally {
      ck.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Whether the pair was written whole: the two files are written one after the other, so a run killed between them
 * leaves a new online file beside an old (or no) target one; mixing them would not continue the run.
 */
async function isCompletePair(pair: { online: string; target: string }): Promise<boolean> {
  if (!existsSync(pair.target)) return false;
  const [a, b] = await Promise.all([pairStamp(pair.online), pairStamp(pair.target)]);
  return a !== undefined && a === b;
}

/**
 * The online and target checkpoints to resume from: a file (`checkpoint-<x>.pth`, its `checkpoint-te-<x>.pth`
 * beside it) or an output folder. In a folder, the most recently written complete pair that a run resumes from
 * (`checkpoint-<epoch>.pth`, or `checkpoint-last.pth` of a stopped run) is taken; `min_pretrain_loss` and other side
 * pairs are written before those, so a run killed while writing them resumes from an earlier pair and writes them
 * again.
 */
export async function resolveResume(path: string): Promise<{ online: string; target: string }> {
  const p = resolve(path);
  if (!existsSync(p)) throw new Error(`--resume ${path}: no such file or folder`);
  if (statSync(p).isDirectory()) {
    const newestFirst = (names: string[]): string[] =>
      names.map((f) => join(p, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    const online = readdirSync(p).filter((f) => pairOf(f) !== null);
    const resumePoints = online.filter((f) => /^checkpoint-(\d+|last)\.pth$/.test(f));
    // side pairs (min_pretrain_loss) only when no resume point was written yet
    const candidates = [
      ...newestFirst(resumePoints),
      ...newestFirst(online.filter((f) => !resumePoints.includes(f))),
    ];
    if (!candidates.length) throw new Error(`--resume ${path}: the folder holds no checkpoint-<epoch>.pth`);
    for (const online of candidates) {
      const pair = pairOf(online)!;
      if (await isCompletePair(pair)) return pair;
    }
    throw new Error(
      `--resume ${path}: no complete checkpoint pair (checkpoint-<x>.pth with its checkpoint-te-<x>.pth)`,
    );
  }
  const pair = pairOf(p);
  if (!pair) throw new Error(`--resume ${path}: expected an online checkpoint named checkpoint-<epoch>.pth`);
  if (!existsSync(pair.target))
    throw new Error(`--resume ${path}: the target network checkpoint ${pair.target} is missing`);
  if (!(await isCompletePair(pair)))
    throw new Error(
      `--resume ${path}: ${basename(pair.target)} was not written with it (a run killed between the two files); resume from the folder to take the last complete pair`,
    );
  return pair;
}

export async function readPretrainCheckpoint(
  paths: { online: string; target: string },
  groups: readonly ParamGroup[],
): Promise<LoadedPretrainCheckpoint> {
  const ck = await openTorchCheckpoint(paths.online);
  try {
    const root = ck.root;
    if (!(root instanceof Map)) throw new Error(`${paths.online} is not a checkpoint dict`);
    const online = await readTensors(torchStateDict(ck, 'model'));
    const { slots, step } = await readTorchAdamwState(root.get('optimizer'), groups);
    const epoch = Number(root.get('epoch'));
    let progress: RunProgress | null = null;
    let accumulated: StateDict | null = null;
    const st = root.get(STATE_KEY);
    if (st instanceof Map) {
      if (st.get('format') !== STATE_FORMAT)
        throw new Error(`${paths.online}: unknown ${STATE_KEY} format ${String(st.get('format'))}`);
      progress = JSON.parse(String(st.get('json'))) as RunProgress;
      const acc = st.get('accumulated_grads');
      if (acc instanceof Map && acc.size) accumulated = await readTensors(acc as Map<string, LazyTensor>);
    }
    const tk = await openTorchCheckpoint(paths.target);
    let target: StateDict;
    try {
      target = await readTensors(torchStateDict(tk, 'model'));
    } finally {
      tk.close();
    }
    return { online, target, slots, optimizerStep: step, epoch, progress, accumulated };
  } finally {
    ck.close();
  }
}
