// `fsvfm convert <file> --to <out>`: export the weights of a checkpoint to another format (models/convertCheckpoint).
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type ConvertPart, convertCheckpoint } from '../../models/convertCheckpoint.js';
import { parsePrecision } from '../../models/precision.js';
import { positiveInt } from '../args.js';
import { asUserError } from '../userError.js';

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('export checkpoint weights (.pth or .safetensors) to another format')
    .argument('<file>', 'input checkpoint')
    .requiredOption('--to <out>', 'output file; the extension picks the format (.safetensors, .onnx)')
    .option('--part <part>', 'encoder | detector | all', 'all')
    .option(
      '--num_heads <n>',
      'attention heads, for custom-size models (ONNX export)',
      positiveInt('--num_heads'),
    )
    .option('--batch <n>', 'static batch size of the exported ONNX graph', positiveInt('--batch'), 1)
    .option(
      '--quantize <precision>',
      "ONNX: int8 quantizes the transformer blocks' Linear layers per output channel (fp32 = none)",
      'fp32',
    )
    .option('--json', 'print one JSON object')
    .action(
      async (
        file: string,
        opts: {
          to: string;
          part: string;
          json?: boolean;
          num_heads?: number;
          batch: number;
          quantize: string;
        },
      ) => {
        const bar = process.stderr.isTTY
          ? new SingleBar({ format: 'convert [{bar}] {value}/{total} tensors | ETA {eta}s' })
          : null;
        let r: Awaited<ReturnType<typeof convertCheckpoint>>;
        try {
          r = await convertCheckpoint(file, opts.to, opts.part as ConvertPart, {
            numHeads: opts.num_heads,
            batch: opts.batch,
            precision: parsePrecision(opts.quantize),
            onStart: (n) => bar?.start(n, 0),
            onTensor: () => bar?.increment(),
          });
        } catch (err) {
          throw asUserError(err);
        } finally {
          bar?.stop();
        }
        if (opts.json) console.log(JSON.stringify(r));
        else {
          console.log(
            `wrote ${r.output}: ${r.tensors} tensors, ${r.parameters.toLocaleString('en-US')} parameters (${r.part} of a ${r.kind} ${r.size} model${r.precision ? `, ${r.precision}` : ''})`,
          );
        }
      },
    );
}
