// The long soak of `fsvfm serve` (a short one is part of `npm test`): a real server as a child process on a free
// loopback port, a bounded mix of clients, then the figures for the README.
// Usage: npm run soak -- [--minutes N] [--clients C] [--seed S] [--json]
// Exits 1 when a valid request was answered wrongly, a status outside the documented ones came back, RSS ended more
// than 10 % away from its post-warm-up level, or an upload's temp folder was left behind.
import { runSoak, SOAK_KINDS } from '../test/soak-service.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg('--minutes', 3);
if (!(minutes > 0 && minutes <= 60)) throw new Error(`--minutes must be in (0, 60], got ${minutes}`);
const json = process.argv.includes('--json');

const report = await runSoak({
  durationMs: minutes * 60_000,
  clients: arg('--clients', 4),
  seed: arg('--seed', 1),
  log: (l) => console.error(l),
});
if (json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `soak: ${report.requests} requests (warm-up and load; latencies from the ${report.durationS.toFixed(0)} s of load)`,
  );
  console.log('| kind | requests | outcomes | wrong | p50 ms | p99 ms |');
  console.log('|---|---:|---|---:|---:|---:|');
  for (const k of SOAK_KINDS) {
    const f = report.kinds[k];
    const outcomes = Object.entries(f.outcomes)
      .map(([o, n]) => `${o}: ${n}`)
      .join(', ');
    console.log(
      `| ${k} | ${f.requests} | ${outcomes} | ${f.wrong} | ${f.p50Ms.toFixed(0)} | ${f.p99Ms.toFixed(0)} |`,
    );
  }
  const h = report.health;
  console.log(
    `/health under load: ${h.probes} probes, p50 ${h.p50Ms.toFixed(1)} ms, p99 ${h.p99Ms.toFixed(1)} ms, max ${h.maxMs.toFixed(1)} ms, failed ${h.failed}`,
  );
  const i = report.healthIdle;
  console.log(
    `/health with the server idle (before the load): ${i.probes} probes, p50 ${i.p50Ms.toFixed(1)} ms, p99 ${i.p99Ms.toFixed(1)} ms, max ${i.maxMs.toFixed(1)} ms`,
  );
  const r = report.rss;
  console.log(
    `RSS: ${r.afterWarmupMb.toFixed(0)} MB after warm-up, peak ${r.peakMb.toFixed(0)} MB, ${r.endMb.toFixed(0)} MB at the end (${r.changePct >= 0 ? '+' : ''}${r.changePct.toFixed(1)} %); trend ${r.trendMb.join(' → ')} MB`,
  );
  console.log(
    `temp files left: ${report.tempFilesLeft}; undocumented statuses: ${JSON.stringify(report.undocumented)}`,
  );
  for (const f of report.failures) console.log(`FAIL ${f}`);
  console.log(report.ok ? 'soak passed' : 'soak FAILED');
}
process.exit(report.ok ? 0 : 1);
