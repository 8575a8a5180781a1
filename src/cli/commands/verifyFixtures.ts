import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { verifyFixtures } from '../../verify/verifyFixtures.js';
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
      const report = await verifyFixtures(dir, (suite) => process.stderr.write(`verifying ${suite}…\n`));
      const rows = Object.entries(report.checks);
      const width = Math.max(...rows.map(([k]) => k.length));
      for (const [stem, status] of rows) {
        const r = report.results[stem];
        const err = r ? r.worstAbsErr.toExponential(2) : '';
        console.log(
          `${status.padEnd(7)} ${stem.padEnd(width)}  ${err.padStart(9)}  ${r?.tolerance ?? ''}${r && !r.pass && r.detail ? `\n        ${r.detail}` : ''}`,
        );
      }
      console.log(
        JSON.stringify({
          passed: report.passed,
          failed: report.failed,
          worst: report.worst,
          checks: report.checks,
        }),
      );
      if (report.failed > 0) process.exitCode = 1;
    });
}
