// fsvfm's inference speed against the PyTorch yardstick, measured in one run on the same cores:
//   node --import tsx bench/yardstick.ts [--python <python with torch>] [--threads 2] [--torch-ref <torch_ref.py>]
// Without --python only fsvfm's figures are printed. PyTorch is a yardstick here, never a dependency of fsvfm.
// Prints one line per figure, then one JSON object with fsvfm's figures, PyTorch's, and the ratios
// fsvfm / PyTorch (> 1: fsvfm is faster).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { vitForwardImagesPerSecond } from '../src/benchmarks/engineBench.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const threads = Number(flag('--threads') ?? 2);
const python = flag('--python');
const torchRef = flag('--torch-ref') ?? join(import.meta.dirname, '../../shared/bench/torch_ref.py');

const fsvfm: Record<string, number> = {};
for (const [size, batch, precision, fused, key] of [
  ['S', 1, 'fp32', false, 'vit_s16_b1_img_s'],
  ['S', 1, 'fp32', true, 'vit_s16_b1_fused_img_s'],
  ['S', 1, 'int8', false, 'vit_s16_b1_int8_img_s'],
  ['B', 8, 'fp32', false, 'vit_b16_b8_img_s'],
  ['B', 8, 'fp32', true, 'vit_b16_b8_fused_img_s'],
  ['B', 8, 'int8', false, 'vit_b16_b8_int8_img_s'],
] as const) {
  fsvfm[key] = await vitForwardImagesPerSecond(size, batch, threads, false, precision, fused);
  console.log(
    `fsvfm ViT-${size}/16 batch ${batch} ${precision}${fused ? ' fused' : ''}: ${fsvfm[key]!.toFixed(2)} img/s`,
  );
}

let torch: Record<string, number | string> | null = null;
if (python) {
  if (!existsSync(torchRef))
    throw new Error(`the PyTorch yardstick script is not at ${torchRef}; give --torch-ref`);
  const r = spawnSync(python, [torchRef, 'modes'], {
    encoding: 'utf8',
    env: { ...process.env, THREADS: String(threads) },
  });
  if (r.status !== 0) throw new Error(`${python} ${torchRef} modes failed:\n${r.stderr}`);
  torch = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number | string>;
  console.log(`PyTorch ${torch.torch}, ${torch.threads} threads:`);
  for (const [k, v] of Object.entries(torch))
    if (typeof v === 'number' && k !== 'threads') console.log(`  ${k}: ${v.toFixed(2)} img/s`);
}

const ratios: Record<string, number> = {};
if (torch) {
  const t = (k: string): number => Number(torch![k]);
  for (const [shape, ours] of [
    ['vit_s16_b1', 'vit_s16_b1'],
    ['vit_b16_b8', 'vit_b16_b8'],
  ] as const) {
    const fastest = Math.max(t(`${shape}_img_s_fp32`), t(`${shape}_img_s_bf16`), t(`${shape}_img_s_int8`));
    ratios[`${ours}_fp32_vs_torch_fp32`] = fsvfm[`${ours}_img_s`]! / t(`${shape}_img_s_fp32`);
    ratios[`${ours}_fused_vs_torch_fp32`] = fsvfm[`${ours}_fused_img_s`]! / t(`${shape}_img_s_fp32`);
    for (const mode of ['fp32', 'bf16', 'int8'])
      ratios[`${ours}_int8_vs_torch_${mode}`] = fsvfm[`${ours}_int8_img_s`]! / t(`${shape}_img_s_${mode}`);
    ratios[`${ours}_int8_vs_torch_fastest`] = fsvfm[`${ours}_int8_img_s`]! / fastest;
  }
  for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v.toFixed(2)}×`);
}
console.log(JSON.stringify({ threads, fsvfm, torch, ratios }));
