// The JSON-lines `log.txt` of the transfer commands: one object a line, the file rewritten atomically each time.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../io/atomicWrite.js';

export async function appendJsonLine(path: string, entry: Record<string, unknown>): Promise<void> {
  const prev = existsSync(path) ? readFileSync(path, 'utf8') : '';
  await writeFileAtomic(path, `${prev}${JSON.stringify(entry)}\n`);
}
