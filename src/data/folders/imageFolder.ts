import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { compareCodePoints, sortByCodePoint } from './codePointOrder.js';

/** One labelled image. */
export interface LabeledSample {
  path: string;
  label: number;
}

export interface ClassFolderDataset {
  root: string;
  /** class names in id order */
  classes: string[];
  classToIdx: Record<string, number>;
  samples: LabeledSample[];
}

/** torchvision's IMG_EXTENSIONS (matched case-insensitively). */
export const IMAGE_EXTENSIONS = [
  '.jpg',
  '.jpeg',
  '.png',
  '.ppm',
  '.bmp',
  '.pgm',
  '.tif',
  '.tiff',
  '.webp',
] as const;

export function hasImageExtension(name: string, extensions: readonly string[] = IMAGE_EXTENSIONS): boolean {
  const lower = name.toLowerCase();
  return extensions.some((e) => lower.endsWith(e));
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory(); // follows links, as os.walk(followlinks=True)
  } catch {
    return false;
  }
}

/** Every (directory, sorted file names) under `dir`, directories in code-point order of their paths. */
function walkSorted(dir: string, extensions: readonly string[]): string[] {
  const groups: { dir: string; files: string[] }[] = [];
  const visit = (d: string): void => {
    const entries = readdirSync(d, { withFileTypes: true });
    const files: string[] = [];
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && isDirectory(full))) visit(full);
      else if (hasImageExtension(e.name, extensions)) files.push(e.name);
    }
    groups.push({ dir: d, files: sortByCodePoint(files) });
  };
  visit(dir);
  groups.sort((a, b) => compareCodePoints(a.dir, b.dir));
  return groups.flatMap((g) => g.files.map((f) => path.join(g.dir, f)));
}

export interface ImageFolderOptions {
  extensions?: readonly string[];
  /** allow a single class folder (the default refuses: a binary detector needs both classes) */
  allowSingleClass?: boolean;
}

/**
 * torchvision `ImageFolder` semantics: sub-folders of `root` are the classes, sorted by code point
 * (ids 0, 1, …); images are collected recursively, directories and file names in sorted order.
 */
export function scanImageFolder(root: string, opts: ImageFolderOptions = {}): ClassFolderDataset {
  const extensions = opts.extensions ?? IMAGE_EXTENSIONS;
  if (!isDirectory(root)) throw new Error(`image folder '${root}' does not exist or is not a directory`);
  const classes = sortByCodePoint(
    readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() || (e.isSymbolicLink() && isDirectory(path.join(root, e.name))))
      .map((e) => e.name),
  );
  if (classes.length === 0) {
    throw new Error(`'${root}' has no class sub-folders; expected e.g. ${root}/fake_*/ and ${root}/real_*/`);
  }
  if (classes.length === 1 && !opts.allowSingleClass) {
    throw new Error(
      `'${root}' has only one class folder ('${classes[0]}'); a real/fake dataset needs both (e.g. fake_* and real_*)`,
    );
  }
  const classToIdx: Record<string, number> = {};
  classes.forEach((c, i) => {
    classToIdx[c] = i;
  });
  const samples: LabeledSample[] = [];
  const empty: string[] = [];
  for (const c of classes) {
    const files = walkSorted(path.join(root, c), extensions);
    if (files.length === 0) empty.push(c);
    for (const f of files) samples.push({ path: f, label: classToIdx[c] });
  }
  if (empty.length > 0) {
    throw new Error(
      `no images (${extensions.join(', ')}) in class folder(s) ${empty
        .slice(0, 5)
        .map((c) => `'${c}'`)
        .join(', ')}${empty.length > 5 ? ` and ${empty.length - 5} more` : ''} of '${root}'`,
    );
  }
  return { root, classes, classToIdx, samples };
}

export interface RealClassCheck {
  /** id of the class whose name contains "real", or null if none/several do */
  realIndex: number | null;
  /** set when the layout breaks the "real = 1" convention the released heads expect */
  warning?: string;
}

/**
 * SPEC §4.5/§9 #25: the real class is the one whose folder name contains "real", and released heads
 * expect it at id 1 (`fake_*` < `real_*`). Report anything else.
 */
export function checkRealClass(classes: readonly string[]): RealClassCheck {
  const real = classes.map((c, i) => [c, i] as const).filter(([c]) => c.toLowerCase().includes('real'));
  if (real.length !== 1) {
    return {
      realIndex: null,
      warning:
        real.length === 0
          ? `no class folder name contains 'real' (classes: ${classes.join(', ')}); score = P(class 1) may not mean P(real)`
          : `several class folders contain 'real' (${real.map(([c]) => c).join(', ')}); the real class is ambiguous`,
    };
  }
  const idx = real[0][1];
  if (idx !== 1) {
    return {
      realIndex: idx,
      warning: `the real class '${real[0][0]}' gets id ${idx}, not 1 (classes sort by code point: ${classes.join(', ')}); rename folders to fake_*/real_* to match released heads`,
    };
  }
  return { realIndex: idx };
}
