// Content-addressed record of finished work: key = sha256(input bytes, output name, recipe and options).
// A re-run skips an input whose record exists and whose outputs are all still on disk.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { parseJsonOrUndefined } from '../../io/jsonShape.js';
import { isEntryRecord, type ManifestEntry } from './faceDatasetManifest.js';

export const CACHE_DIR = '.fsvfm-cache';

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function cacheKey(contentHash: string, stem: string, settings: unknown): string {
  return createHash('sha256')
    .update(contentHash)
    .update('\0')
    .update(stem)
    .update('\0')
    .update(JSON.stringify(settings))
    .digest('hex');
}

type Cached = Omit<ManifestEntry, 'input' | 'cached'>;

export async function readCached(outDir: string, key: string): Promise<Cached | null> {
  const p = join(outDir, CACHE_DIR, `${key}.json`);
  if (!existsSync(p)) return null;
  try {
    // an unreadable or damaged record: redo the work
    const rec = parseJsonOrUndefined(await readFile(p, 'utf8'));
    if (!isEntryRecord(rec) || !rec.outputs.every((o) => existsSync(join(outDir, o)))) return null;
    return rec;
  } catch {
    return null;
  }
}

export async function writeCached(outDir: string, key: string, entry: ManifestEntry): Promise<void> {
  const { input: _input, cached: _cached, ...rec } = entry;
  await writeFileAtomic(join(outDir, CACHE_DIR, `${key}.json`), JSON.stringify(rec));
}
