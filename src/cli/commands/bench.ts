// `fsvfm bench <what>`: speed measurements. Each benchmark is a small module registering one subcommand
// on the `bench` command; add new ones to `benchModules`.
import type { Command } from 'commander';
import { registerBenchEngine } from './benchEngine.js';
import { registerBenchFaces } from './benchFaces.js';
import { registerBenchPretrain } from './benchPretrain.js';
import { registerBenchScan } from './benchScan.js';

export type RegisterBenchCommand = (bench: Command) => void;

export const benchModules: RegisterBenchCommand[] = [
  registerBenchEngine,
  registerBenchFaces,
  registerBenchPretrain,
  registerBenchScan,
];

export function registerBench(program: Command): void {
  const bench = program
    .command('bench')
    .description('measure speed; each subcommand prints a JSON object as its last line');
  for (const register of benchModules) register(bench);
}
