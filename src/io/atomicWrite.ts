// Atomic file writes: write a temp file in the same folder, fsync, then rename over the target.
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Runs `write(fd)` on a temp file beside `path` and renames it into place only if `write` succeeds. */
export async function writeFileAtomic(
  path: string,
  write: (fd: number) => void | Promise<void>,
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const fd = openSync(tmp, 'w');
  let ok = false;
  try {
    await write(fd);
    fsyncSync(fd);
    ok = true;
  } finally {
    closeSync(fd);
    if (!ok) rmSync(tmp, { force: true });
  }
  renameSync(tmp, path);
}
