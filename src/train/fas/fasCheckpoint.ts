// The official FAS checkpoint `<config>_vit_0_shot_checkpoint_run_<run>.pth.tar`: the state dict with the official
// aliases (and, for the FS-Adapter, the ViT's unused head, SPEC §2.3(g)), the evaluation's valid_arg and the
// best-model fields.
import type { FasValidArgs } from '../../eval/officialFas.js';
import { PyFloat, type PyValue } from '../../io/pickleValues.js';
import { saveTorchCheckpoint, torchTensor } from '../../io/torchSave.js';
import { withFasAliases } from '../../models/fasModel.js';
import { initialize, torchDefault, truncNormal } from '../../nn/init.js';
import { seededRandom } from '../../nn/random.js';
import type { StateDict } from '../../nn/stateDict.js';

export const fasCheckpointName = (config: string, run: number): string =>
  `${config}_vit_0_shot_checkpoint_run_${run}.pth.tar`;

/** The FS-Adapter ViT's unused head, present in official checkpoints (SPEC §2.3(g)). */
export function unusedAdapterHead(embedDim: number, run: number): StateDict {
  const initRng = seededRandom(10_000 + run);
  return new Map([
    [
      'backbone.vit.head.weight',
      { shape: [2, 2 * embedDim], data: initialize(truncNormal(2e-5), [2, 2 * embedDim], initRng) },
    ],
    ['backbone.vit.head.bias', { shape: [2], data: initialize(torchDefault(2 * embedDim), [2], initRng) }],
  ]);
}

export async function saveFasCheckpoint(
  path: string,
  archiveName: string,
  params: StateDict,
  epoch: number,
  v: FasValidArgs,
): Promise<void> {
  const stateDict = new Map<PyValue, PyValue>();
  for (const [k, t] of withFasAliases(params)) stateDict.set(k, torchTensor('float32', t.shape, t.data));
  const validArg = [
    v.video_CE_loss,
    v.video_top1_acc,
    v.EER,
    v.HTER,
    v.AUC,
    v.threshold,
    v.ACC_at_threshold_x100,
    v.TPR_at_FPR_1pct,
  ].map((x) => new PyFloat(x));
  await saveTorchCheckpoint(
    path,
    new Map<PyValue, PyValue>([
      ['epoch', epoch],
      ['state_dict', stateDict],
      ['valid_arg', validArg],
      ['best_model_EER', new PyFloat(Math.round(v.HTER * 1e5) / 1e5)],
      ['best_model_ACER', new PyFloat(1)],
      ['best_model_ACC', new PyFloat(v.ACC_at_threshold_x100)],
      ['threshold', new PyFloat(v.threshold)],
    ]),
    { archiveName },
  );
}
