// Checkpoint reader parity: every state-dict tensor bit for bit against checkpoints_description.json
// (shape, dtype, sum and l2 within rel 1e-6, first values exact), plus top-level keys, epoch and scaler.
import { openTorchCheckpoint, stateDict } from '../io/torchCheckpoint.js';
import type { CheckResult } from './checkResult.js';
import type { FixtureCheck } from './fixtureCheck.js';
import type { FixtureSet } from './fixtureSet.js';
import { combine, compareScalar, compareValues } from './oracle.js';

interface TensorDesc {
  shape: number[];
  dtype: string;
  l2: number;
  sum: number;
  first: number[];
}

interface CheckpointDesc {
  top_level_keys: string[];
  epoch: number;
  scaler: Record<string, number>;
  model_num_tensors: number;
  model: Record<string, TensorDesc>;
}

const DESCRIPTION = 'expected/checkpoints_description.json';

/** One check part per checkpoint the description lists, so an absent checkpoint skips only its own part. */
export function checkpointChecks(set: FixtureSet): FixtureCheck[] {
  const desc = set.jsonIfReadable<Record<string, unknown>>(DESCRIPTION);
  const files = desc ? Object.keys(desc).filter((k) => !k.startsWith('_')) : [];
  if (files.length === 0)
    return [
      {
        id: 'checkpoints_description',
        needs: [DESCRIPTION],
        run: async () => {
          await set.json(DESCRIPTION);
          throw new Error(`${DESCRIPTION} describes no checkpoint`);
        },
      },
    ];
  return files.map((file) => ({
    id: `checkpoints_description:${file}`,
    needs: [DESCRIPTION, `checkpoints/${file}`],
    run: async () => {
      const all = await set.json<Record<string, CheckpointDesc>>(DESCRIPTION);
      return describeCheckpoint(set.path(`checkpoints/${file}`), file, all[file]!);
    },
  }));
}

async function describeCheckpoint(path: string, file: string, cd: CheckpointDesc): Promise<CheckResult> {
  const parts: CheckResult[] = [];
  const ckpt = await openTorchCheckpoint(path);
  try {
    const root = ckpt.root as Map<string, unknown>;
    const keys = [...root.keys()].map(String);
    parts.push({
      name: `${file} top-level keys`,
      pass: keys.join(',') === cd.top_level_keys.join(','),
      worstAbsErr: 0,
      tolerance: 'exact',
      detail: keys.join(','),
    });
    parts.push(compareScalar(`${file} epoch`, Number(root.get('epoch')), cd.epoch, 0));
    const scaler = root.get('scaler') as Map<string, number> | undefined;
    for (const [k, v] of Object.entries(cd.scaler ?? {}))
      parts.push(compareScalar(`${file} scaler.${k}`, Number(scaler?.get(k)), v, 0));
    const sd = stateDict(ckpt);
    parts.push(compareScalar(`${file} tensor count`, sd.size, cd.model_num_tensors, 0));
    for (const [name, td] of Object.entries(cd.model)) {
      const t = sd.get(name);
      if (!t) {
        parts.push({
          name: `${file} ${name}`,
          pass: false,
          worstAbsErr: Number.NaN,
          tolerance: 'present',
          detail: 'missing',
        });
        continue;
      }
      const data = (await t.read()) as Float32Array;
      let sum = 0;
      let sq = 0;
      for (const v of data) {
        sum += v;
        sq += v * v;
      }
      const shapeOk = t.shape.join(',') === td.shape.join(',') && t.dtype === td.dtype;
      parts.push({
        name: `${file} ${name} shape/dtype`,
        pass: shapeOk,
        worstAbsErr: 0,
        tolerance: 'exact',
      });
      parts.push(compareScalar(`${file} ${name} l2`, Math.sqrt(sq), td.l2, 1e-6, 1e-12));
      parts.push(compareScalar(`${file} ${name} sum`, sum, td.sum, 1e-6, 1e-9));
      parts.push(
        compareValues(`${file} ${name} first`, Array.from(data.subarray(0, td.first.length)), td.first, {
          abs: 0,
        }),
      );
    }
  } finally {
    ckpt.close();
  }
  return combine(file, parts);
}
