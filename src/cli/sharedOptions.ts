// Options that several commands declare with one meaning and one help text (eval, finetune, fas).
import { Option } from 'commander';
import { intArg } from './args.js';

/** `--embed_dim`: a custom size's width, asserted against the checkpoint. */
export const embedDimOption = (): Option =>
  new Option('--embed_dim <n>', 'custom size: asserted against the checkpoint').argParser(
    intArg('--embed_dim'),
  );

/** `--depth`: a custom size's block count, asserted against the checkpoint. */
export const depthOption = (): Option =>
  new Option('--depth <n>', 'custom size: asserted against the checkpoint').argParser(intArg('--depth'));

/** `--dataset_abs_path`: the folder label-file paths are relative to. */
export const datasetAbsPathOption = (): Option =>
  new Option('--dataset_abs_path <dir>', 'prepended to the paths of label files');

/** `--delimiter_in_spilt`: the official name (typo included) of the label-file delimiter. */
export const labelDelimiterOption = (): Option =>
  new Option('--delimiter_in_spilt <d>', "label-file delimiter: ' ', ',' or ', '");

/**
 * The `option:list-recipes` handler of `finetune` / `fas`: prints the recipe table and exits, before the checks of
 * the required flags, like --help.
 */
export const printRecipeTableAndExit = (table: () => string) => (): void => {
  process.stdout.write(`${table()}\n`);
  process.exit(0);
};
