// Engine speed: ViT forward passes and one MAE training step, with a pure-TypeScript matmul measured in the same
// run as the baseline the engine replaces.

import { compile, Graph, gemm, type HostTensor } from '../graph/index.js';
import { encoderConfig } from '../models/encoderConfig.js';
import { fsvfmEncoder, pixelDecoder } from '../models/fsvfmPretrain.js';
import { inferenceWeights } from '../models/int8Weights.js';
import { maskIndices } from '../models/maskIndices.js';
import { loweringFor, type Precision } from '../models/precision.js';
import { vitSize } from '../models/sizes.js';
import { type ClassifierConfig, vitClassifier } from '../models/vitClassifier.js';
import { seededRandom } from '../nn/random.js';
import { Scope } from '../nn/scope.js';
import { initStateDict } from '../nn/stateDict.js';
import { GraphTrainer, type OptimizerPlacement } from '../train/graphTrainer.js';
import { reconstructionLosses } from '../train/losses/reconstructionLoss.js';
import { weightDecayGroups } from '../train/paramGroups.js';
import { medianMs } from './medianTime.js';

export interface EngineBenchResult {
  vit_s16_b1_img_s: number;
  vit_s16_b8_img_s: number;
  vit_b16_b1_img_s: number;
  vit_b16_b8_img_s: number;
  /** the same forwards with the transformer blocks' Linear layers in int8 (scan/eval/convert --precision int8) */
  vit_s16_b1_int8_img_s: number;
  vit_b16_b8_int8_img_s: number;
  /** fp32 forwards with onnxruntime's fused Attention and SkipLayerNormalization kernels */
  vit_s16_b1_fused_img_s: number;
  vit_b16_b8_fused_img_s: number;
  mae_s16_b8_step_ms: number;
  /** the same step with AdamW and clipping as onnxruntime ops inside the step graph instead of on the host */
  mae_s16_b8_step_ms_graph_optimizer: number;
  /** ViT-S/16 batch 1 with spinning thread pools (faster on an idle machine, slower when cores are shared) */
  vit_s16_b1_img_s_spinning: number;
  onnxruntime_sgemm_gflops: number;
  /** the ViT-B MLP-shaped Gemm rate that bounds every ViT forward on this machine */
  vit_gemm_gflops: number;
  typescript_sgemm_gflops: number;
  sgemm_speedup: number;
  threads: number;
}

function randomImages(b: number, size: number): HostTensor {
  const rng = seededRandom(1);
  const data = new Float32Array(b * 3 * size * size);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { dtype: 'float32', shape: [b, 3, size, size], data };
}

/**
 * Forward images/s of a ViT classifier with weights baked in as initializers (how detectors are exported and
 * scanned), in the given precision.
 */
export async function vitForwardImagesPerSecond(
  size: 'S' | 'B',
  batch: number,
  threads: number,
  spinning = false,
  precision: Precision = 'fp32',
  fused = false,
): Promise<number> {
  const cfg: ClassifierConfig = { ...encoderConfig(vitSize(size)), numClasses: 2, globalPool: true };
  const trace = (p: Precision, f: boolean) => {
    const g = new Graph();
    const lowering = loweringFor(p, f);
    const s = Scope.root(g, { training: false, ...(lowering ? { inference: lowering } : {}) });
    const images = g.input('images', 'float32', [batch, 3, 224, 224]);
    return { s, logits: vitClassifier(s, images, cfg).logits };
  };
  const plain = trace('fp32', false);
  const weights = initStateDict(plain.s.registry.list(), seededRandom(0));
  const run = precision === 'fp32' && !fused ? plain : trace(precision, fused);
  const exe = await compile(
    { logits: run.logits },
    { spinning, threads, initializers: inferenceWeights(run.s.registry.list(), weights) },
  );
  const feeds = { images: randomImages(batch, 224) };
  const ms = await medianMs(() => exe.run(feeds), 3, 3000);
  return (batch * 1000) / ms;
}

