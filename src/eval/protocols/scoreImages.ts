// Scoring a test set: decode → eval transform → normalise → detector, batch by batch, with progress. An image that
// cannot be read gets `logits: null` (the protocol's --no-face policy decides what that frame counts as).

import { decodeImage } from '../../data/media/decodeImage.js';
import { jpegReencode } from '../../data/media/jpegReencode.js';
import { type EvalTransformName, evalTransform } from '../../data/transforms/evalTransforms.js';
import type { NormStats } from '../../data/transforms/normalize.js';
import { type DetectorRunner, scoreInBatches } from '../../models/detectorRunner.js';
import type { TestSample } from './testSets.js';

export interface ScoredSample extends TestSample {
  /** [fake/spoof, real/live] logits, or null when the image could not be read */
  logits: [number, number] | null;
  error?: string;
}

export interface ScoreProgress {
  done: number;
  total: number;
}

type Decoded = { tensor: Float32Array } | { error: string };

/** Runs every sample through the detector in order; `onProgress` is called after each batch. */
export async function scoreSamples(
  runner: DetectorRunner,
  samples: readonly TestSample[],
  opts: {
    transform: EvalTransformName;
    norm: NormStats;
    /** JPEG round trip of every image at this quality before the transform (robustness tests); none when absent */
    jpegQuality?: number;
    onProgress?: (p: ScoreProgress) => void;
    signal?: AbortSignal;
  },
): Promise<ScoredSample[]> {
  const per = 3 * runner.inputSize * runner.inputSize;
  /** the readable images of a chunk, packed; `decoded` keeps every sample's outcome in chunk order */
  const load = async (chunk: readonly TestSample[]) => {
    const decoded: Decoded[] = await Promise.all(
      chunk.map(async (s) => {
        try {
          const decoded = (await decodeImage(s.path)).image;
          const image = opts.jpegQuality ? await jpegReencode(decoded, opts.jpegQuality) : decoded;
          return { tensor: evalTransform(opts.transform, image, opts.norm, runner.inputSize) };
        } catch (err) {
          return { error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    const ok = decoded.map((t, i) => ('tensor' in t ? i : -1)).filter((i) => i >= 0);
    const images = new Float32Array(ok.length * per);
    ok.forEach((i, k) => {
      images.set((decoded[i] as { tensor: Float32Array }).tensor, k * per);
    });
    return { images, count: ok.length, ok, decoded };
  };
  const out: ScoredSample[] = [];
  for await (const { start, chunk, packed, logits } of scoreInBatches(runner, samples, load, opts.signal)) {
    const row = new Map(
      packed.ok.map((i, k) => [i, [logits[2 * k]!, logits[2 * k + 1]!] as [number, number]]),
    );
    chunk.forEach((s, i) => {
      const t = packed.decoded[i]!;
      out.push({ ...s, logits: row.get(i) ?? null, ...('error' in t ? { error: t.error } : {}) });
    });
    opts.onProgress?.({ done: Math.min(samples.length, start + chunk.length), total: samples.length });
  }
  return out;
}
