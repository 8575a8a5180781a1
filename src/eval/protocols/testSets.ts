// The test sets of the evaluation protocols (SPEC §6.4–6.6, §7.5): DfD / DiFF class folders (`<root>/test/{real,fake}`
// or the class folders themselves) or label files, FAS MCIO / WCS target-domain test lists. Labels follow the
// official convention (0 = fake/spoof, 1 = real/live); every sample carries its video id.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  fasVideoId,
  type LabelFileDelimiter,
  readFasSplit,
  readLabelFile,
  scanImageFolder,
  videoIdFromFrameName,
} from '../../data/folders/index.js';

export const PROTOCOLS = ['dfd', 'diff', 'fas-mcio', 'fas-wcs'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

export interface TestSample {
  path: string;
  /** 0 = fake/spoof, 1 = real/live */
  label: 0 | 1;
  videoId: string;
}

export interface TestSet {
  name: string;
  /** folder or list the samples came from */
  source: string;
  samples: TestSample[];
}

/** MCIO leave-one-out targets (SPEC §7.5) and the WCS ones; the value is the dataset name of the list files. */
export const FAS_TARGETS: Readonly<
  Record<string, { protocol: 'fas-mcio' | 'fas-wcs'; dataset: string; label: string }>
> = {
  M: { protocol: 'fas-mcio', dataset: 'msu', label: 'OCI→M' },
  C: { protocol: 'fas-mcio', dataset: 'casia', label: 'OMI→C' },
  I: { protocol: 'fas-mcio', dataset: 'replay', label: 'OCM→I' },
  O: { protocol: 'fas-mcio', dataset: 'oulu', label: 'ICM→O' },
  cefa: { protocol: 'fas-wcs', dataset: 'cefa', label: 'WS→C' },
  surf: { protocol: 'fas-wcs', dataset: 'surf', label: 'WC→S' },
  wmca: { protocol: 'fas-wcs', dataset: 'wmca', label: 'CS→W' },
};

/** `name=path` or a bare path (named after its folder, or its parent when the folder is `test`). */
export function parseSetSpec(spec: string): { name: string; path: string } {
  const eq = spec.indexOf('=');
  if (eq > 0 && !existsSync(spec)) return { name: spec.slice(0, eq), path: spec.slice(eq + 1) };
  const base = path.basename(path.resolve(spec));
  return { name: base === 'test' ? path.basename(path.dirname(path.resolve(spec))) : base, path: spec };
}

/** Binary labels from class-folder names: the one containing "real" (or "live") is 1, the other 0. */
function binaryClassLabels(root: string, classes: readonly string[]): Map<string, 0 | 1> {
  if (classes.length !== 2)
    throw new Error(
      `'${root}' has ${classes.length} class folders (${classes.join(', ')}); a binary test set needs exactly two, e.g. fake/ and real/`,
    );
  const isReal = (c: string) => /real|live/i.test(c);
  const reals = classes.filter(isReal);
  if (reals.length !== 1)
    throw new Error(
      `cannot tell the real class among ${classes.join(', ')} in '${root}': exactly one folder name must contain 'real' (or 'live')`,
    );
  return new Map(classes.map((c) => [c, isReal(c) ? 1 : 0]));
}

export interface SetOptions {
  /** label files: prepended to listed paths (official --dataset_abs_path) */
  datasetAbsPath?: string;
  delimiter?: LabelFileDelimiter;
  videoIdOf?: (file: string) => string;
}

/** A DfD / DiFF / generic test set from a class-folder root (`<root>/test/` when present) or a label file. */
export function folderOrListTestSet(spec: string, opts: SetOptions = {}): TestSet {
  const { name, path: p } = parseSetSpec(spec);
  const idOf = opts.videoIdOf ?? videoIdFromFrameName;
  if (!existsSync(p)) throw new Error(`test data '${p}' does not exist`);
  if (statSync(p).isFile()) {
    const list = readLabelFile(p, { root: opts.datasetAbsPath, delimiter: opts.delimiter });
    const bad = list.labels.filter((l) => l !== 0 && l !== 1);
    if (bad.length)
      throw new Error(
        `label file '${p}' uses labels ${list.labels.join(', ')}; binary test sets use 0 (fake) and 1 (real)`,
      );
    if (list.labels.length < 2)
      throw new Error(
        `label file '${p}' holds only label ${list.labels[0]}; a test set needs both real (1) and fake (0)`,
      );
    return {
      name: spec.includes('=') ? name : path.basename(p).replace(/\.[^.]+$/, ''),
      source: p,
      samples: list.samples.map((s) => ({ path: s.path, label: s.label as 0 | 1, videoId: idOf(s.path) })),
    };
  }
  const root = existsSync(path.join(p, 'test')) ? path.join(p, 'test') : p;
  const ds = scanImageFolder(root);
  const labels = binaryClassLabels(root, ds.classes);
  return {
    name,
    source: root,
    samples: ds.samples.map((s) => ({
      path: s.path,
      label: labels.get(ds.classes[s.label]!)!,
      videoId: idOf(s.path),
    })),
  };
}

/**
 * The FAS target-domain test set: `<root>/txt/<dataset>_{real,fake}_test.txt` lists (frame0 + frame1 per video) when
 * `<root>/txt` exists, else class folders under `<root>` (video id = path without `frame0/1.png`).
 */
export function fasTestSet(protocol: 'fas-mcio' | 'fas-wcs', config: string, root: string): TestSet {
  const target = FAS_TARGETS[config];
  if (!target || target.protocol !== protocol) {
    const valid = Object.entries(FAS_TARGETS)
      .filter(([, t]) => t.protocol === protocol)
      .map(([k]) => k);
    throw new Error(`--config '${config}' is not a ${protocol} target; use one of ${valid.join(', ')}`);
  }
  if (!existsSync(root)) throw new Error(`FAS data root '${root}' does not exist`);
  if (existsSync(path.join(root, 'txt'))) {
    const samples = readFasSplit(root, target.dataset, 'test').map((s) => ({
      path: s.path,
      label: s.label as 0 | 1,
      videoId: fasVideoId(s.path),
    }));
    return {
      name: `${protocol === 'fas-mcio' ? 'MCIO' : 'WCS'}:${config} (${target.label})`,
      source: root,
      samples,
    };
  }
  const set = folderOrListTestSet(root, { videoIdOf: fasVideoId });
  return { ...set, name: `${protocol === 'fas-mcio' ? 'MCIO' : 'WCS'}:${config} (${target.label})` };
}
