import { availableParallelism, cpus, totalmem } from 'node:os';
import type { Command } from 'commander';
import ort from 'onnxruntime-node';
import { packageVersion } from '../version.js';

export interface EngineInfo {
  fsvfm: string;
  node: string;
  onnxruntime: string;
  backends: string[];
  defaultProvider: string;
  threads: number;
  cpu: string;
  memoryGiB: number;
}

export function engineInfo(): EngineInfo {
  const backends = ort.listSupportedBackends().map((b) => b.name);
  return {
    fsvfm: packageVersion(),
    node: process.version,
    onnxruntime: ort.env.versions.node ?? ort.env.versions.common,
    backends,
    defaultProvider: 'cpu',
    threads: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('versions, execution backend, threads and the onnxruntime providers available')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) => {
      const info = engineInfo();
      if (opts.json) {
        console.log(JSON.stringify(info));
        return;
      }
      console.log(`fsvfm        ${info.fsvfm}`);
      console.log(`node         ${info.node}`);
      console.log(`onnxruntime  ${info.onnxruntime} (providers: ${info.backends.join(', ')})`);
      console.log(`backend      ${info.defaultProvider}, ${info.threads} threads`);
      console.log(`cpu          ${info.cpu}, ${info.memoryGiB} GiB`);
    });
}
