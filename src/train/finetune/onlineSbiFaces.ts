// The real faces an online-SBI run blends, each with the outline stored for it: a landmark sidecar
// (`<name>.landmarks.json` beside the image, as `fsvfm fakes` reads), the parsing map of the pre-training layout
// (`<dir>/../parsing_maps/<name>.npy`, as `fsvfm faces` writes), or `<name>.npy` in a folder given with --sbi_maps.
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { LabeledSample } from '../../data/folders/index.js';
import type { OutlineSource } from '../../data/loaders/sbiPairsJob.js';
import { LANDMARK_SIDECAR_SUFFIX } from '../../data/synthetic/landmarkSidecar.js';

export interface OnlineSbiFace {
  /** index in the training split (the generator of its blends is seeded from it) */
  index: number;
  image: string;
  outline: OutlineSource;
}

export interface OnlineSbiFaces {
  faces: OnlineSbiFace[];
  realLabel: number;
  fakeLabel: number;
  /** real faces left out: no outline stored for them */
  withoutOutline: string[];
  /** images of other classes (pre-made fakes) not used */
  otherClass: number;
}

export function outlineSourceOf(image: string, mapDirs: readonly string[]): OutlineSource | null {
  const stem = basename(image, extname(image));
  const sidecar = join(dirname(image), `${stem}${LANDMARK_SIDECAR_SUFFIX}`);
  if (existsSync(sidecar)) return { kind: 'landmarks', path: sidecar };
  for (const dir of [join(dirname(image), '..', 'parsing_maps'), ...mapDirs]) {
    const map = join(dir, `${stem}.npy`);
    if (existsSync(map)) return { kind: 'parsing-map', path: map };
  }
  return null;
}

/** The real faces with an outline; throws when the classes are not real + one fake class, or no face has one. */
export function onlineSbiFaces(
  train: readonly LabeledSample[],
  classToIdx: Record<string, number>,
  realIndex: number | null,
  mapDirs: readonly string[],
): OnlineSbiFaces {
  const labels = Object.values(classToIdx);
  if (realIndex === null || labels.length !== 2)
    throw new Error(
      `--online_sbi trains real against self-blended faces: the data needs a real class and one fake class (classes: ${Object.keys(classToIdx).join(', ')})`,
    );
  const fakeLabel = labels.find((l) => l !== realIndex)!;
  const faces: OnlineSbiFace[] = [];
  const withoutOutline: string[] = [];
  let otherClass = 0;
  train.forEach((s, index) => {
    if (s.label !== realIndex) {
      otherClass++;
      return;
    }
    const outline = outlineSourceOf(s.path, mapDirs);
    if (outline) faces.push({ index, image: s.path, outline });
    else withoutOutline.push(s.path);
  });
  if (faces.length === 0)
    throw new Error(
      `--online_sbi: none of the ${withoutOutline.length} real training faces has a stored outline (<name>${LANDMARK_SIDECAR_SUFFIX} beside it, ../parsing_maps/<name>.npy, or <name>.npy in a --sbi_maps folder)`,
    );
  return { faces, realLabel: realIndex, fakeLabel, withoutOutline, otherClass };
}
