// One fixture folder laid out like oracle-v1: which files it holds, and the arrays, JSON files and checkpoints
// its checks read, each loaded once however many checks use it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadStateDict } from '../models/loadStateDict.js';
import type { StateDict } from '../nn/stateDict.js';
import { type OracleArray, readOracleArray, readOracleJson } from './oracle.js';

export const GENERATION_RECORD = 'generation_record.json';

/** An array's `.bin` file and its `.json` sidecar, e.g. of `expected/finetune_logits`, relative to the set folder. */
export function arrayFiles(relativeStem: string): string[] {
  return [`${relativeStem}.bin`, `${relativeStem}.json`];
}

export class FixtureSet {
  private readonly loaded = new Map<string, Promise<unknown>>();

  constructor(readonly dir: string) {}

  path(relative: string): string {
    return join(this.dir, relative);
  }

  has(relative: string): boolean {
    return existsSync(this.path(relative));
  }

  /** The stems of the files under `expected/` (a .bin and its .json sidecar are one stem). */
  expectedStems(): string[] {
    const dir = this.path('expected');
    if (!existsSync(dir)) return [];
    return [...new Set(readdirSync(dir).map((n) => n.replace(/\.(bin|json)$/, '')))].sort();
  }

  /** `load()`'s value, computed on first use; a failed load fails every check that awaits it. */
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.loaded.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.loaded.set(key, p);
    }
    return p;
  }

  /** `relativeStem` names a .bin/.json pair, e.g. `expected/finetune_logits`. */
  array(relativeStem: string): Promise<OracleArray> {
    return this.once(`array ${relativeStem}`, async () => {
      const i = relativeStem.lastIndexOf('/');
      return readOracleArray(this.path(relativeStem.slice(0, i)), relativeStem.slice(i + 1));
    });
  }

  json<T>(relative: string): Promise<T> {
    return this.once(`json ${relative}`, async () => readOracleJson<T>(this.dir, relative));
  }

  stateDict(relative: string): Promise<StateDict> {
    return this.once(
      `state dict ${relative}`,
      async () => (await loadStateDict(this.path(relative))).stateDict,
    );
  }

  /** A JSON file read now, for deciding which checks exist; undefined when absent or unreadable. */
  jsonIfReadable<T>(relative: string): T | undefined {
    if (!this.has(relative)) return undefined;
    try {
      return readOracleJson<T>(this.dir, relative);
    } catch {
      return undefined;
    }
  }
}
