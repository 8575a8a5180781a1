// What makes two detectors give the same results: the checkpoint's bytes and the options that change a result
// (crop recipe, face limits, threshold). Producers and workers compute it independently from their own files;
// the scan queue is named after it, so a worker only takes jobs meant for the detector it runs.
import { cropRecipe } from '../data/crops/index.js';
import { defaultRecipeFor } from '../detect/defaultRecipe.js';
import { type DetectorOptions, resolveThreshold } from '../detect/index.js';
import { checkpointKindOfFile } from '../models/detectorLoader.js';
import { sha256File, sha256Text } from './fileHash.js';

export interface DetectorKey {
  /** hex digest over everything below */
  key: string;
  /** the facts hashed, for logs and error messages */
  facts: Record<string, string | number | null>;
}

/** Options that only change speed (batch, threads) are left out: workers may tune them freely. */
export async function detectorKey(opts: DetectorOptions): Promise<DetectorKey> {
  // the same rule as Detector.create: a calibration.json beside the checkpoint changes the key
  const { threshold, source: thresholdSource } = resolveThreshold(opts);
  const facts: DetectorKey['facts'] = {
    model_sha256: await sha256File(opts.model),
    num_heads: opts.numHeads ?? null,
    // the recipe a Detector of this model picks when none is asked for
    recipe: cropRecipe(opts.recipe ?? defaultRecipeFor(await checkpointKindOfFile(opts.model))).name,
    min_face: opts.minFaceSize ?? 40,
    max_faces: opts.maxFaces ?? 10,
    threshold,
    threshold_source: thresholdSource,
    explain_with_sha256: opts.explainWith ? await sha256File(opts.explainWith) : null,
    decoder_heads: opts.explainDecoderHeads ?? null,
    // int8 scores differ from fp32 ones in the last digits: the two never share cached results
    ...(opts.precision && opts.precision !== 'fp32' ? { precision: opts.precision } : {}),
  };
  return { key: sha256Text(JSON.stringify(facts)), facts };
}
