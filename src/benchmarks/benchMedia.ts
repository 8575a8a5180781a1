// The media the benchmarks run on: the two test stills for scanning, the fetched demo media for the face pipeline.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoMediaPaths } from '../data/demo/index.js';

/** The test stills every scanning benchmark uses (one face each). */
export function benchStills(): string[] {
  return ['astronaut.png', 'grace_hopper.jpg'].map((n) =>
    fileURLToPath(new URL(`../../test/fixtures/media/${n}`, import.meta.url)),
  );
}

/** The demo videos and stills in `dir`; an Error naming the first missing file when `fsvfm demo fetch` has not run. */
export function demoBenchMedia(dir: string): { videos: string[]; stills: string[] } {
  const { videos, stills } = demoMediaPaths(dir);
  const missing = [...videos, ...stills].filter((p) => !existsSync(p));
  if (missing.length > 0)
    throw new Error(`demo media missing (${missing[0]}); run \`fsvfm demo fetch --dir ${dir}\` first`);
  return { videos, stills };
}
