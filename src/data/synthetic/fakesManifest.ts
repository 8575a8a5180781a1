// `<out>/fake_<kind>/manifest.json` of `fsvfm fakes`: the run's options, then one record per generated
// sample (its sources and every parameter drawn) and one per input that produced nothing.
import { isArrayOf, isFiniteNumber, isObject, isString, parseJsonOrUndefined } from '../../io/jsonShape.js';
import type { FakeKind } from './fakeNaming.js';
import type { SwapParameters } from './landmarkFaceSwap.js';
import type { SbiOptions, SbiParameters } from './selfBlendedImage.js';
import type { PairingRule } from './swapPairing.js';

export type LandmarkOrigin = 'detected' | 'sidecar';

export interface FakeSample {
  /** file name inside the class folder */
  output: string;
  generator: FakeKind;
  /** input images, relative to the input folder: [image] for SBI, [target, source] for a swap */
  sources: string[];
  landmarks: LandmarkOrigin[];
  /** seed of the sample's own generator (`new SeededRng(seed)` reproduces it) */
  seed: number;
  params: SbiParameters | SwapParameters;
}

export interface FakeProblem {
  /** input image (or, for a swap, target) relative to the input folder */
  input: string;
  /** skipped: no face / not an image file; error: the file could not be read or processed */
  status: 'skipped' | 'error';
  reason: string;
}

export interface FakesManifest {
  tool: 'fsvfm fakes';
  generator: FakeKind;
  input: string;
  seed: number;
  perImage: number;
  pairs: PairingRule | null;
  triangulation: string | null;
  /** SBI ranges the recipes were drawn from (absent: the defaults) */
  sbi?: SbiOptions;
  counts: { inputs: number; samples: number; skipped: number; errors: number; reused: number };
  interrupted: boolean;
  samples: FakeSample[];
  problems: FakeProblem[];
}

/** Options an existing folder must have been made with for a run to resume into it. */
export function sameRun(
  a: FakesManifest,
  b: Pick<FakesManifest, 'generator' | 'seed' | 'perImage' | 'pairs' | 'triangulation' | 'sbi'>,
): boolean {
  return (
    JSON.stringify(a.sbi ?? {}) === JSON.stringify(b.sbi ?? {}) &&
    a.generator === b.generator &&
    a.seed === b.seed &&
    a.perImage === b.perImage &&
    a.pairs === b.pairs &&
    a.triangulation === b.triangulation
  );
}

/**
 * The manifest of an earlier run into the same class folder, or null when it is unreadable or not one. Samples that
 * are not sample records are dropped (regenerated: same seeds, same bytes); the run options stay, so a folder made
 * with other options is still refused.
 */
export function parseFakesManifest(text: string): FakesManifest | null {
  const m = parseJsonOrUndefined(text);
  if (!isObject(m) || m.tool !== 'fsvfm fakes' || !Array.isArray(m.samples)) return null;
  if (!isString(m.generator) || !isFiniteNumber(m.seed) || !isFiniteNumber(m.perImage)) return null;
  const isSample = (s: unknown): s is FakeSample =>
    isObject(s) && isString(s.output) && isArrayOf(s.sources, isString) && isFiniteNumber(s.seed);
  return {
    ...(m as unknown as FakesManifest),
    samples: m.samples.filter(isSample),
    problems: Array.isArray(m.problems) ? m.problems.filter((p) => isObject(p) && isString(p.input)) : [],
  } as FakesManifest;
}
