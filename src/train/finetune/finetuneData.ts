// The fine-tuning data sets (SPEC §6.4): class folders (`<root>/train`, `<root>/val` when present, several roots
// concatenated) or label files (`--train_split/--val_split`), with the checks that stop a run before it starts:
// one class only, an empty split, train/val class sets that disagree, no "real" class for the real-anchor loss.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  checkRealClass,
  concatImageFolders,
  type LabeledSample,
  type LabelFileDelimiter,
  readLabelFile,
} from '../../data/folders/index.js';

export interface FinetuneDataOptions {
  /** class-folder roots (each `<root>/train` + `<root>/val`, or the class folders themselves) */
  dataPath?: string[];
  /** explicit validation roots */
  valPath?: string[];
  /** label files (`path<delim>label` lines) instead of folders */
  trainSplit?: string;
  valSplit?: string;
  datasetAbsPath?: string;
  delimiter?: LabelFileDelimiter;
  /** label-file datasets: which label is "real" (default 0, as the official CustomDataset) */
  realIndex?: number;
}

export interface FinetuneData {
  train: LabeledSample[];
  val: LabeledSample[] | null;
  numClasses: number;
  /** `class_to_idx` (folders) or `{ "<label>": label }` (label files) */
  classToIdx: Record<string, number>;
  /** index of the real class for the real-anchor loss, null when no class is named "real" */
  realIndex: number | null;
  warnings: string[];
  source: { train: string[]; val: string[] };
}

function splitRoots(roots: readonly string[], split: 'train' | 'val'): string[] {
  return roots.map((r) => (existsSync(path.join(r, split)) ? path.join(r, split) : r));
}

function folderData(opts: FinetuneDataOptions): FinetuneData {
  const roots = opts.dataPath ?? [];
  for (const r of [...roots, ...(opts.valPath ?? [])])
    if (!existsSync(r)) throw new Error(`data folder '${r}' does not exist`);
  const trainRoots = splitRoots(roots, 'train');
  const train = concatImageFolders(trainRoots);
  let valRoots: string[] = [];
  if (opts.valPath?.length) valRoots = splitRoots(opts.valPath, 'val');
  else if (roots.every((r) => existsSync(path.join(r, 'val'))))
    valRoots = roots.map((r) => path.join(r, 'val'));
  const val = valRoots.length ? concatImageFolders(valRoots) : null;
  if (val && val.classes.join('\u0000') !== train.classes.join('\u0000')) {
    throw new Error(
      `train classes (${train.classes.join(', ')}) and validation classes (${val.classes.join(', ')}) differ; both splits need the same class folders`,
    );
  }
  const warnings: string[] = [];
  const real = checkRealClass(train.classes);
  if (real.warning) warnings.push(real.warning);
  return {
    train: train.samples,
    val: val?.samples ?? null,
    numClasses: train.classes.length,
    classToIdx: train.classToIdx,
    realIndex: real.realIndex,
    warnings,
    source: { train: trainRoots, val: valRoots },
  };
}

function labelFileData(opts: FinetuneDataOptions): FinetuneData {
  const read = (f: string) => readLabelFile(f, { root: opts.datasetAbsPath, delimiter: opts.delimiter });
  const train = read(opts.trainSplit!);
  const val = opts.valSplit ? read(opts.valSplit) : null;
  if (train.labels.length < 2)
    throw new Error(
      `label file '${opts.trainSplit}' holds only label ${train.labels[0]}; training needs at least two classes`,
    );
  const n = train.labels.length;
  if (train.labels.some((l, i) => l !== i))
    throw new Error(
      `label file '${opts.trainSplit}' uses labels ${train.labels.join(', ')}; labels must be 0..${n - 1} with none skipped`,
    );
  if (val) {
    const extra = val.labels.filter((l) => !train.labels.includes(l));
    if (extra.length)
      throw new Error(
        `label files disagree: '${opts.valSplit}' has label(s) ${extra.join(', ')} that '${opts.trainSplit}' (labels ${train.labels.join(', ')}) lacks`,
      );
  }
  const realIndex = opts.realIndex ?? 0;
  if (realIndex < 0 || realIndex >= n)
    throw new Error(`--real_index ${realIndex} is not one of the labels 0..${n - 1}`);
  return {
    train: train.samples,
    val: val?.samples ?? null,
    numClasses: n,
    classToIdx: Object.fromEntries(train.labels.map((l) => [String(l), l])),
    realIndex,
    warnings: [],
    source: { train: [opts.trainSplit!], val: opts.valSplit ? [opts.valSplit] : [] },
  };
}

/** Resolves and checks the train / validation sets. */
export function loadFinetuneData(opts: FinetuneDataOptions): FinetuneData {
  if (opts.trainSplit) {
    if (opts.dataPath?.length)
      throw new Error('give either --data_path (folders) or --train_split (label file), not both');
    return labelFileData(opts);
  }
  if (!opts.dataPath?.length)
    throw new Error('no training data: give --data_path <root> (or --train_split <file>)');
  return folderData(opts);
}
