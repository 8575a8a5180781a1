import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { FAS_RECIPE } from '../src/data/crops/index.js';
import { Detector } from '../src/detect/detector.js';
import { evaluate } from '../src/eval/protocols/index.js';
import { NORM_STATS_FILE, readNormStats, writeNormStats } from '../src/io/normStats.js';
import { openTorchCheckpoint } from '../src/io/torchCheckpoint.js';
import { detectCheckpoint } from '../src/models/checkpointKind.js';
import { columnNorms } from '../src/models/fasModel.js';
import { loadStateDict } from '../src/models/loadStateDict.js';
import { BalancedDomainSampler, trainFas } from '../src/train/fas/index.js';
import { ckpt, fakeVariant, fixtureFaces, SKIP_REASON, writePng } from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';

let root = '';
/** A tiny MCIO tree: txt/<ds>_{real,fake}_{train,test}.txt and frame/<ds>/… PNGs (2 per list). */
before(async () => {
  if (SKIP_REASON) return;
  root = scratchDir('fsvfm-fas-');
  const faces = fixtureFaces();
  mkdirSync(path.join(root, 'txt'), { recursive: true });
  for (const ds of ['oulu', 'casia', 'replay', 'celeb', 'msu']) {
    const split = ds === 'msu' ? 'test' : 'train';
    for (const kind of ['real', 'fake'] as const) {
      const lines: string[] = [];
      for (let v = 0; v < 2; v++) {
        const face = faces[(v + ds.length) % 4]!;
        const img = kind === 'real' ? face : fakeVariant(face, 30);
        for (const f of split === 'test' ? [0, 1] : [0]) {
          const rel = `${ds}/${split}/${kind}/v${v}_frame${f}.png`;
          await writePng(path.join(root, 'frame', rel), img);
        }
        lines.push(`${ds}/${split}/${kind}/v${v}_frame0.png`);
      }
      writeFileSync(path.join(root, 'txt', `${ds}_${kind}_${split}.txt`), `${lines.join('\n')}\n`);
    }
  }
});

test('balanced sampler: [d1 real, d1 fake, d2 real, …], labels 1/0, reshuffled passes, resumable state', () => {
  const mk = (d: string, n: number) => Array.from({ length: n }, (_, i) => ({ path: `${d}${i}`, label: -1 }));
  const domains = [
    { name: 'a', real: mk('ar', 3), fake: mk('af', 2) },
    { name: 'b', real: mk('br', 2), fake: mk('bf', 4) },
  ];
  const s = new BalancedDomainSampler(domains, 2, 7);
  assert.equal(s.batchSize, 8);
  const b = s.next();
  assert.deepEqual(
    b.map((x) => x.path.slice(0, 2)),
    ['ar', 'ar', 'af', 'af', 'br', 'br', 'bf', 'bf'],
  );
  assert.deepEqual(
    b.map((x) => x.label),
    [1, 1, 0, 0, 1, 1, 0, 0],
  );
  const state = s.getState();
  const twin = new BalancedDomainSampler(domains, 2, 7);
  twin.setState(JSON.parse(JSON.stringify(state)));
  for (let i = 0; i < 5; i++) assert.deepEqual(s.next(), twin.next());
  // drop-last: a loader of 3 with batch 2 never yields its 3rd item in the same pass
  const fresh = new BalancedDomainSampler(domains, 2, 1);
  const firstTwo = fresh
    .next()
    .slice(0, 2)
    .map((x) => x.path);
  assert.equal(new Set(firstTwo).size, 2);
  assert.throws(
    () => new BalancedDomainSampler(domains, 3, 0),
    /domain 'a' has 2 fake image\(s\), fewer than the batch per class 3/,
  );
});

