// The long fuzz run of every parser of outside bytes (the short one is part of `npm test`).
// Usage: npm run fuzz -- [--runs N] [--seed S] [--budget-s T]
// Prints per parser: inputs tried, valid results, typed errors, crashes, hangs (> 1 s), oversized allocations and
// the slowest input; exits 1 if any input crashed, hung or allocated by a declared size, and prints those inputs
// (base64) so each can become a regression test.
import { allTargets, emptyFigures, fuzzTarget, HANG_MS, type TargetFigures } from '../test/fuzz-parsers.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('--runs', 20000);
const seed = arg('--seed', 1);
/** Whole-run time bound: the runs are split evenly, and a parser stops early when its share is spent. */
const budgetS = arg('--budget-s', 300);

const targets = await allTargets();
const shareMs = (budgetS * 1000) / targets.length;
const rows: TargetFigures[] = [];
const t0 = performance.now();
for (const target of targets) {
  const started = performance.now();
  const total = emptyFigures(target.name);
  // in slices, so the time share is checked between them
  for (let done = 0; done < runs && performance.now() - started < shareMs; done += 1000) {
    const f = await fuzzTarget(target, Math.min(1000, runs - done), seed + done);
    for (const k of ['tried', 'valid', 'typed', 'crashes', 'hangs', 'oversized'] as const) total[k] += f[k];
    total.maxMs = Math.max(total.maxMs, f.maxMs);
    total.failures.push(...f.failures.slice(0, 5 - total.failures.length));
  }
  rows.push(total);
  process.stderr.write(
    `${target.name}: ${total.tried} inputs in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

const header = ['parser', 'inputs', 'valid', 'typed errors', 'crashes', 'hangs', 'oversized', 'max ms'];
const table = rows.map((r) => [
  r.name,
  String(r.tried),
  String(r.valid),
  String(r.typed),
  String(r.crashes),
  String(r.hangs),
  String(r.oversized),
  r.maxMs.toFixed(1),
]);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
for (const row of table) console.log(`| ${row.join(' | ')} |`);
console.log(
  `\n${rows.reduce((a, r) => a + r.tried, 0)} inputs in ${((performance.now() - t0) / 1000).toFixed(0)} s ` +
    `(seed ${seed}, hang = over ${HANG_MS} ms, node ${process.version})`,
);
const bad = rows.flatMap((r) => r.failures.map((f) => ({ parser: r.name, ...f })));
for (const f of bad)
  console.log(`\n${f.parser} ${f.outcome}: ${f.error ?? ''}\n  input (base64): ${f.input}`);
process.exitCode = rows.some((r) => r.crashes + r.hangs + r.oversized > 0) ? 1 : 0;
