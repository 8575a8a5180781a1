// Before/after still-image throughput: `scanPath` over a folder of stills (the bench's two test stills, copied
// --copies times each) by two checkouts of fsvfm in one process, alternating, so both see the same load, at each of
// the --jobs counts, int8 by default, with the random ViT-B/16 of `fsvfm bench scan`. The other checkout is an
// earlier commit's tree (e.g. `git archive <commit> | tar -x -C /tmp/fsvfm-before`, node_modules linked in).
//   node --import tsx bench/stillsAB.ts /tmp/fsvfm-before [--jobs 1,3] [--rounds 3] [--copies 6] [--precision int8]
// Every item's faces, crop boxes and scores must agree between the two (else it stops).
// Last line: {"jobs":{"3":{"before_per_s":[…],"after_per_s":[…],"before_cpu_ms_per_still":[…],…}},"load_avg":[…]}
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchStills } from '../src/benchmarks/benchMedia.js';
import { randomVitB16 } from '../src/benchmarks/scanBench.js';
import { Detector } from '../src/detect/index.js';
import { parsePrecision } from '../src/models/precision.js';

interface StillItem {
  input: string;
  status: string;
  frames: { faces: { box: unknown; crop_box?: unknown; p_fake: number | null }[] }[];
}
interface StillScanner {
  scanImage(path: string): Promise<unknown>;
  scanPath(inputs: string, opts: { jobs: number }): Promise<StillItem[]>;
  prepareStills?(): Promise<void>;
  dispose(): void;
}
interface DetectorModule {
  Detector: { create(opts: { model: string; precision?: 'fp32' | 'int8' }): Promise<StillScanner> };
}

const args = process.argv.slice(2);
const other = args[0];
if (!other || other.startsWith('--')) {
  console.error(
    'usage: bench/stillsAB.ts <checkout of the earlier commit> [--jobs 1,3] [--rounds n] [--copies n]',
  );
  process.exit(2);
}
const flag = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : dflt;
};
const positive = (name: string, v: number): number => {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return v;
};
const rounds = positive('--rounds', Number(flag('--rounds', '3')));
const copies = positive('--copies', Number(flag('--copies', '6')));
const jobsList = flag('--jobs', '1,3')
  .split(',')
  .map((j) => positive('--jobs', Number(j)));
const precision = parsePrecision(flag('--precision', 'int8'));
const cache = resolve(flag('--cache', '.cache/bench-scan'));
const ckpt = join(cache, 'random-vit-b16.safetensors');
await randomVitB16(ckpt);

const folder = mkdtempSync(join(tmpdir(), 'fsvfm-stills-'));
for (let k = 0; k < copies; k++)
  for (const still of benchStills()) copyFileSync(still, join(folder, `${k}-${basename(still)}`));
const count = copies * benchStills().length;

const earlier = (await import(
  pathToFileURL(join(resolve(other), 'src/detect/index.ts')).href
)) as DetectorModule;
const scanners: Record<'before' | 'after', StillScanner> = {
  before: await earlier.Detector.create({ model: ckpt, precision }),
  after: await Detector.create({ model: ckpt, precision }),
};
for (const d of Object.values(scanners)) {
  await d.scanImage(benchStills()[0]!);
  await d.prepareStills?.();
}
/** What must not change: per item its status, faces' boxes, crop boxes and scores. */
const summary = (items: StillItem[]): string =>
  JSON.stringify(
    items.map((it) => [
      basename(it.input),
      it.status,
      it.frames.map((f) => f.faces.map((x) => [x.box, x.crop_box, x.p_fake])),
    ]),
  );
const result: Record<string, Record<string, number[]>> = {};
const loads: number[] = [];
try {
  for (const jobs of jobsList) {
    const r0: Record<string, number[]> = {
      before_per_s: [],
      after_per_s: [],
      before_cpu_ms_per_still: [],
      after_cpu_ms_per_still: [],
    };
    result[jobs] = r0;
    let reference: string | undefined;
    for (let r = 0; r < rounds; r++) {
      // alternate which goes first, so neither always follows the other
      const order = r % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
      for (const which of order) {
        const t = performance.now();
        const c = process.cpuUsage();
        const items = await scanners[which].scanPath(folder, { jobs });
        const wall = (performance.now() - t) / 1000;
        const used = process.cpuUsage(c);
        const same = summary(items);
        reference ??= same;
        if (same !== reference)
          throw new Error(`${which} at jobs ${jobs}: results differ from the first scan`);
        if (items.some((it) => it.status !== 'ok')) throw new Error(`${which}: a still did not scan ok`);
        r0[`${which}_per_s`]!.push(Math.round((count / wall) * 100) / 100);
        r0[`${which}_cpu_ms_per_still`]!.push(Math.round((used.user + used.system) / 1000 / count));
        loads.push(Math.round(loadavg()[0]! * 100) / 100);
        console.error(
          `jobs ${jobs} round ${r + 1} ${which}: ${r0[`${which}_per_s`]!.at(-1)} stills/s, ` +
            `${r0[`${which}_cpu_ms_per_still`]!.at(-1)} CPU ms a still (load ${loads.at(-1)})`,
        );
      }
    }
  }
} finally {
  for (const d of Object.values(scanners)) d.dispose();
  rmSync(folder, { recursive: true, force: true });
}
console.log(JSON.stringify({ precision, stills: count, jobs: result, load_avg: loads }));
