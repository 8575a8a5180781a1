// Locating the oracle fixtures for the io tests (skipped with a message when the folder is absent).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const fixtureDir = resolve(repoRoot, '../shared/fixtures/oracle-v1');
export const haveFixtures = existsSync(resolve(fixtureDir, 'checkpoints'));
export const skipNoFixtures = haveFixtures ? false : `oracle fixtures not found at ${fixtureDir}`;
export const checkpointPath = (name: string): string => resolve(fixtureDir, 'checkpoints', name);
export const expectedPath = (name: string): string => resolve(fixtureDir, 'expected', name);
