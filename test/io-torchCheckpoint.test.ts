import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { LazyTensor } from '../src/io/lazyTensor.js';
import { NumpyScalar, PyObject, PyPath, PyTuple, type PyValue } from '../src/io/pickleValues.js';
import type { TensorData } from '../src/io/tensorData.js';
import { openTorchCheckpoint, stateDict } from '../src/io/torchCheckpoint.js';
import { checkpointPath, expectedPath, HAVE_ORACLE, needsOracle } from './io-fixtures.js';

interface TensorDesc {
  shape: number[];
  dtype?: string;
  l2: number;
  sum: number;
  first?: number[];
}
interface CkptDesc {
  top_level_keys: string[];
  epoch: number;
  scaler: Record<string, number>;
  args_type: string;
  args_output_dir_type: string;
  model_num_tensors: number;
  model_numel: number;
  model: Record<string, TensorDesc>;
  optimizer_param_groups: Record<string, unknown>[];
  optimizer_state_num_entries: number;
  optimizer_state_step_values: number[];
  optimizer_state_first_entry_keys: string[];
}

const description = HAVE_ORACLE
  ? (JSON.parse(readFileSync(expectedPath('checkpoints_description.json'), 'utf8')) as Record<
      string,
      CkptDesc
    >)
  : {};

const relClose = (a: number, b: number, rel: number): boolean =>
  Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-30);

function checkTensor(name: string, data: TensorData, want: TensorDesc): void {
  assert.ok(data instanceof Float32Array, `${name}: float32 data`);
  let sum = 0;
  let sq = 0;
  for (const x of data) {
    sum += x;
    sq += x * x;
  }
  assert.ok(
    relClose(Math.sqrt(sq), want.l2, 1e-6) || Math.abs(Math.sqrt(sq) - want.l2) < 1e-12,
    `${name}: l2`,
  );
  assert.ok(
    Math.abs(sum - want.sum) <= 1e-6 * Math.max(1, Math.sqrt(sq) * Math.sqrt(data.length)),
    `${name}: sum ${sum} vs ${want.sum}`,
  );
  (want.first ?? []).forEach((v, i) => {
    assert.equal(data[i], v, `${name}: element ${i} must be bit-exact`);
  });
}

const get = (v: PyValue | undefined, k: PyValue): PyValue | undefined =>
  v instanceof Map ? v.get(k) : undefined;

/** Converts unpickled values to JSON-like values for comparison with the description file. */
function plain(v: PyValue | undefined): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(v)) return Array.from(v, plain);
  return v;
}

