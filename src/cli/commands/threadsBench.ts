// The shape of the benchmarks that take only a thread count (`bench engine`, `bench pretrain`): progress lines
// unless --json, then the result as one JSON line.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { positiveInt } from '../args.js';

export interface ThreadsBench {
  name: string;
  description: string;
  run: (threads: number, log?: (line: string) => void) => Promise<unknown>;
  /** with --profile: a profile run instead of the timing run */
  profile?: (threads: number, log: (line: string) => void) => Promise<unknown>;
}

export function registerThreadsBench(bench: Command, b: ThreadsBench): void {
  const cmd = bench
    .command(b.name)
    .description(b.description)
    .option(
      '--threads <n>',
      'intra-op threads',
      positiveInt('--threads'),
      Math.min(2, availableParallelism()),
    )
    .option('--json', 'print only the JSON result line');
  if (b.profile)
    cmd.option('--profile', "onnxruntime's per-node profile of the step: time by op type, copies, host time");
  cmd.action(async (opts: { threads: number; json?: boolean; profile?: boolean }) => {
    const log = opts.json ? () => {} : (line: string) => console.log(line);
    const result =
      opts.profile && b.profile
        ? await b.profile(opts.threads, log)
        : await b.run(opts.threads, opts.json ? undefined : log);
    console.log(JSON.stringify(result));
  });
}
