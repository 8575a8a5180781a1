// Completion records of the quickstart stages: a stage that finished wrote `<stages>/<name>.json` (atomically, last),
// so a re-run reads it back instead of redoing the work. The run settings are recorded too: a folder made with
// other settings is refused instead of mixed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../data/datasets/atomicFile.js';

export class StageRecords {
  constructor(readonly dir: string) {}

  read<T>(name: string): T | null {
    const p = join(this.dir, `${name}.json`);
    if (!existsSync(p)) return null;
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as T;
    } catch {
      return null; // a damaged record: the stage runs again (its own caches still apply)
    }
  }

  async write<T>(name: string, value: T): Promise<void> {
    await writeFileAtomic(join(this.dir, `${name}.json`), `${JSON.stringify(value, null, 1)}\n`);
  }

  /** Records `settings` on first use; throws when the folder was made with different ones. */
  async claim(settings: Record<string, unknown>, outDir: string): Promise<void> {
    const previous = this.read<Record<string, unknown>>('settings');
    const text = JSON.stringify(settings);
    if (previous && JSON.stringify(previous) !== text)
      throw new Error(
        `${outDir} holds a quickstart run made with other settings (${JSON.stringify(previous)}); re-run with those settings to resume, or choose another --out`,
      );
    if (!previous) await this.write('settings', settings);
  }
}
