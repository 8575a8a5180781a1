// Where each stage of `fsvfm quickstart` writes under the output folder.
import { join, resolve } from 'node:path';

export interface QuickstartLayout {
  out: string;
  report: string;
  summary: string;
  /** completion records of the stages (resume skips a stage whose record exists) */
  stages: string;
  work: string;
  /** augmented copies of the held-out stills (inputs of the face stage) */
  stillVariants: string;
  /** pre-training layout (images/ + parsing_maps/) of the training identities */
  trainFaces: string;
  /** 224² crops of the held-out identities in one class folder `real/` */
  heldoutFaces: string;
  /** 224² crops of the group-photo people (detector training only) in `real/` */
  groupFaces: string;
  /** 224² crops of the validation people (group photos kept out of training) in `real/` */
  valFaces: string;
  pretrain: string;
  /** fine-tuning set: `train/real`, `train/fake_sbi` */
  trainSet: string;
  /** second fine-tuning root for the group-photo people: `train/real`, `train/fake_sbi` */
  groupSet: string;
  /** the detectors' validation split (their calibration): `val/real`, `val/fake_sbi` */
  valSet: string;
  /** the fake made from the held-out real video the demo scan looks at */
  fakeVideo: string;
  /** generated held-out fakes: `fake_sbi/`, `fake_swap/` */
  heldoutFakes: string;
  /** test sets with per-clip video ids: `sbi/{real,fake_sbi}`, `swap/{real,fake_swap}` */
  testSbi: string;
  testSwap: string;
  detector: (mode: string) => string;
  evaluation: (mode: string) => string;
}

/**
 * The folder's layout for the transfer seed `seed`: faces, pre-training and fakes are shared by every seed; the
 * detectors, their evaluations, report and summary of a seed other than 0 carry `-seed<k>` in their names.
 */
export function quickstartLayout(outDir: string, seed = 0): QuickstartLayout {
  const out = resolve(outDir);
  const work = join(out, 'work');
  const tag = seedTag(seed);
  return {
    out,
    report: join(out, `report${tag}.html`),
    summary: join(out, `summary${tag}.json`),
    stages: join(work, 'stages'),
    work,
    stillVariants: join(work, 'still-variants'),
    trainFaces: join(work, 'faces-train'),
    heldoutFaces: join(work, 'faces-heldout'),
    groupFaces: join(work, 'faces-groups'),
    valFaces: join(work, 'faces-validation'),
    pretrain: join(work, 'pretrain'),
    trainSet: join(work, 'train-set'),
    groupSet: join(work, 'group-set'),
    valSet: join(work, 'validation-set'),
    fakeVideo: join(work, 'fake-video', 'franck-sbi.mp4'),
    heldoutFakes: join(work, 'fakes-heldout'),
    testSbi: join(work, 'test', 'sbi'),
    testSwap: join(work, 'test', 'swap'),
    detector: (mode) => join(work, `detector-${mode}${tag}`),
    evaluation: (mode) => join(work, `eval-${mode}${tag}`),
  };
}

/** '' for the default seed 0 (the names of earlier versions), else `-seed<k>`. */
export function seedTag(seed: number): string {
  return seed === 0 ? '' : `-seed${seed}`;
}