test('fsvfm fas (FS-Adapter): best-by-HTER .pth.tar with official keys, frozen backbone, last-evaluation report', {
  skip: SKIP_REASON,
}, async () => {
  const out = path.join(root, 'out-adapter');
  const evals: boolean[] = [];
  const r = await trainFas(
    {
      dataRoot: root,
      config: 'M',
      ptModel: ckpt('pretrain-online.pth'),
      numHeads: 3,
      trainable: 'fs-adapter',
      outputDir: out,
      iterations: 4,
      evalEvery: 2,
      perClass: 1,
      lr: 1e-3,
      runtime: { threads: 2 },
    },
    { onEpoch: (e) => evals.push(e.best) },
  );
  assert.equal(evals.length, 2);
  const run = r.runs[0]!;
  assert.equal(run.last!.iteration, 3);
  const file = run.checkpoint!;
  assert.equal(path.basename(file), 'M_vit_0_shot_checkpoint_run_0.pth.tar');
  const c = await openTorchCheckpoint(file);
  assert.deepEqual(
    [...(c.root as Map<string, unknown>).keys()],
    ['epoch', 'state_dict', 'valid_arg', 'best_model_EER', 'best_model_ACER', 'best_model_ACC', 'threshold'],
  );
  assert.equal(c.archivePrefix, 'M_vit_0_shot_checkpoint_run_0.pth/');
  c.close();
  const { stateDict } = await loadStateDict(file);
  const det = detectCheckpoint(stateDict);
  assert.equal(det.kind, 'fas-fs-adapter');
  assert.ok(
    det.notes.some((n) => /match a fas-fs-adapter model/.test(n.message)),
    JSON.stringify(det.notes),
  );
  const w = stateDict.get('classifier.classifier_layer.weight')!;
  for (const n of columnNorms(w.data, 2, 512)) assert.ok(Math.abs(n - 1) < 1e-6);
  const pre = (await loadStateDict(ckpt('pretrain-online.pth'))).stateDict;
  for (const k of ['blocks.0.attn.qkv.weight', 'pos_embed', 'patch_embed.proj.weight'])
    assert.deepEqual(stateDict.get(`backbone.vit.${k}`)!.data, pre.get(k)!.data, `${k} must stay frozen`);
  for (const f of [r.performanceCsv!, r.performanceLastCsv!])
    assert.match(readFileSync(f, 'utf8'), /^Run, HTER, AUC, TPR@FPR=1%\n0,/);
  // the checkpoint is a detector `fsvfm eval --protocol fas-mcio` loads strictly
  const ev = await evaluate({
    protocol: 'fas-mcio',
    config: 'M',
    checkpoint: file,
    data: [root],
    out: path.join(out, 'eval'),
    numHeads: 3,
  });
  const o = ev.official[0]!;
  assert.ok(o.protocol === 'fas-mcio' && o.videos === 4 && o.images === 8);
});

test('fsvfm fas (full fine-tuning) writes a fas checkpoint with the embedder alias', {
  skip: SKIP_REASON,
}, async () => {
  const out = path.join(root, 'out-full');
  const r = await trainFas({
    dataRoot: root,
    config: 'M',
    ptModel: ckpt('pretrain-online.pth'),
    numHeads: 3,
    trainable: 'all',
    outputDir: out,
    iterations: 2,
    evalEvery: 2,
    perClass: 1,
  });
  const { stateDict } = await loadStateDict(r.runs[0]!.checkpoint!);
  assert.equal(detectCheckpoint(stateDict).kind, 'fas');
  assert.deepEqual(
    stateDict.get('embedder.bottleneck_layer.0.weight')!.data,
    stateDict.get('embedder.bottleneck_layer_fc.weight')!.data,
  );
  const pre = (await loadStateDict(ckpt('pretrain-online.pth'))).stateDict;
  assert.notDeepEqual(
    stateDict.get('backbone.vit.blocks.1.mlp.fc1.weight')!.data,
    pre.get('blocks.1.mlp.fc1.weight')!.data,
  );
});

test('fsvfm fas writes the normalisation statistics it trained with beside its checkpoint, and scan uses them', {
  skip: SKIP_REASON,
}, async () => {
  // a pre-training checkpoint with its own statistics file, so the run normalises with values no fallback has
  const pt = path.join(root, 'pt-with-stats');
  mkdirSync(pt, { recursive: true });
  copyFileSync(ckpt('pretrain-online.pth'), path.join(pt, 'pretrain-online.pth'));
  const stats = { mean: [0.51, 0.42, 0.33], std: [0.21, 0.22, 0.23] } as const;
  await writeNormStats(path.join(pt, NORM_STATS_FILE), stats);
  const out = path.join(root, 'out-stats');
  const r = await trainFas({
    dataRoot: root,
    config: 'M',
    ptModel: path.join(pt, 'pretrain-online.pth'),
    numHeads: 3,
    trainable: 'all',
    outputDir: out,
    iterations: 2,
    evalEvery: 2,
    perClass: 1,
  });
  assert.equal(r.norm.source, 'file');
  const checkpoint = r.runs[0]!.checkpoint!;
  const beside = path.join(path.dirname(checkpoint), NORM_STATS_FILE);
  assert.deepEqual(readNormStats(beside), stats);
  assert.deepEqual(readNormStats(beside), r.norm.stats);
  // scanning with that checkpoint normalises with the same statistics and cuts the FAS alignment crop
  const detector = await Detector.create({ model: checkpoint, numHeads: 3 });
  try {
    const { normalisation, recipe } = detector.info;
    assert.deepEqual([normalisation.mean, normalisation.std], [[...stats.mean], [...stats.std]]);
    assert.equal(normalisation.source, beside);
    assert.equal(normalisation.warning, undefined);
    assert.equal(recipe, FAS_RECIPE);
    // and decides at the threshold the run calibrated (SPEC §7.4's grid rule on the test set that selected it)
    const cal = JSON.parse(readFileSync(path.join(path.dirname(checkpoint), 'calibration.json'), 'utf8'));
    const entry = cal.checkpoints[path.basename(checkpoint)];
    assert.equal(entry.rule, 'fas-grid-eer');
    assert.equal(entry.counts.unit, 'videos');
    assert.match(entry.split, /target domain's test set .*optimistic/);
    assert.equal(detector.info.threshold, entry.threshold);
    assert.match(
      detector.info.threshold_source,
      /official FAS grid rule.*calibration\.json beside the checkpoint/,
    );
  } finally {
    detector.dispose();
  }
});
