// Loading only the encoder from a large .pth vs reading the whole file, measured in the same run.
// Usage: node --import tsx bench/loadPth.ts [--size S|B|L] [--keep]   (default B: ~1.6 GB ViT-B online checkpoint
// + AdamW state, written to a temp dir and removed afterwards unless --keep)
// Each measurement runs in its own child process so peak RSS (maxRSS) is attributable to it alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PyOrderedDict, PyTuple, type PyValue } from '../src/io/pickleValues.js';
import { openTorchCheckpoint, stateDict } from '../src/io/torchCheckpoint.js';
import { saveTorchCheckpoint, type TensorValue, torchTensor } from '../src/io/torchSave.js';
import { encoderKeys } from '../src/models/checkpointKind.js';
import { type SizeConfig, VIT_SIZES } from '../src/models/sizes.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

/** §2.3(b) key → shape for an online pretraining model of config `c`. */
function onlineShapes(c: SizeConfig): [string, number[], boolean][] {
  const d = c.embedDim;
  const t = (c.imgSize / c.patchSize) ** 2 + 1;
  const out: [string, number[], boolean][] = [];
  const p = (k: string, s: number[], trainable = true) => out.push([k, s, trainable]);
  const block = (prefix: string, w: number) => {
    p(`${prefix}.norm1.weight`, [w]);
    p(`${prefix}.norm1.bias`, [w]);
    p(`${prefix}.attn.qkv.weight`, [3 * w, w]);
    p(`${prefix}.attn.qkv.bias`, [3 * w]);
    p(`${prefix}.attn.proj.weight`, [w, w]);
    p(`${prefix}.attn.proj.bias`, [w]);
    p(`${prefix}.norm2.weight`, [w]);
    p(`${prefix}.norm2.bias`, [w]);
    p(`${prefix}.mlp.fc1.weight`, [4 * w, w]);
    p(`${prefix}.mlp.fc1.bias`, [4 * w]);
    p(`${prefix}.mlp.fc2.weight`, [w, 4 * w]);
    p(`${prefix}.mlp.fc2.bias`, [w]);
  };
  p('cls_token', [1, 1, d]);
  p('pos_embed', [1, t, d], false);
  p('mask_token', [1, 1, d]);
  p('rep_decoder_pos_embed', [1, t, d], false);
  p('decoder_pos_embed', [1, t, 512], false);
  p('patch_embed.proj.weight', [d, 3, c.patchSize, c.patchSize]);
  p('patch_embed.proj.bias', [d]);
  for (let i = 0; i < c.depth; i++) block(`blocks.${i}`, d);
  p('norm.weight', [d]);
  p('norm.bias', [d]);
  for (const head of ['projector', 'predictor']) {
    const inp = head === 'projector' ? d : 256;
    p(`${head}.projection_head.0.weight`, [4096, inp]);
    p(`${head}.projection_head.0.bias`, [4096]);
    p(`${head}.projection_head.1.weight`, [4096]);
    p(`${head}.projection_head.1.bias`, [4096]);
    p(`${head}.projection_head.3.weight`, [256, 4096]);
    p(`${head}.projection_head.3.bias`, [256]);
  }
  p('rep_decoder_embed.weight', [d, d]);
  p('rep_decoder_embed.bias', [d]);
  for (let i = 0; i < 2; i++) block(`rep_decoder_blocks.${i}`, d);
  p('rep_decoder_norm.weight', [d]);
  p('rep_decoder_norm.bias', [d]);
  p('rep_decoder_pred.weight', [d, d]);
  p('rep_decoder_pred.bias', [d]);
  p('decoder_embed.weight', [512, d]);
  p('decoder_embed.bias', [512]);
  for (let i = 0; i < 8; i++) block(`decoder_blocks.${i}`, 512);
  p('decoder_norm.weight', [512]);
  p('decoder_norm.bias', [512]);
  p('decoder_pred.weight', [c.patchSize ** 2 * 3, 512]);
  p('decoder_pred.bias', [c.patchSize ** 2 * 3]);
  return out;
}

const PATTERN = Float32Array.from({ length: 4096 }, (_, i) => ((i * 7919) % 1000) * 1e-4);

/** A tensor whose data is produced only when the writer reaches it (a repeated pattern, shifted by `seed`). */
const filled = (shape: number[], seed: number): TensorValue =>
  torchTensor('float32', shape, async () => {
    const n = shape.reduce((a, b) => a * b, 1);
    const a = new Float32Array(n);
    const first = PATTERN.subarray(seed % 1024);
    a.set(first.subarray(0, Math.min(n, first.length)));
    for (let filledTo = Math.min(n, first.length); filledTo < n; filledTo *= 2)
      a.copyWithin(filledTo, 0, Math.min(filledTo, n - filledTo));
    return a;
  });

