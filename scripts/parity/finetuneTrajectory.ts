// How far two builds' fine-tuning runs drift apart: records the quickstart's full fine-tuning step by step, or
// compares two recordings. Run `record` once per checkout (same quickstart folder, same seed), then `compare`. A change
// that only reorders float32 arithmetic shows the same drift as any other such change: it starts at one rounding unit
// and grows with every step. Not part of the product.
//
//   node --import tsx scripts/parity/finetuneTrajectory.ts record --quickstart fsvfm-demo --epochs 2 --out /tmp/a
//   node --import tsx scripts/parity/finetuneTrajectory.ts compare /tmp/a /tmp/b
//
// `record` writes <out>/steps.json (every step's training loss) and <out>/epoch-<k>.pth (the weights after epoch k).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openTorchCheckpoint, stateDict } from '../../src/io/torchCheckpoint.js';
import { quickstartConfig } from '../../src/quickstart/quickstartConfig.js';
import { quickstartLayout } from '../../src/quickstart/quickstartLayout.js';
import { detectorFinetuneOptions, transferModes } from '../../src/quickstart/trainDetectors.js';
import { LAST_CHECKPOINT } from '../../src/train/finetune/finetuneRun.js';
import { finetune } from '../../src/train/finetune/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quickstart: { type: 'string' },
    epochs: { type: 'string', default: '2' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string' },
  },
});

async function record(quickstartDir: string, epochs: number, seed: number, out: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  const layout = { ...quickstartLayout(quickstartDir), detector: () => join(out, 'detector') };
  const cfg = quickstartConfig({ quick: false, onlineSbi: true });
  const full = transferModes(cfg).find(([mode]) => mode === 'full');
  if (!full) throw new Error('the quickstart config has no full fine-tuning');
  const pretrained = join(layout.pretrain, `checkpoint-${cfg.pretrain.fixedEpochs! - 1}.pth`);
  const options = detectorFinetuneOptions('full', full[1], cfg.sbiPerTrainImage, pretrained, layout, {
    seed,
    threads: 2,
  });
  const stop = new AbortController();
  const losses: number[] = [];
  await finetune(options, {
    signal: stop.signal,
    onStep: (s) => losses.push(s.loss),
    onEpoch: (e) => {
      copyFileSync(join(out, 'detector', LAST_CHECKPOINT), join(out, `epoch-${e.epoch}.pth`));
      if (e.epoch + 1 >= epochs) stop.abort();
    },
  });
  writeFileSync(join(out, 'steps.json'), JSON.stringify(losses));
  console.log(`${losses.length} steps of ${epochs} epochs → ${out}`);
}

async function weights(file: string): Promise<Map<string, Float32Array>> {
  const ck = await openTorchCheckpoint(file);
  const out = new Map<string, Float32Array>();
  for (const [name, t] of stateDict(ck)) {
    const data = await t.read();
    if (data instanceof Float32Array) out.set(name, data);
  }
  return out;
}

async function compare(a: string, b: string, epochs: number): Promise<void> {
  const steps = (dir: string) => JSON.parse(readFileSync(join(dir, 'steps.json'), 'utf8')) as number[];
  const la = steps(a);
  const lb = steps(b);
  const n = Math.min(la.length, lb.length);
  const first = la.findIndex((x, i) => i < n && x !== lb[i]);
  console.log(`first step whose loss differs: ${first < 0 ? 'none' : first} of ${n}`);
  // the largest relative loss difference in each tenth of the run: the drift's growth
  const tenth = Math.max(1, Math.ceil(n / 10));
  for (let s = 0; s < n; s += tenth) {
    let worst = 0;
    for (let i = s; i < Math.min(n, s + tenth); i++)
      worst = Math.max(worst, Math.abs(la[i]! - lb[i]!) / Math.abs(la[i]!));
    console.log(
      `steps ${s}-${Math.min(n, s + tenth) - 1}: largest relative loss difference ${worst.toExponential(1)}`,
    );
  }
  for (let e = 0; e < epochs; e++) {
    const wa = await weights(join(a, `epoch-${e}.pth`));
    const wb = await weights(join(b, `epoch-${e}.pth`));
    let diff = 0;
    let norm = 0;
    for (const [name, x] of wa) {
      const y = wb.get(name);
      if (!y || y.length !== x.length) throw new Error(`${name}: not in both checkpoints with one shape`);
      for (let i = 0; i < x.length; i++) {
        diff += (x[i]! - y[i]!) ** 2;
        norm += x[i]! ** 2;
      }
    }
    console.log(`weights after epoch ${e}: |A − B| / |A| = ${Math.sqrt(diff / norm).toExponential(2)}`);
  }
}

const [command, ...rest] = positionals;
const epochs = Number(values.epochs);
if (command === 'record' && values.quickstart && values.out)
  await record(values.quickstart, epochs, Number(values.seed), values.out);
else if (command === 'compare' && rest.length === 2) await compare(rest[0]!, rest[1]!, epochs);
else {
  console.error(
    'usage: finetuneTrajectory.ts record --quickstart DIR [--epochs 2] [--seed 0] --out DIR | compare DIR_A DIR_B [--epochs 2]',
  );
  process.exitCode = 2;
}
