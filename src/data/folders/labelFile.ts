import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LabeledSample } from './imageFolder.js';

/** Delimiters the official `--delimiter_in_spilt` accepts (SPEC §6.4). */
export const LABEL_FILE_DELIMITERS = [' ', ',', ', '] as const;
export type LabelFileDelimiter = (typeof LABEL_FILE_DELIMITERS)[number];

export interface LabelFileOptions {
  delimiter?: LabelFileDelimiter;
  /** prepended to every path after stripping one leading '/' (official `--dataset_abs_path`) */
  root?: string;
  /** verify that every listed file exists (default true) */
  checkFiles?: boolean;
}

export interface LabelFileDataset {
  samples: LabeledSample[];
  /** distinct labels, ascending (nb_classes = their count) */
  labels: number[];
}

function joinRoot(root: string | undefined, p: string): string {
  if (root === undefined || root === '') return p;
  return path.join(root, p.startsWith('/') ? p.slice(1) : p);
}

function reportMissing(missing: string[], source: string): void {
  if (missing.length === 0) return;
  const shown = missing.slice(0, 5).join(', ');
  throw new Error(
    `${missing.length} file(s) listed in '${source}' do not exist (${shown}${missing.length > 5 ? ', …' : ''}); check the list's root folder`,
  );
}

/** Parse `path<delim>label` lines (CustomDataset). Blank lines are skipped; anything else malformed is an error. */
export function parseLabelFile(text: string, source: string, opts: LabelFileOptions = {}): LabelFileDataset {
  const delim = opts.delimiter ?? ' ';
  const samples: LabeledSample[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split(delim);
    if (parts.length !== 2 || parts[0] === '') {
      throw new Error(
        `${source}:${i + 1}: expected '<path>${delim === ' ' ? '<space>' : delim}<label>', got '${line}'`,
      );
    }
    const label = parts[1].trim();
    if (!/^\d+$/.test(label))
      throw new Error(`${source}:${i + 1}: label must be a non-negative integer, got '${label}'`);
    samples.push({ path: joinRoot(opts.root, parts[0].trim()), label: Number.parseInt(label, 10) });
  });
  if (samples.length === 0) throw new Error(`label file '${source}' lists no samples`);
  if (opts.checkFiles ?? true)
    reportMissing(
      samples.filter((s) => !existsSync(s.path)).map((s) => s.path),
      source,
    );
  const labels = [...new Set(samples.map((s) => s.label))].sort((a, b) => a - b);
  return { samples, labels };
}

export function readLabelFile(file: string, opts: LabelFileOptions = {}): LabelFileDataset {
  if (!existsSync(file)) throw new Error(`label file '${file}' does not exist`);
  return parseLabelFile(readFileSync(file, 'utf8'), file, opts);
}

/** FAS (MCIO/WCS) list: one path per line, relative to the frame folder; the label comes from the list. */
export function readPathList(
  file: string,
  frameRoot: string,
  label: number,
  checkFiles = true,
): LabeledSample[] {
  if (!existsSync(file)) throw new Error(`list file '${file}' does not exist`);
  const out: LabeledSample[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      if (/\s/.test(line)) throw new Error(`${file}:${i + 1}: expected one path per line, got '${line}'`);
      out.push({ path: joinRoot(frameRoot, line), label });
    });
  if (checkFiles)
    reportMissing(
      out.filter((s) => !existsSync(s.path)).map((s) => s.path),
      file,
    );
  return out;
}

export type FasSplit = 'train' | 'test' | 'shot';

/**
 * FAS split of one dataset (SPEC §6.6): `<root>/txt/<name>_{real,fake}_<split>.txt`, paths relative to
 * `<root>/frame/`; real → 1, fake → 0. The test set adds each entry's `frame1` twin (de-duplicated).
 */
export function readFasSplit(
  root: string,
  dataset: string,
  split: FasSplit,
  checkFiles = true,
): LabeledSample[] {
  const frameRoot = path.join(root, 'frame');
  const list = (kind: 'real' | 'fake', label: number): LabeledSample[] =>
    readPathList(path.join(root, 'txt', `${dataset}_${kind}_${split}.txt`), frameRoot, label, false);
  let samples = [...list('real', 1), ...list('fake', 0)];
  if (split === 'test') {
    const seen = new Set<string>();
    const expanded: LabeledSample[] = [];
    for (const s of samples) {
      for (const p of [s.path, s.path.replace(/frame0\.png$/, 'frame1.png')]) {
        if (seen.has(p)) continue;
        seen.add(p);
        expanded.push({ path: p, label: s.label });
      }
    }
    samples = expanded;
  }
  if (samples.length === 0) throw new Error(`FAS split '${dataset}/${split}' under '${root}' is empty`);
  if (checkFiles) {
    reportMissing(
      samples.filter((s) => !existsSync(s.path)).map((s) => s.path),
      `${dataset}_*_${split}.txt`,
    );
  }
  return samples;
}
