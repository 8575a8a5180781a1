// Paths into the oracle fixtures for the io tests; whether they are there is decided in oracle-fixtures.ts.
import { resolve } from 'node:path';
import { ORACLE_DIR } from './oracle-fixtures.js';

export { HAVE_ORACLE, needsOracle, repoRoot } from './oracle-fixtures.js';
export const checkpointPath = (name: string): string => resolve(ORACLE_DIR, 'checkpoints', name);
export const expectedPath = (name: string): string => resolve(ORACLE_DIR, 'expected', name);
