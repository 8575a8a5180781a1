// int8 vs fp32 on real/fake crops: for each detector, P(fake) in both precisions on every crop, the largest and
// 95th-percentile |ΔP(fake)|, and the AUC of each.
//   node --import tsx bench/int8Accuracy.ts --crops <dir>... --detector [name=]<checkpoint>[@heads]...
// A crops folder holds class folders: names starting with `real` are real (label 0), any other folder is fake.
// With no --detector, the oracle fixtures' three detectors are measured (custom size, 3 heads).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { resizeRgb } from '../src/data/image/resize.js';
import { decodeImage } from '../src/data/media/index.js';
import { toTensorNormalized } from '../src/data/transforms/normalize.js';
import { ScoringModel } from '../src/detect/scoringModel.js';
import { mannWhitneyAuc } from '../src/eval/auc.js';

interface Crop {
  file: string;
  fake: boolean;
}

function listCrops(dirs: string[]): Crop[] {
  const crops: Crop[] = [];
  for (const dir of dirs)
    for (const cls of readdirSync(dir).sort()) {
      const sub = join(dir, cls);
      if (!statSync(sub).isDirectory()) continue;
      for (const f of readdirSync(sub).sort())
        if (/\.(png|jpe?g)$/i.test(f)) crops.push({ file: join(sub, f), fake: !cls.startsWith('real') });
    }
  return crops;
}

function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
}

async function scoreAll(model: ScoringModel, crops: Crop[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < crops.length; i += model.batch) {
    const chunk = crops.slice(i, i + model.batch);
    const tensors = await Promise.all(
      chunk.map(async (c) => {
        const { image } = await decodeImage(c.file);
        const sized = resizeRgb(image, model.imgSize, model.imgSize, 'bicubic');
        return toTensorNormalized(sized, model.stats);
      }),
    );
    out.push(...(await model.scoreBatch(tensors)));
  }
  return out;
}

const args = process.argv.slice(2);
const take = (flag: string): string[] => {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) if (args[i] === flag && args[i + 1]) out.push(args[++i]!);
  return out;
};
const cropDirs = take('--crops');
if (cropDirs.length === 0)
  throw new Error('give at least one --crops <dir> with real*/ and fake class folders');
const oracle = join(import.meta.dirname, '../../shared/fixtures/oracle-v1/checkpoints');
const detectors = take('--detector');
const specs = (
  detectors.length
    ? detectors
    : ['finetune-vit.pth', 'fsadapter-vit.pth', 'fas-vit.pth.tar'].map((f) => `${f}=${join(oracle, f)}@3`)
).map((d) => {
  const [name, rest] = d.includes('=') ? (d.split('=', 2) as [string, string]) : [d, d];
  const [path, heads] = rest.split('@') as [string, string | undefined];
  return { name, path, numHeads: heads ? Number(heads) : undefined };
});
const crops = listCrops(cropDirs);
const labels = crops.map((c) => (c.fake ? 1 : 0));
console.error(`${crops.length} crops (${labels.filter((l) => l).length} fake) from ${cropDirs.join(', ')}`);
const rows: Record<string, number | string>[] = [];
for (const d of specs) {
  const opts = { batch: 8, ...(d.numHeads ? { numHeads: d.numHeads } : {}) };
  const fp32 = await scoreAll(await ScoringModel.load(d.path, opts), crops);
  const int8 = await scoreAll(await ScoringModel.load(d.path, { ...opts, precision: 'int8' }), crops);
  const delta = fp32.map((p, i) => Math.abs(int8[i]! - p));
  const row = {
    detector: d.name,
    crops: crops.length,
    max_abs_dp: Math.max(...delta),
    p95_abs_dp: percentile(delta, 0.95),
    auc_fp32: mannWhitneyAuc(labels, fp32),
    auc_int8: mannWhitneyAuc(labels, int8),
  };
  rows.push({ ...row, abs_dauc: Math.abs(row.auc_int8 - row.auc_fp32) });
  console.error(
    `${d.name}: max|ΔP| ${row.max_abs_dp.toExponential(2)}, p95 ${row.p95_abs_dp.toExponential(2)}, AUC fp32 ${row.auc_fp32.toFixed(4)} int8 ${row.auc_int8.toFixed(4)}`,
  );
}
console.log(JSON.stringify({ rows }));
