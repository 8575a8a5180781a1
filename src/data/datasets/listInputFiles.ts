// Expands the inputs of `fsvfm faces` (files and folders, recursively) into a sorted file list.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

export interface InputFile {
  /** absolute path */
  path: string;
  /** path relative to the folder it was found in (the file name for a file given directly), `/`-separated */
  relPath: string;
}

/** Code-point order, as Python's sorted() and the dataset loaders use. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Files of the inputs in code-point order. Hidden files and folders (".*") and anything under `exclude`
 * (the output folder, when it sits inside an input) are skipped. Content is not checked here.
 */
export function listInputFiles(inputs: string[], exclude?: string): InputFile[] {
  const skip = exclude ? resolve(exclude) : undefined;
  const out: InputFile[] = [];
  for (const input of inputs) {
    const root = resolve(input);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(root);
    } catch {
      throw new Error(`input ${input} does not exist`);
    }
    if (st.isFile()) {
      out.push({ path: root, relPath: basename(root) });
      continue;
    }
    const walk = (dir: string): void => {
      if (skip && (dir === skip || dir.startsWith(`${skip}/`))) return;
      const names = readdirSync(dir).sort(byCodePoint);
      for (const name of names) {
        if (name.startsWith('.')) continue;
        const p = join(dir, name);
        const s = statSync(p);
        if (s.isDirectory()) walk(p);
        else if (s.isFile()) out.push({ path: p, relPath: relative(root, p).split('\\').join('/') });
      }
    };
    walk(root);
  }
  return out;
}