/** ViT-S/16 encoder on 49 of 196 tokens + 8-block 512-wide pixel decoder, batch 8, one AdamW step. */
export async function maeStepMs(threads: number, placement: OptimizerPlacement = 'host'): Promise<number> {
  const size = vitSize('S');
  const enc = encoderConfig(size);
  const B = 8;
  const L = 196;
  const nKeep = 49;
  const g = new Graph();
  const s = Scope.root(g, { training: true });
  const images = g.input('images', 'float32', [B, 3, 224, 224]);
  const idsKeep = g.input('idsKeep', 'int64', [B, nKeep]);
  const idsRestore = g.input('idsRestore', 'int64', [B, L]);
  const mask = g.input('mask', 'float32', [B, L]);
  const latent = fsvfmEncoder(s, images, enc, idsKeep);
  const pred = pixelDecoder(s, latent, size, enc, idsRestore);
  const loss = reconstructionLosses(images, pred, mask, mask, enc.patch, true).all;
  const rng = seededRandom(2);
  const specs = s.registry.list();
  const trainable = (n: string) => s.registry.specs.get(n)?.trainable ?? false;
  const trainer = await GraphTrainer.create(
    {
      loss,
      registry: s.registry,
      groups: weightDecayGroups(specs, 0.05, trainable),
      optimizer: { kind: 'adamw', config: { beta1: 0.9, beta2: 0.95, eps: 1e-8 } },
      clipGrad: 1,
    },
    { params: initStateDict(specs, rng) },
    { rng, threads, placement },
  );
  const m = new Float32Array(B * L);
  for (let b = 0; b < B; b++) for (let k = nKeep; k < L; k++) m[b * L + ((k * 37) % L)] = 1;
  const idx = maskIndices(m, B, L, nKeep);
  const batch: Record<string, HostTensor> = {
    images: randomImages(B, 224),
    idsKeep: { dtype: 'int64', shape: [B, nKeep], data: idx.idsKeep },
    idsRestore: { dtype: 'int64', shape: [B, L], data: idx.idsRestore },
    mask: { dtype: 'float32', shape: [B, L], data: m },
  };
  return medianMs(() => trainer.step(batch, { lr: 1e-4 }), 3, 4000);
}

/** GFLOP/s of an n×n×n float32 matmul: onnxruntime vs a cache-blocked pure-TypeScript loop. */
export async function sgemmGflops(n: number, threads: number): Promise<{ ort: number; ts: number }> {
  const g = new Graph();
  const a = g.input('a', 'float32', [n, n]);
  const b = g.input('b', 'float32', [n, n]);
  const { matmul } = await import('../graph/index.js');
  const exe = await compile({ c: matmul(a, b) }, { threads });
  const rng = seededRandom(3);
  const A = Float32Array.from({ length: n * n }, () => rng.uniform());
  const Bm = Float32Array.from({ length: n * n }, () => rng.uniform());
  const flops = 2 * n * n * n;
  const ortMs = await medianMs(() => exe.run({ a: A, b: Bm }), 3, 1500);
  const C = new Float32Array(n * n);
  const tsMs = await medianMs(
    async () => {
      C.fill(0);
      for (let i = 0; i < n; i++) {
        const ci = i * n;
        for (let k = 0; k < n; k++) {
          const aik = A[ci + k]!;
          const bk = k * n;
          for (let j = 0; j < n; j++) C[ci + j]! += aik * Bm[bk + j]!;
        }
      }
    },
    2,
    1500,
  );
  return { ort: flops / ortMs / 1e6, ts: flops / tsMs / 1e6 };
}

/**
 * GFLOP/s of one ViT-B/16 MLP-shaped product (1576×768 activations × 768→3072 weights, transposed, as an
 * initializer): the rate every ViT forward here is bounded by.
 */
export async function vitGemmGflops(threads: number): Promise<number> {
  const [m, k, n] = [1576, 768, 3072];
  const rng = seededRandom(4);
  const g = new Graph();
  const x = g.input('x', 'float32', [m, k]);
  const y = gemm(x, g.param('w', [n, k]), { transB: true });
  const w = Float32Array.from({ length: n * k }, () => rng.uniform() - 0.5);
  const exe = await compile({ y }, { threads, initializers: new Map([['w', w]]) });
  const xs = Float32Array.from({ length: m * k }, () => rng.uniform() - 0.5);
  const ms = await medianMs(() => exe.run({ x: xs }), 5, 1500);
  return (2 * m * k * n) / ms / 1e6;
}

