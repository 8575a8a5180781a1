import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compile,
  concat,
  Graph,
  type HostTensor,
  hostTensor,
  reshape,
  type Tensor,
} from '../src/graph/index.js';
import {
  byolLoss,
  infoNceLoss,
  mocoV3Loss,
  posNegOnlySupConLoss,
  posOnlySupConLoss,
  realAnchorConLoss,
  simsiamLoss,
  supConLoss,
} from '../src/train/losses/index.js';

type PairLoss = (on: Tensor, tg: Tensor) => Tensor;

/** Evaluates a two-input loss on [B,d] rows. */
async function pairLoss(fn: PairLoss, online: number[][], target: number[][]): Promise<number> {
  const g = new Graph();
  const shape = [online.length, online[0]!.length];
  const on = g.input('on', 'float32', shape);
  const tg = g.input('tg', 'float32', shape);
  const exe = await compile({ y: fn(on, tg) });
  const r = await exe.run({ on: Float32Array.from(online.flat()), tg: Float32Array.from(target.flat()) });
  return r.y!.data[0] as number;
}

type LabelLoss = (f: Tensor, labels: Tensor, opts: { realClass: number; temperature?: number }) => Tensor;

async function labelLoss(fn: LabelLoss, feats: number[][], labels: number[], realClass = 1, tau = 0.07) {
  const g = new Graph();
  const f = g.input('f', 'float32', [feats.length, feats[0]!.length]);
  const y = g.input('y', 'int64', [labels.length]);
  const exe = await compile({ loss: fn(f, y, { realClass, temperature: tau }) });
  const feeds: Record<string, HostTensor> = {
    f: hostTensor(Float32Array.from(feats.flat()), [feats.length, feats[0]!.length]),
    y: hostTensor(
      BigInt64Array.from(labels, (v) => BigInt(v)),
      [labels.length],
    ),
  };
  return (await exe.run(feeds)).loss!.data[0] as number;
}

