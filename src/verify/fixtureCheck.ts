// One comparison against a fixture set, with the files it reads: a check whose files are not all in the set is
// skipped (and says which are absent) while every other check still runs.
import type { CheckResult } from './checkResult.js';

export interface FixtureCheck {
  /** The expected-file stem it reproduces, or `<stem>:<part>` when several checks share one file. */
  id: string;
  /** Files it reads, relative to the set folder. */
  needs: readonly string[];
  run(): Promise<CheckResult>;
}

/** The expected-file stem a check id belongs to. */
export function stemOf(id: string): string {
  const i = id.indexOf(':');
  return i < 0 ? id : id.slice(0, i);
}
