// Entry point of the `fsvfm` command: builds the commander program from the command modules.
import { Command, CommanderError } from 'commander';
import { commandModules } from './commands/index.js';
import { UserError } from './userError.js';
import { packageVersion } from './version.js';

const program = new Command();
program
  .name('fsvfm')
  .description('FS-VFM: the face-security vision foundation model, in TypeScript')
  .version(packageVersion())
  .exitOverride()
  .showHelpAfterError('(run `fsvfm --help` for the list of commands)');
for (const register of commandModules) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof UserError) {
    console.error(`fsvfm: ${err.message}`);
    process.exit(err.exitCode);
  }
  console.error(`fsvfm: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(70);
}