async function makeCheckpoint(path: string, c: SizeConfig): Promise<void> {
  const shapes = onlineShapes(c);
  const model = new PyOrderedDict();
  const state = new Map<PyValue, PyValue>();
  let idx = 0;
  shapes.forEach(([k, s, trainable], i) => {
    model.set(k, filled(s, i));
    if (!trainable) return;
    state.set(
      idx++,
      new Map<PyValue, PyValue>([
        ['step', torchTensor('float32', [], new Float32Array([600]))],
        ['exp_avg', filled(s, 1000 + i)],
        ['exp_avg_sq', filled(s, 2000 + i)],
      ]),
    );
  });
  const paramGroups = [
    new Map<PyValue, PyValue>([
      ['lr', 1.5e-4],
      ['betas', PyTuple.fromItems([0.9, 0.95])],
      ['weight_decay', 0.05],
      ['params', [...Array(idx).keys()]],
    ]),
  ];
  await saveTorchCheckpoint(path, {
    model,
    optimizer: new Map<PyValue, PyValue>([
      ['state', state],
      ['param_groups', paramGroups],
    ]),
    epoch: 599,
  });
}

interface Measure {
  mode: string;
  ms: number;
  bytesRead: number;
  maxRssDeltaMiB: number;
  tensors: number;
}

async function child(mode: string, path: string): Promise<Measure> {
  const before = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  let bytesRead: number;
  let tensors: number;
  const keep: unknown[] = [];
  if (mode === 'lazy') {
    const ckpt = await openTorchCheckpoint(path);
    const sd = stateDict(ckpt);
    const keys = encoderKeys(sd.keys());
    for (const k of keys) keep.push(await sd.get(k)!.read());
    bytesRead = ckpt.bytesRead();
    tensors = keys.length;
    ckpt.close();
  } else {
    const buf = readFileSync(path);
    keep.push(buf);
    bytesRead = buf.length;
    tensors = 0;
  }
  const ms = performance.now() - t0;
  const maxRssDeltaMiB = ((process.resourceUsage().maxRSS - before) * 1024) / 2 ** 20;
  return { mode, ms, bytesRead, maxRssDeltaMiB, tensors: tensors || keep.length - 1 };
}

const self = fileURLToPath(import.meta.url);
const childMode = arg('--child');
if (childMode) {
  console.log(JSON.stringify(await child(childMode, arg('--file')!)));
} else {
  const sizeName = (arg('--size') ?? 'B').toUpperCase() as keyof typeof VIT_SIZES;
  const cfg = VIT_SIZES[sizeName];
  if (!cfg) throw new Error('--size must be S, B, L or H');
  const dir = mkdtempSync(join(tmpdir(), 'fsvfm-bench-pth-'));
  try {
    const file = join(dir, 'checkpoint-599.pth');
    const tw = performance.now();
    await makeCheckpoint(file, cfg);
    const fileBytes = statSync(file).size;
    console.log(
      `wrote ViT-${sizeName} online checkpoint + AdamW state: ${(fileBytes / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - tw) / 1000).toFixed(1)} s`,
    );
    const run = (mode: string): Measure => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, '--file', file], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
    };
    run('whole'); // warm the page cache so both modes read from memory
    const lazy = run('lazy');
    const whole = run('whole');
    for (const m of [lazy, whole]) {
      console.log(
        `${m.mode === 'lazy' ? 'encoder only (lazy)' : 'whole file (baseline)'}: read ${(m.bytesRead / 2 ** 20).toFixed(0)} MiB of ${(fileBytes / 2 ** 20).toFixed(0)} MiB in ${m.ms.toFixed(0)} ms, peak RSS +${m.maxRssDeltaMiB.toFixed(0)} MiB`,
      );
    }
    console.log(
      JSON.stringify({
        bench: 'loadPth',
        size: sizeName,
        fileBytes,
        encoderTensors: lazy.tensors,
        lazy: {
          bytesRead: lazy.bytesRead,
          ms: Math.round(lazy.ms),
          maxRssDeltaMiB: Math.round(lazy.maxRssDeltaMiB),
        },
        whole: {
          bytesRead: whole.bytesRead,
          ms: Math.round(whole.ms),
          maxRssDeltaMiB: Math.round(whole.maxRssDeltaMiB),
        },
        bytesRatio: +(lazy.bytesRead / whole.bytesRead).toFixed(4),
        timeRatio: +(lazy.ms / whole.ms).toFixed(3),
        rssRatio: +(lazy.maxRssDeltaMiB / whole.maxRssDeltaMiB).toFixed(3),
      }),
    );
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.error(`kept ${dir}`);
  }
}
