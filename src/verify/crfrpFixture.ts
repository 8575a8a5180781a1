// Reader for the CRFR-P part of the oracle fixture set: inputs/parsing_maps.bin (int8 [8,224,224]) and
// expected/crfrp_stats.json (statistics of the official collate function, see the fixture README).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsingMap } from '../data/masking/parsingMap.js';

export interface CrfrpFixtureMapStats {
  map: number;
  name: string;
  fr_subset_of_mask_fraction: number;
  extreme_branch_runs: number;
  fr_sizes_seen: number[];
  mask_frequency: number[];
  mask_counts: number[];
  fr_frequency: number[];
  masked_patches_per_group_mean: number[];
  masked_patches_per_group_std: number[];
}

export interface CrfrpFixtureRunMap {
  mask: string;
  fr: string;
  masked_count: number;
  fr_count: number;
  fr_subset_of_mask: boolean;
  extreme_branch: boolean;
}

export interface CrfrpFixtureStats {
  base_seed: number;
  region_names: string[];
  /** [map][group] 196-char '0'/'1' strings, char k = patch k. */
  membership: string[][];
  membership_sizes: number[][];
  aggregate: {
    runs: number;
    region_chosen_counts: Record<string, number>;
    masked_counts_seen: number[];
    per_region: Record<string, { n_runs: number; maps: CrfrpFixtureMapStats[] }>;
  };
  per_run: { seed: number; region_index: number; region: string; maps: CrfrpFixtureRunMap[] }[];
}

/** Reads `count` int8 label maps of `size`×`size` from a raw C-order file. */
export function readRawParsingMaps(path: string, count: number, size: number): ParsingMap[] {
  const buf = readFileSync(path);
  if (buf.length !== count * size * size)
    throw new Error(`${path}: expected ${count * size * size} bytes, found ${buf.length}`);
  const all = new Int8Array(buf.buffer, buf.byteOffset, buf.length);
  return Array.from({ length: count }, (_, i) => ({
    height: size,
    width: size,
    labels: all.slice(i * size * size, (i + 1) * size * size),
  }));
}

export function loadCrfrpFixture(fixtureDir: string): { maps: ParsingMap[]; stats: CrfrpFixtureStats } {
  const stats = JSON.parse(
    readFileSync(join(fixtureDir, 'expected', 'crfrp_stats.json'), 'utf8'),
  ) as CrfrpFixtureStats;
  const maps = readRawParsingMaps(
    join(fixtureDir, 'inputs', 'parsing_maps.bin'),
    stats.membership.length,
    224,
  );
  return { maps, stats };
}

/** '0'/'1' string → 0/1 vector. */
export function bitsFromString(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => (c === '1' ? 1 : 0));
}
