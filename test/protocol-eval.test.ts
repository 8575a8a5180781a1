import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { evaluate, fasTestSet } from '../src/eval/protocols/index.js';
import { ckpt, expectedFloat32, fixtureFaces, SKIP_REASON, writePng } from './protocol-fixtures.js';
import { scratchDir } from './scratchDir.js';

/** Fixture images 0, 2 as real and 1, 3 as fake (the labels the fixture training used). */
async function fixtureTestRoot(): Promise<{ root: string; order: number[] }> {
  const root = scratchDir('fsvfm-eval-');
  const faces = fixtureFaces();
  for (const i of [0, 1, 2, 3]) {
    const cls = i % 2 === 0 ? 'real' : 'fake';
    await writePng(path.join(root, 'test', cls, `vid${i >> 1}_frame_${i}.png`), faces[i]!);
  }
  // loader order: fake/ (1, 3) then real/ (0, 2)
  return { root, order: [1, 3, 0, 2] };
}

const softmax1 = (a: number, b: number) => {
  const m = Math.max(a, b);
  return Math.exp(b - m) / (Math.exp(a - m) + Math.exp(b - m));
};

for (const [file, stem] of [
  ['finetune-vit.pth', 'finetune_logits'],
  ['fsadapter-vit.pth', 'fsadapter_logits'],
] as const) {
  test(`eval --protocol dfd on ${file} reproduces ${stem} as P(fake) scores`, {
    skip: SKIP_REASON,
  }, async () => {
    const { root, order } = await fixtureTestRoot();
    const out = path.join(root, 'out');
    const r = await evaluate({
      protocol: 'dfd',
      checkpoint: ckpt(file),
      data: [`fixture=${root}`],
      out,
      model: 'custom',
      numHeads: 3,
      batchSize: 3,
    });
    assert.equal(r.detector.norm, 'vggface2');
    const expected = expectedFloat32(stem);
    const rows = readFileSync(r.files.scores, 'utf8').trim().split('\n').slice(1);
    assert.equal(rows.length, 4);
    rows.forEach((row, k) => {
      const pFake = Number(row.split(',').at(-1));
      const i = order[k]!;
      const want = 1 - softmax1(expected[2 * i]!, expected[2 * i + 1]!);
      assert.ok(Math.abs(pFake - want) < 1e-5, `image ${i}: P(fake) ${pFake} vs ${want}`);
    });
    // official files parse: DfD test_results.txt with frame + video lines
    const txt = readFileSync(r.files.testResults!, 'utf8');
    assert.match(txt, /--Metrics of the network testing on the fixture dataset with 4 test imgs--/);
    assert.match(txt, /Balanced_Acc [\d.]+ Auc [\d.]+ EER [\d.]+ loss [\d.]+/);
    assert.match(txt, /VIDEO-LEVEL/);
    const json = JSON.parse(readFileSync(r.files.json, 'utf8'));
    assert.equal(json.schema, 'fsvfm.eval/1');
    assert.deepEqual(
      json.sets.map((s: { level: string }) => s.level),
      ['frame', 'video'],
    );
    assert.ok(existsSync(r.files.html));
    const dfd = r.official[0]!;
    assert.equal(dfd.protocol, 'dfd');
    // the fixture models separate the 4 images perfectly (argmax [1,0,1,0])
    if (dfd.protocol === 'dfd' && stem === 'finetune_logits') assert.equal(dfd.frame.auc, 100);
  });
}

test('eval --protocol fas-mcio on fas-vit.pth.tar writes performance.csv', {
  skip: SKIP_REASON,
}, async () => {
  const root = scratchDir('fsvfm-fas-eval-');
  const faces = fixtureFaces();
  for (const i of [0, 1, 2, 3]) {
    await writePng(path.join(root, i % 2 === 0 ? 'real' : 'fake', `v${i}`, 'frame0.png'), faces[i]!);
  }
  const r = await evaluate({
    protocol: 'fas-mcio',
    config: 'M',
    checkpoint: ckpt('fas-vit.pth.tar'),
    data: [root],
    out: path.join(root, 'out'),
    numHeads: 3,
  });
  const csv = readFileSync(r.files.performanceCsv!, 'utf8').trim().split('\n');
  assert.equal(csv[0], 'Run, HTER, AUC, TPR@FPR=1%');
  assert.match(csv[1]!, /^0,[\d.e+-]+,[\d.e+-]+,[\d.e+-]+$/);
  assert.equal(csv.at(-2)!.split(',')[0], 'Mean');
  const o = r.official[0]!;
  assert.ok(o.protocol === 'fas-mcio' && o.videos === 4);
});

test('eval refuses a pre-training checkpoint and a wrong --model with clear messages', {
  skip: SKIP_REASON,
}, async () => {
  const { root } = await fixtureTestRoot();
  await assert.rejects(
    evaluate({
      protocol: 'dfd',
      checkpoint: ckpt('pretrain-online.pth'),
      data: [root],
      out: root,
      numHeads: 3,
    }),
    /pretrain-online checkpoint, not a fine-tuned detector/,
  );
  await assert.rejects(
    evaluate({
      protocol: 'dfd',
      checkpoint: ckpt('finetune-vit.pth'),
      data: [root],
      out: root,
      model: 'vit_small_patch16',
    }),
    /--model vit_small_patch16 is D=384 depth 12.*cls_token \[1, 1, 384\].*D=96 depth 2/,
  );
  await assert.rejects(
    evaluate({ protocol: 'dfd', checkpoint: ckpt('finetune-vit.pth'), data: [root], out: root }),
    /custom size .*give --num_heads/,
  );
  await assert.rejects(
    evaluate({ protocol: 'dfd', checkpoint: path.join(root, 'nope.pth'), data: [root], out: root }),
    /checkpoint not found/,
  );
});

test('FAS test sets: an unknown --config names the valid targets', () => {
  assert.throws(
    () => fasTestSet('fas-mcio', 'X', '.'),
    /--config 'X' is not a fas-mcio target; use one of M, C, I, O/,
  );
  assert.throws(() => fasTestSet('fas-wcs', 'M', '.'), /use one of cefa, surf, wmca/);
});
