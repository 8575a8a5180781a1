// `fsvfm doctor <dir>`: validates a prepared dataset folder; exit status 1 when it has errors.
import type { Command } from 'commander';
import { doctorDataset, formatDoctorReport } from '../../data/datasets/index.js';
import { UserError } from '../userError.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'check a dataset folder: unreadable images, empty classes, class-id order, frames per video, parsing maps',
    )
    .argument('<dir>', 'dataset folder (pretrain layout, or class folders optionally under train/val/test)')
    .option('--json', 'print the report as one JSON object')
    .action(async (dir: string, o: { json?: boolean }) => {
      let report: Awaited<ReturnType<typeof doctorDataset>>;
      try {
        report = await doctorDataset(dir);
      } catch (err) {
        throw new UserError(`${(err as Error).message}; give a dataset folder`);
      }
      console.log(o.json ? JSON.stringify(report) : formatDoctorReport(report));
      if (report.errors > 0) process.exitCode = 1;
    });
}
