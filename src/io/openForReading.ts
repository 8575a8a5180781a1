import { openSync } from 'node:fs';

/** Opens `path` read-only; a failure names the file and the system's code (ENOENT, EACCES, ...). */
export function openForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw new Error(`cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
