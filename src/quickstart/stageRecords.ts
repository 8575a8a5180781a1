// Completion records of the quickstart stages: a stage that finished wrote `<stages>/<name>.json` (atomically, last),
// so a re-run reads it back instead of redoing the work. The run settings are recorded too: a folder made with
// other settings is refused instead of mixed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { isObject, parseJsonOrUndefined } from '../io/jsonShape.js';

export class StageRecords {
  constructor(readonly dir: string) {}

  read<T>(name: string): T | null {
    const p = join(this.dir, `${name}.json`);
    if (!existsSync(p)) return null;
    // a damaged record (unreadable, or not the object a stage writes): the stage runs again (its caches still apply)
    const record = parseJsonOrUndefined(readFileSync(p, 'utf8'));
    return isObject(record) ? (record as T) : null;
  }

  async write<T>(name: string, value: T): Promise<void> {
    await writeFileAtomic(join(this.dir, `${name}.json`), `${JSON.stringify(value, null, 1)}\n`);
  }

  /**
   * Records `settings` and the resolved `recipe` on first use; throws when the folder was made with other settings,
   * or by another recipe (an older fsvfm whose stages used other people, fakes or transfer settings), so its
   * finished stages are never mixed with this version's.
   */
  async claim(settings: Record<string, unknown>, outDir: string, recipe: unknown = null): Promise<void> {
    const previous = this.read<Record<string, unknown>>('settings');
    if (previous && JSON.stringify(previous) !== JSON.stringify(settings))
      throw new Error(
        `${outDir} holds a quickstart run made with other settings (${JSON.stringify(previous)}); re-run with those settings to resume, or choose another --out`,
      );
    const previousRecipe = this.read<unknown>('recipe');
    if (previous && JSON.stringify(previousRecipe) !== JSON.stringify(recipe))
      throw new Error(
        `${outDir} holds a quickstart run made by another version of the quickstart recipe (other people, fakes or transfer settings); choose another --out, or delete ${outDir} to start over`,
      );
    if (!previousRecipe) await this.write('recipe', recipe);
    if (!previous) await this.write('settings', settings);
  }
}
