// Atomic file writes: the content goes to a temp file in the target folder, is fsynced, then one rename publishes
// it, so an interrupted run never leaves a half-written file under its final name.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What to write: the bytes or text themselves, or a function that writes them to the open file descriptor. */
export type AtomicContent = string | Uint8Array | ((fd: number) => void | Promise<void>);

let counter = 0;

/**
 * Writes `content` to a temp file beside `path` (creating the folder) and renames it into place only if the whole
 * write succeeded; on failure the temp file is removed and the target is left as it was.
 */
export async function writeFileAtomic(path: string, content: AtomicContent): Promise<void> {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  // pid + a per-process counter: concurrent writes, from this process or another, never share a temp file
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${(counter++).toString(36)}.tmp`);
  const fd = openSync(tmp, 'w');
  let ok = false;
  try {
    if (typeof content === 'function') await content(fd);
    else writeAll(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
    ok = true;
  } finally {
    closeSync(fd);
    if (!ok) rmSync(tmp, { force: true });
  }
  renameSync(tmp, path);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** `.<name>.<pid>.<counter>.tmp`: the temp files `writeFileAtomic` makes. */
const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-z]+\.tmp$/;

/**
 * Removes from `dir` the temp files of atomic writes whose process is gone (a run killed mid-write leaves one);
 * those of live processes are in flight and stay. Returns the names removed.
 */
export function removeInterruptedWrites(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const pid = Number(TEMP_FILE.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}
