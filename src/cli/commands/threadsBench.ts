// The shape of the benchmarks that take only a thread count (`bench engine`, `bench pretrain`): progress lines
// unless --json, then the result as one JSON line.
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { positiveInt } from '../args.js';

export interface ThreadsBench {
  name: string;
  description: string;
  run: (threads: number, log?: (line: string) => void) => Promise<unknown>;
}

export function registerThreadsBench(bench: Command, b: ThreadsBench): void {
  bench
    .command(b.name)
    .description(b.description)
    .option(
      '--threads <n>',
      'intra-op threads',
      positiveInt('--threads'),
      Math.min(2, availableParallelism()),
    )
    .option('--json', 'print only the JSON result line')
    .action(async (opts: { threads: number; json?: boolean }) => {
      const result = await b.run(opts.threads, opts.json ? undefined : (line) => console.log(line));
      console.log(JSON.stringify(result));
    });
}
