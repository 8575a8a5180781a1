// Before/after on a loaded machine: the video scan of `fsvfm bench scan` by two checkouts of fsvfm in one process,
// alternating, so both see the same load. The other checkout is a git worktree of an earlier commit:
//   git worktree add /tmp/fsvfm-before <commit> && ln -s "$PWD/node_modules" /tmp/fsvfm-before/node_modules
//   node --import tsx bench/scanAB.ts /tmp/fsvfm-before [--rounds 3] [--precision fp32|int8] [--cache .cache/bench-scan]
// Last line: {"before_s":[…], "after_s":[…], "before_median_s":…, "after_median_s":…, "before_cpu_s":[…], …}
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchStills } from '../src/benchmarks/benchMedia.js';
import { minuteOf720p, randomVitB16 } from '../src/benchmarks/scanBench.js';
import { Detector } from '../src/detect/index.js';
import { parsePrecision } from '../src/models/precision.js';

interface VideoScanner {
  scanImage(path: string): Promise<unknown>;
  scanVideo(path: string, opts: { frames: number }): Promise<{ status: string }>;
  dispose(): void;
}
interface DetectorModule {
  Detector: { create(opts: { model: string; precision?: 'fp32' | 'int8' }): Promise<VideoScanner> };
}

const args = process.argv.slice(2);
const other = args[0];
if (!other || other.startsWith('--')) {
  console.error(
    'usage: bench/scanAB.ts <checkout of the earlier commit> [--rounds n] [--precision fp32|int8]',
  );
  process.exit(2);
}
const flag = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : dflt;
};
const rounds = Number(flag('--rounds', '3'));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer`);
const precision = parsePrecision(flag('--precision', 'fp32'));
const cache = resolve(flag('--cache', '.cache/bench-scan'));
const ckpt = join(cache, 'random-vit-b16.safetensors');
const video = join(cache, 'minute-720p.mp4');
await randomVitB16(ckpt);
minuteOf720p(benchStills()[0]!, video);

const earlier = (await import(
  pathToFileURL(join(resolve(other), 'src/detect/index.ts')).href
)) as DetectorModule;
const before = await earlier.Detector.create({ model: ckpt, precision });
const after = await Detector.create({ model: ckpt, precision });
await after.prepareVideo();
for (const d of [before, after]) await d.scanImage(benchStills()[0]!);
const times: Record<'before' | 'after', number[]> = { before: [], after: [] };
// CPU seconds of this process (all its threads, ffmpeg not included): the work, whatever share of the cores it got
const cpu: Record<'before' | 'after', number[]> = { before: [], after: [] };
const loads: number[] = [];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  for (let r = 0; r < rounds; r++) {
    // alternate which goes first, so neither always follows the other
    const order = r % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const which of order) {
      const t = performance.now();
      const c = process.cpuUsage();
      const item = await (which === 'before' ? before : after).scanVideo(video, { frames: 32 });
      if (item.status !== 'ok') throw new Error(`${which}: scan ended ${item.status}`);
      times[which].push(Math.round(performance.now() - t) / 1000);
      const used = process.cpuUsage(c);
      cpu[which].push(Math.round((used.user + used.system) / 1000) / 1000);
      loads.push(Math.round(loadavg()[0]! * 100) / 100);
      console.error(
        `round ${r + 1} ${which}: ${times[which].at(-1)} s, ${cpu[which].at(-1)} CPU s (load ${loads.at(-1)})`,
      );
    }
  }
} finally {
  before.dispose();
  after.dispose();
}
console.log(
  JSON.stringify({
    precision,
    before_s: times.before,
    after_s: times.after,
    before_median_s: median(times.before),
    after_median_s: median(times.after),
    before_cpu_s: cpu.before,
    after_cpu_s: cpu.after,
    load_avg: loads,
  }),
);
