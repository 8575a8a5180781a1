// `fsvfm inspect <file>`: what a checkpoint is (format, kind, size, counts, dtypes, stats file) without loading it.
import type { Command } from 'commander';
import { NORM_STATS_FILE } from '../../io/normStats.js';
import { type InspectReport, inspectCheckpoint } from '../../models/inspectCheckpoint.js';
import { asUserError } from '../userError.js';

function printReport(r: InspectReport): void {
  const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
  console.log(`file         ${r.file} (${r.format}, ${mb(r.fileSize)})`);
  if (r.archiveFolder !== undefined)
    console.log(`archive      ${r.archiveFolder}/ (format version ${r.formatVersion ?? '?'})`);
  if (r.topLevelKeys) console.log(`top-level    ${r.topLevelKeys.join(', ')}`);
  if (r.epoch !== undefined && r.epoch !== null) console.log(`epoch        ${r.epoch} (0-based)`);
  if (r.metadata && Object.keys(r.metadata).length) console.log(`metadata     ${JSON.stringify(r.metadata)}`);
  const c = r.config;
  const shape = c
    ? `D=${c.embedDim}, depth ${c.depth}, heads ${c.numHeads ?? '?'}, patch ${c.patchSize}, img ${c.imgSize}`
    : '';
  console.log(
    `model        ${r.kind}, size ${r.size}${shape ? ` (${shape})` : ''}${r.prefix ? `, prefix '${r.prefix}'` : ''}`,
  );
  if (r.globalPool !== null)
    console.log(`pooling      ${r.globalPool ? 'global average (fc_norm)' : 'CLS token (norm)'}`);
  console.log(`tensors      ${r.tensors}, parameters ${r.parameters.toLocaleString('en-US')}`);
  console.log(
    `dtypes       ${Object.entries(r.dtypes)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ')}`,
  );
  const s = r.normStats;
  console.log(
    `norm stats   ${s.present ? (s.valid ? s.path : `${s.path} is malformed: ${s.error}`) : `none beside the file (${NORM_STATS_FILE})`}`,
  );
  for (const n of r.notes) console.log(`${n.level === 'warning' ? 'warning' : 'note   '}      ${n.message}`);
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description(
      'describe a checkpoint (.pth or .safetensors): kind, size, tensors, parameters, epoch, norm stats',
    )
    .argument('<file>', 'checkpoint file')
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts: { json?: boolean }) => {
      const report = await inspectCheckpoint(file).catch((err: unknown) => {
        throw asUserError(err);
      });
      if (opts.json) console.log(JSON.stringify(report));
      else printReport(report);
    });
}
