// Temporary folders for the tests. node --test runs every test file in a process of its own; the folders made here
// are removed when that process exits, whether its tests passed or failed, so repeated runs of the suite no longer
// fill os.tmpdir(). FSVFM_KEEP_TEST_DIRS=1 keeps them and prints each path, to look into after a failure.
// A process killed by a signal (Ctrl-C) runs no exit handler and leaves its folders behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const keep = process.env.FSVFM_KEEP_TEST_DIRS === '1';
const made: string[] = [];

function removeAll(): void {
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      process.stderr.write(`could not remove test folder ${dir}: ${(err as Error).message}\n`);
    }
  }
}

/** A new empty folder `os.tmpdir()/<prefix>XXXXXX`, removed when this process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (keep) {
    process.stderr.write(`FSVFM_KEEP_TEST_DIRS=1: keeping ${dir}\n`);
    return dir;
  }
  // one listener for all folders: a listener per folder would pass the listener limit in files that make many
  if (made.length === 0) process.on('exit', removeAll);
  made.push(dir);
  return dir;
}