const unit = (deg: number): number[] => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
const close = (a: number, e: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${a} vs ${e}`);

describe('self-distillation losses on hand-made unit vectors', () => {
  test('BYOL: 0 for equal, 2 for orthogonal, 4 for opposite vectors (range [0, 4])', async () => {
    close(await pairLoss(byolLoss, [unit(0)], [unit(0)]), 0);
    close(await pairLoss(byolLoss, [unit(0)], [unit(90)]), 2);
    close(await pairLoss(byolLoss, [unit(0)], [unit(180)]), 4);
    close(
      await pairLoss(byolLoss, [unit(0), unit(30)], [unit(0), unit(90)]),
      (0 + (2 - 2 * Math.cos(Math.PI / 3))) / 2,
    );
  });

  test('SimSiam: −0.5 for equal, +0.5 for opposite vectors (range [−0.5, 0.5])', async () => {
    close(await pairLoss(simsiamLoss, [unit(10)], [unit(10)]), -0.5);
    close(await pairLoss(simsiamLoss, [unit(10)], [unit(190)]), 0.5);
  });

  test('InfoNCE all: 2τ·CE over the target rows; positive mode zeroes off-diagonal logits instead of masking', async () => {
    const tau = 0.1;
    // identical rows: every logit is 1/τ, so CE = log 2 in 'all' mode
    const same = [unit(0), unit(0)];
    close(
      await pairLoss((a, b) => infoNceLoss(a, b, { temperature: tau }), same, same),
      2 * tau * Math.log(2),
    );
    // 'positive' keeps the diagonal 1/τ and turns the off-diagonal into 0 (still in the softmax)
    const pos = 2 * tau * Math.log(1 + Math.exp(-1 / tau));
    close(
      await pairLoss((a, b) => infoNceLoss(a, b, { temperature: tau, sample: 'positive' }), same, same),
      pos,
    );
    // orthogonal rows: S = I/τ
    const ortho = [unit(0), unit(90)];
    close(await pairLoss((a, b) => infoNceLoss(a, b, { temperature: tau }), ortho, ortho), pos);
  });

  test('MoCo v3 re-normalises its inputs and then equals InfoNCE all', async () => {
    const on = [unit(0), unit(60), unit(135)];
    const tg = [unit(20), unit(70), unit(200)];
    const info = await pairLoss((a, b) => infoNceLoss(a, b, { temperature: 0.1 }), on, tg);
    const scaled = on.map((r) => r.map((v) => 3 * v));
    close(await pairLoss((a, b) => mocoV3Loss(a, b, 0.1), scaled, tg), info);
  });

  test('SupCon (unsupervised, 2 views of one sample) matches the reference formula incl. the +1e-6', async () => {
    const tau = 0.1;
    const c = Math.cos(Math.PI / 4);
    // anchor row max is the self term 1/τ; the only other entry is the positive (c−1)/τ
    const l = (c - 1) / tau;
    const expected = -(tau / 0.07) * (l - Math.log(Math.exp(l) + 1e-6));
    const fn: PairLoss = (on, tg) => supConLoss(stack2(on, tg), { temperature: tau, baseTemperature: 0.07 });
    close(await pairLoss(fn, [unit(0)], [unit(45)]), expected);
  });
});

/** [N,d] twice → [N,2,d] views. */
function stack2(a: Tensor, b: Tensor): Tensor {
  const [n, d] = a.shape as [number, number];
  return concat([reshape(a, [n, 1, d]), reshape(b, [n, 1, d])], 1);
}

describe('RealAnchorConLoss and its ablations', () => {
  const feats = [unit(0), unit(40), unit(100), unit(170)];

  test('no real sample in the batch gives the constant 1e-6; ablations give 0', async () => {
    close(await labelLoss(realAnchorConLoss, feats, [0, 0, 0, 0]), 1e-6, 1e-12);
    assert.equal(await labelLoss(posOnlySupConLoss, feats, [0, 0, 0, 0]), 0);
    assert.equal(await labelLoss(posNegOnlySupConLoss, feats, [1, 1, 1, 1]), 0);
    // realClass 0 turns the same labels into an all-real batch
    assert.ok((await labelLoss(realAnchorConLoss, feats, [0, 0, 0, 0], 0)) > 1);
  });

  test('a single real sample contributes 0 (no positive), and fake anchors contribute 0', async () => {
    // −0 like PyTorch's −(τ/τ_base)·mean(0)
    assert.ok((await labelLoss(realAnchorConLoss, feats, [1, 0, 0, 0])) === 0);
  });

  test('two reals among fakes: closed form with every other sample in the denominator', async () => {
    const tau = 0.07;
    const cos = (a: number, b: number) => Math.cos(((a - b) * Math.PI) / 180);
    const deg = [0, 40, 100, 170];
    const logp = (i: number, j: number) => {
      const l = (k: number) => (cos(deg[i]!, deg[k]!) - 1) / tau; // row max is the self term
      let denom = 0;
      for (let k = 0; k < 4; k++) if (k !== i) denom += Math.exp(l(k));
      return l(j) - Math.log(denom + 1e-6);
    };
    // reals are samples 0 and 1 (label 1); fakes 2, 3 contribute 0 but count in the mean over 4
    const expected = -(logp(0, 1) + logp(1, 0)) / 4;
    close(await labelLoss(realAnchorConLoss, feats, [1, 1, 0, 0], 1, tau), expected);
    // PosOnly: the denominator holds only the other real
    const onlyPos = (i: number, j: number) => {
      const l = (cos(deg[i]!, deg[j]!) - 1) / tau;
      return l - Math.log(Math.exp(l) + 1e-6);
    };
    close(
      await labelLoss(posOnlySupConLoss, feats, [1, 1, 0, 0], 1, tau),
      -(onlyPos(0, 1) + onlyPos(1, 0)) / 4,
    );
    // PosNegOnly: mean softplus(cos/τ) over the 2×2 real–fake pairs
    let sp = 0;
    for (const r of [0, 1]) for (const f of [2, 3]) sp += Math.log1p(Math.exp(cos(deg[r]!, deg[f]!) / tau));
    close(await labelLoss(posNegOnlySupConLoss, feats, [1, 1, 0, 0], 1, tau), sp / 4);
  });

  test('one compiled graph serves batches with and without reals', async () => {
    const g = new Graph();
    const f = g.input('f', 'float32', [4, 2]);
    const y = g.input('y', 'int64', [4]);
    const exe = await compile({ loss: realAnchorConLoss(f, y, { realClass: 1 }) });
    const run = async (labels: number[]) =>
      (
        await exe.run({
          f: Float32Array.from(feats.flat()),
          y: hostTensor(
            BigInt64Array.from(labels, (v) => BigInt(v)),
            [4],
          ),
        })
      ).loss!.data[0] as number;
    close(await run([0, 0, 0, 0]), 1e-6, 1e-12);
    assert.ok((await run([1, 1, 0, 0])) > 0);
  });
});