export async function runEngineBench(
  threads: number,
  log: (line: string) => void = () => {},
): Promise<EngineBenchResult> {
  const sg = await sgemmGflops(512, threads);
  const vitGemm = await vitGemmGflops(threads);
  log(
    `ViT-B MLP-shaped Gemm (1576×768 · 768→3072): ${vitGemm.toFixed(0)} GFLOP/s — the bound of a ViT-B/16 batch-8 forward (282 GFLOP) is ${((8 * vitGemm) / 282).toFixed(2)} img/s`,
  );
  log(
    `sgemm 512³: onnxruntime ${sg.ort.toFixed(1)} GFLOP/s, TypeScript ${sg.ts.toFixed(1)} GFLOP/s (${(sg.ort / sg.ts).toFixed(1)}×)`,
  );
  const r: Partial<EngineBenchResult> = {};
  for (const [size, batch, key] of [
    ['S', 1, 'vit_s16_b1_img_s'],
    ['S', 8, 'vit_s16_b8_img_s'],
    ['B', 1, 'vit_b16_b1_img_s'],
    ['B', 8, 'vit_b16_b8_img_s'],
  ] as const) {
    r[key] = await vitForwardImagesPerSecond(size, batch, threads);
    log(`ViT-${size}/16 forward, batch ${batch}: ${r[key]!.toFixed(2)} img/s`);
  }
  for (const [size, batch, key] of [
    ['S', 1, 'vit_s16_b1_int8_img_s'],
    ['B', 8, 'vit_b16_b8_int8_img_s'],
  ] as const) {
    r[key] = await vitForwardImagesPerSecond(size, batch, threads, false, 'int8');
    log(`ViT-${size}/16 forward, batch ${batch}, int8: ${r[key]!.toFixed(2)} img/s`);
  }
  for (const [size, batch, key] of [
    ['S', 1, 'vit_s16_b1_fused_img_s'],
    ['B', 8, 'vit_b16_b8_fused_img_s'],
  ] as const) {
    r[key] = await vitForwardImagesPerSecond(size, batch, threads, false, 'fp32', true);
    log(`ViT-${size}/16 forward, batch ${batch}, fp32 fused kernels: ${r[key]!.toFixed(2)} img/s`);
  }
  const spinning = await vitForwardImagesPerSecond('S', 1, threads, true);
  log(`ViT-S/16 forward, batch 1, spinning thread pool: ${spinning.toFixed(2)} img/s`);
  const mae = await maeStepMs(threads, 'host');
  const maeGraph = await maeStepMs(threads, 'graph');
  log(
    `MAE ViT-S/16 step (49/196 tokens, 8×512 decoder, batch 8, AdamW on the host in WebAssembly): ${mae.toFixed(0)} ms; AdamW in the graph ${maeGraph.toFixed(0)} ms (${(maeGraph / mae).toFixed(2)}×)`,
  );
  return {
    ...(r as Pick<
      EngineBenchResult,
      | 'vit_s16_b1_img_s'
      | 'vit_s16_b8_img_s'
      | 'vit_b16_b1_img_s'
      | 'vit_b16_b8_img_s'
      | 'vit_s16_b1_int8_img_s'
      | 'vit_b16_b8_int8_img_s'
      | 'vit_s16_b1_fused_img_s'
      | 'vit_b16_b8_fused_img_s'
    >),
    mae_s16_b8_step_ms: mae,
    mae_s16_b8_step_ms_graph_optimizer: maeGraph,
    vit_s16_b1_img_s_spinning: spinning,
    onnxruntime_sgemm_gflops: sg.ort,
    vit_gemm_gflops: vitGemm,
    typescript_sgemm_gflops: sg.ts,
    sgemm_speedup: sg.ort / sg.ts,
    threads,
  };
}
