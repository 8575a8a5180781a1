import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type VerifyReport, verifyFixtures } from '../../verify/verifyFixtures.js';
import { UserError } from '../userError.js';

export function registerVerifyFixtures(program: Command): void {
  program
    .command('verify-fixtures')
    .description(
      'reproduce every output recorded by the official PyTorch code in a fixture folder (like oracle-v1)',
    )
    .argument('<dir>', 'fixture folder with checkpoints/, inputs/ and expected/')
    .action(async (dirArg: string) => {
      const dir = resolve(dirArg);
      for (const sub of ['checkpoints', 'inputs', 'expected']) {
        if (!existsSync(join(dir, sub)))
          throw new UserError(
            `${dir} is not a fixture folder: '${sub}/' is missing (expected the layout of oracle-v1)`,
          );
      }
      const report = await verifyFixtures(dir, {
        onSuite: (suite) => process.stderr.write(`verifying ${suite}…\n`),
      });
      const rows = Object.entries(report.checks);
      const width = Math.max(...rows.map(([k]) => k.length));
      for (const [stem, status] of rows) {
        const r = report.results[stem];
        const err = r ? r.worstAbsErr.toExponential(2) : '';
        const why = r ? r.tolerance : (report.skipReasons[stem] ?? skippedParts(report, stem).join('; '));
        console.log(`${status.padEnd(7)} ${stem.padEnd(width)}  ${err.padStart(9)}  ${why}`);
        if (r && !r.pass && r.detail) console.log(`        ${r.detail}`);
        if (r) for (const part of skippedParts(report, stem)) console.log(`        skipped part ${part}`);
      }
      console.log(
        JSON.stringify({
          passed: report.passed,
          failed: report.failed,
          skipped: report.skipped,
          worst: report.worst,
          checks: report.checks,
          skipReasons: report.skipReasons,
        }),
      );
      if (report.passed === 0)
        process.stderr.write(`nothing in ${dir} could be verified: every check lacks its files\n`);
      if (report.failed > 0 || report.passed === 0) process.exitCode = 1;
    });
}

/** `<part>: <reason>` for each part of `stem` that was skipped. */
function skippedParts(report: VerifyReport, stem: string): string[] {
  return Object.entries(report.skipReasons)
    .filter(([id]) => id.startsWith(`${stem}:`))
    .map(([id, why]) => `${id.slice(stem.length + 1)}: ${why}`);
}
