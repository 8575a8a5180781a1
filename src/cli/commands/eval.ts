// `fsvfm eval`: a fine-tuned detector on a protocol's test sets (DfD, DiFF, FAS MCIO / WCS); writes the official
// test_results.txt / performance.csv, result.json, report.html and scores.csv.
import type { Command } from 'commander';
import { isEvalTransformName } from '../../data/transforms/evalTransforms.js';
import { evaluate, PROTOCOLS, type ProtocolName } from '../../eval/protocols/index.js';
import {
  NO_FACE_POLICIES,
  type NoFacePolicy,
  VIDEO_AGGREGATIONS,
  type VideoAggregation,
} from '../../eval/videoAggregation.js';
import { isPrecision, PRECISIONS, type Precision } from '../../models/precision.js';
import { intArg } from '../args.js';
import { interruptOnSigint } from '../interrupt.js';
import { jpegQualityArg } from '../jpegQualityArg.js';
import { datasetAbsPathOption, depthOption, embedDimOption, labelDelimiterOption } from '../sharedOptions.js';
import { terminalProgressBar } from '../terminalProgressBar.js';
import { asUserError, UserError } from '../userError.js';

interface EvalFlags {
  protocol: string;
  model: string;
  data: string[];
  config?: string;
  out: string;
  transform: string;
  aggregate: string;
  /** commander stores `--no-face <policy>` as `face` */
  face: string;
  batchSize: number;
  arch?: string;
  num_heads?: number;
  embed_dim?: number;
  depth?: number;
  dataset_abs_path?: string;
  delimiter_in_spilt?: string;
  bootstrap?: number;
  jpeg_quality?: number;
  person_id?: string;
  threads?: number;
  precision: string;
  progress?: boolean;
}

function parsePrecisionFlag(p: string): Precision {
  if (!isPrecision(p)) throw new UserError(`--precision must be one of ${PRECISIONS.join(', ')}, got '${p}'`);
  return p;
}

async function runEvalCommand(f: EvalFlags): Promise<void> {
  if (!(PROTOCOLS as readonly string[]).includes(f.protocol))
    throw new UserError(`--protocol must be one of ${PROTOCOLS.join(', ')}, got '${f.protocol}'`);
  if (!isEvalTransformName(f.transform))
    throw new UserError(`--transform must be resize or resize256-centercrop224, got '${f.transform}'`);
  if (!(VIDEO_AGGREGATIONS as readonly string[]).includes(f.aggregate))
    throw new UserError(`--aggregate must be one of ${VIDEO_AGGREGATIONS.join(', ')}, got '${f.aggregate}'`);
  if (!(NO_FACE_POLICIES as readonly string[]).includes(f.face))
    throw new UserError(`--no-face must be one of ${NO_FACE_POLICIES.join(', ')}, got '${f.face}'`);
  const stop = interruptOnSigint('stopping after the current batch');
  const bar = terminalProgressBar(f.progress !== false, {
    format: '{set} |{bar}| {value}/{total} images | ETA {eta_formatted}',
    etaBuffer: 20,
  });
  try {
    const r = await evaluate(
      {
        protocol: f.protocol as ProtocolName,
        checkpoint: f.model,
        data: f.data,
        config: f.config,
        out: f.out,
        transform: f.transform,
        aggregate: f.aggregate as VideoAggregation,
        noFace: f.face as NoFacePolicy,
        batchSize: f.batchSize,
        model: f.arch,
        numHeads: f.num_heads,
        embedDim: f.embed_dim,
        depth: f.depth,
        datasetAbsPath: f.dataset_abs_path,
        delimiter: f.delimiter_in_spilt as ' ' | ',' | ', ' | undefined,
        bootstrap: f.bootstrap,
        ...(f.jpeg_quality ? { jpegQuality: f.jpeg_quality } : {}),
        ...(f.person_id ? { personId: f.person_id } : {}),
        runtime: f.threads ? { threads: f.threads } : {},
        precision: parsePrecisionFlag(f.precision),
        signal: stop.signal,
      },
      {
        onLog: (l) => process.stderr.write(`${l}\n`),
        onSetStart: (s) => {
          bar?.stop();
          bar?.start(s.images, 0, { set: s.name });
          if (!bar) process.stderr.write(`evaluating ${s.name} (${s.images} images)\n`);
        },
        onProgress: (p) => bar?.update(p.done, { set: p.set }),
      },
    );
    bar?.stop();
    for (const s of r.result.sets) {
      const m = s.summary;
      process.stderr.write(
        `${s.name} [${s.level}] n=${m.n}: AUC ${(100 * m.auc).toFixed(2)}%, EER ${(100 * m.eer).toFixed(2)}%, HTER ${(100 * m.hter.hter).toFixed(2)}% (${m.hter.thresholdSource}), TPR@FPR=1% ${(100 * m.tprAtFpr1).toFixed(2)}%\n`,
      );
    }
    if (r.unreadable.length)
      process.stderr.write(
        `warning: ${r.unreadable.length} image(s) could not be read (see result.json notes)\n`,
      );
    process.stdout.write(
      `${JSON.stringify({ files: r.files, detector: r.detector, official: r.official })}\n`,
    );
  } catch (err) {
    bar?.stop();
    throw asUserError(err);
  } finally {
    stop.dispose();
  }
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate a fine-tuned detector with a paper protocol (dfd, diff, fas-mcio, fas-wcs)')
    .requiredOption('--protocol <name>', PROTOCOLS.join(' | '))
    .requiredOption(
      '--model <checkpoint>',
      'detector checkpoint (checkpoint-min_val_loss.pth, FAS .pth.tar, .safetensors)',
    )
    .requiredOption(
      '--data <paths...>',
      'dfd/diff: test roots (<root>/test/{real,fake} or the class folders) or label files, [name=]path; fas: the MCIO / WCS root (txt/ + frame/) or class folders',
    )
    .option('--config <target>', 'fas: target domain M | C | I | O (MCIO) or cefa | surf | wmca (WCS)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--transform <name>', 'resize (test scripts) | resize256-centercrop224', 'resize')
    .option('--aggregate <how>', `frame → video score: ${VIDEO_AGGREGATIONS.join(' | ')}`, 'mean')
    .option('--no-face <policy>', `unreadable frames: ${NO_FACE_POLICIES.join(' | ')}`, 'skip')
    .option('--batch-size <n>', 'images per forward pass', intArg('--batch-size'), 32)
    .option(
      '--arch <name>',
      'vit_small_patch16 | … | custom: asserted against the checkpoint (default: read from it)',
    )
    .option('--num_heads <n>', 'attention heads for custom sizes', intArg('--num_heads'))
    .addOption(embedDimOption())
    .addOption(depthOption())
    .addOption(datasetAbsPathOption())
    .addOption(labelDelimiterOption())
    .option(
      '--person_id <regex>',
      "per-person AUC next to the pooled one: the person of a sample is the first capture group of this regular expression on its video id (e.g. '^(\\d+)' for FF++ ids; no match: the video id)",
    )
    .option(
      '--jpeg_quality <q>',
      'JPEG-compress every test image at quality q (1–100) before scoring, for robustness figures (default: as stored)',
      jpegQualityArg,
    )
    .option('--bootstrap <n>', 'bootstrap resamples for AUC / EER intervals', intArg('--bootstrap'))
    .option('--threads <n>', 'onnxruntime intra-op threads', intArg('--threads'))
    .option('--precision <p>', `model arithmetic: ${PRECISIONS.join(' | ')}`, 'fp32')
    .option('--no-progress', 'no progress bar')
    .action(runEvalCommand);
}