describe('torch checkpoints of the oracle fixtures', { skip: needsOracle }, () => {
  for (const file of [
    'pretrain-online.pth',
    'pretrain-target.pth',
    'finetune-vit.pth',
    'fsadapter-vit.pth',
  ]) {
    test(`${file}: every model tensor, scalars, args and optimizer match the description`, async () => {
      const want = description[file]!;
      const ckpt = await openTorchCheckpoint(checkpointPath(file));
      try {
        const root = ckpt.root;
        assert.ok(root instanceof Map);
        assert.deepEqual([...root.keys()], want.top_level_keys);
        assert.equal(root.get('epoch'), want.epoch);
        assert.deepEqual(plain(root.get('scaler')), want.scaler);
        assert.equal(ckpt.formatVersion, '3');

        const sd = stateDict(ckpt);
        assert.equal(sd.size, want.model_num_tensors);
        assert.deepEqual([...sd.keys()], Object.keys(want.model));
        let numel = 0;
        for (const [name, t] of sd) {
          const w = want.model[name]!;
          assert.deepEqual([...t.shape], w.shape, `${name}: shape`);
          assert.equal(t.dtype, w.dtype, `${name}: dtype`);
          numel += t.numel;
          checkTensor(name, await t.read(), w);
        }
        assert.equal(numel, want.model_numel);
        // reading the model never touched an optimizer storage
        const optimizerKeys = new Set<string>();
        const state = get(get(root, 'optimizer'), 'state');
        assert.ok(state instanceof Map);
        for (const entry of state.values()) {
          for (const x of (entry as Map<PyValue, PyValue>).values())
            if (x instanceof LazyTensor) optimizerKeys.add(x.storageKey);
        }
        const modelKeys = new Set([...sd.values()].map((t) => t.storageKey));
        const touched = [...ckpt.entriesRead()]
          .filter((n) => n.includes('/data/'))
          .map((n) => n.split('/data/')[1]!);
        assert.ok(touched.length > 0);
        for (const k of touched) {
          assert.ok(modelKeys.has(k), `storage ${k} was read but is not a model storage`);
          assert.ok(!optimizerKeys.has(k) || modelKeys.has(k), `optimizer storage ${k} was read`);
        }

        const args = root.get('args');
        assert.ok(args instanceof PyObject);
        assert.equal(args.pyClass, want.args_type);
        const out = args.get('output_dir');
        assert.ok(out instanceof PyPath);
        assert.equal(out.pyClass, want.args_output_dir_type);
        assert.equal(args.get('log_dir'), out, 'log_dir is the memoised output_dir object');
        assert.equal(String(out), '/tmp/oracle/stage/shared');

        const optimizer = get(root, 'optimizer');
        const groups = plain(get(optimizer, 'param_groups')) as Record<string, unknown>[];
        assert.equal(groups.length, want.optimizer_param_groups.length);
        groups.forEach((g, i) => {
          assert.deepEqual(g, want.optimizer_param_groups[i]);
        });
        assert.ok(Array.isArray(get(get(root, 'optimizer'), 'param_groups')));
        const betas = get((get(optimizer, 'param_groups') as PyValue[])[0], 'betas');
        assert.ok(betas instanceof PyTuple, 'betas is a tuple');
        assert.equal(state.size, want.optimizer_state_num_entries);
        const first = [...state.values()][0] as Map<PyValue, PyValue>;
        assert.deepEqual([...first.keys()].sort(), [...want.optimizer_state_first_entry_keys].sort());
        const steps = new Set<number>();
        for (const entry of state.values()) {
          const step = (entry as Map<PyValue, PyValue>).get('step');
          assert.ok(step instanceof LazyTensor && step.shape.length === 0);
          steps.add((await step.read())[0] as number);
        }
        assert.deepEqual([...steps], want.optimizer_state_step_values);
      } finally {
        ckpt.close();
      }
    });
  }

  test('fas-vit.pth.tar: numpy scalars, valid_arg types, alias storages, classifier norms', async () => {
    const want = JSON.parse(readFileSync(expectedPath('fas_checkpoint.json'), 'utf8')) as {
      top_level_keys: string[];
      epoch: number;
      best_model_EER: number;
      best_model_ACER: number;
      best_model_ACC: number;
      threshold: number;
      valid_arg: number[];
      valid_arg_python_types: string[];
      state_dict_num_tensors: number;
      state_dict: Record<string, TensorDesc>;
    };
    const ckpt = await openTorchCheckpoint(checkpointPath('fas-vit.pth.tar'));
    try {
      const root = ckpt.root;
      assert.ok(root instanceof Map);
      assert.equal(ckpt.archivePrefix, 'M_vit_0_shot_checkpoint_run_0.pth/');
      assert.deepEqual([...root.keys()], want.top_level_keys);
      assert.equal(root.get('epoch'), want.epoch);
      const scalar = (v: PyValue | undefined): number =>
        v instanceof NumpyScalar ? v.toNumber() : (v as number);
      assert.equal(scalar(root.get('best_model_EER')), want.best_model_EER);
      assert.equal(root.get('best_model_ACER'), want.best_model_ACER);
      assert.equal(scalar(root.get('best_model_ACC')), want.best_model_ACC);
      assert.equal(root.get('threshold'), want.threshold);
      const valid = root.get('valid_arg');
      assert.ok(Array.isArray(valid));
      const typeName = (v: PyValue): string =>
        typeof v === 'number'
          ? 'builtins.float'
          : v instanceof LazyTensor
            ? 'torch.Tensor'
            : (v as NumpyScalar).pyClass;
      assert.deepEqual(valid.map(typeName), want.valid_arg_python_types);
      for (let i = 0; i < valid.length; i++) {
        const v: PyValue = valid[i]!;
        const x: number = v instanceof LazyTensor ? ((await v.read())[0] as number) : scalar(v);
        assert.equal(x, want.valid_arg[i]);
      }
      const sd = stateDict(ckpt);
      assert.equal(sd.size, want.state_dict_num_tensors);
      for (const [name, t] of sd) {
        const w = want.state_dict[name]!;
        assert.deepEqual([...t.shape], w.shape);
        checkTensor(name, await t.read(), w);
      }
      const a = sd.get('embedder.bottleneck_layer_fc.weight')!;
      const b = sd.get('embedder.bottleneck_layer.0.weight')!;
      assert.equal(a.storageKey, b.storageKey, 'aliases share one storage');
      assert.equal(a.storage, b.storage);
      assert.deepEqual(await a.read(), await b.read());
      const w = (await sd.get('classifier.classifier_layer.weight')!.read()) as Float32Array;
      for (let j = 0; j < 512; j++) assert.ok(Math.abs(Math.hypot(w[j]!, w[512 + j]!) - 1) < 1e-6);
    } finally {
      ckpt.close();
    }
  });

  test('stateDict: explicit key, and a clear error for a missing one', async () => {
    const ckpt = await openTorchCheckpoint(checkpointPath('fas-vit.pth.tar'));
    try {
      assert.equal(stateDict(ckpt, 'state_dict').size, 36);
      assert.throws(
        () => stateDict(ckpt, 'model'),
        /no state dict under 'model'.*top-level keys: epoch, state_dict/,
      );
    } finally {
      ckpt.close();
    }
  });
});
