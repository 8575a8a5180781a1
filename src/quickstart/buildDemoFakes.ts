// Stage 3: synthetic fakes. SBI of the training faces (the only fakes the detectors see in training) and of the
// validation faces (the detectors' calibration split); for the
// held-out identities SBI and landmark face swaps (a manipulation never seen in training). Then the two test
// sets, with the held-out frames cut into clips so frame- and video-level metrics both mean something.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FaceDetectorLike } from '../data/datasets/faceTools.js';
import { hasImageExtension } from '../data/folders/imageFolder.js';
import {
  buildFakes,
  type FakeKind,
  type FakesManifest,
  meshTriangulation,
  SBI_STRENGTHS,
  type SbiStrength,
  storeLandmarkSidecars,
} from '../data/synthetic/index.js';
import { assignClips, fakeTestName, realTestName } from './heldoutClips.js';
import type { QuickstartConfig } from './quickstartConfig.js';
import { type QuickstartHooks, QuickstartInterrupted } from './quickstartHooks.js';
import type { QuickstartLayout } from './quickstartLayout.js';

export interface FakesCount {
  samples: number;
  skipped: number;
  errors: number;
}

export interface FakesRecord {
  /** SBI ranges of the training and held-out fakes (absent in records of older runs: the defaults) */
  sbiStrength?: SbiStrength;
  trainSbi: FakesCount;
  /** SBI of the group-photo faces (absent in records of older runs) */
  groupSbi?: FakesCount;
  /** SBI of the validation faces, one per face (absent in records of older runs) */
  validationSbi?: FakesCount;
  heldoutSbi: FakesCount;
  heldoutSwap: FakesCount;
  train: { real: number; fake: number };
  /** the detectors' validation split (absent in records of older runs) */
  validation?: { real: number; fake: number };
  testSbi: { real: number; fake: number; realVideos: number; fakeVideos: number };
  testSwap: { real: number; fake: number; realVideos: number; fakeVideos: number };
  /** one held-out face with its SBI and swap fakes, for the report */
  example: { real: string; sbi: string | null; swap: string | null } | null;
}

const images = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => hasImageExtension(f))
        .sort()
    : [];

function copyInto(src: string, dst: string): void {
  if (!existsSync(dst)) copyFileSync(src, dst);
}

export async function buildDemoFakes(
  cfg: QuickstartConfig,
  layout: QuickstartLayout,
  detector: FaceDetectorLike,
  hooks: QuickstartHooks,
): Promise<FakesRecord> {
  const log = hooks.log ?? (() => {});
  const make = async (name: string, inputDir: string, outDir: string, kind: FakeKind, perImage: number) => {
    const m: FakesManifest = await buildFakes({
      inputDir,
      outDir,
      kind,
      perImage,
      detector,
      ...(kind === 'swap'
        ? { triangles: await meshTriangulation() }
        : { sbi: SBI_STRENGTHS[cfg.sbiStrength] }),
      signal: hooks.signal,
      onProgress: ({ done, total, samples, problems }) =>
        hooks.progress?.({
          stage: `fakes ${name}`,
          done,
          total,
          detail: `${samples} fakes, ${problems} skipped`,
        }),
    });
    if (m.interrupted || hooks.signal?.aborted) throw new QuickstartInterrupted(`fakes ${name}`);
    const c = { samples: m.counts.samples, skipped: m.counts.skipped, errors: m.counts.errors };
    log(`fakes ${name}: ${c.samples} made, ${c.skipped} skipped, ${c.errors} errors`);
    if (c.samples === 0)
      throw new Error(
        `no ${kind} fakes could be made for ${name}: ${m.problems
          .slice(0, 3)
          .map((p) => `${p.input}: ${p.reason}`)
          .join('; ')}`,
      );
    return { counts: c, manifest: m };
  };

  // training sets (the pre-training faces, the group-photo faces): real crops + their SBI fakes
  const trainSet = async (name: string, faces: string, root: string, perImage = cfg.sbiPerTrainImage) => {
    const made = await make(name, faces, root, 'sbi', perImage);
    const realDir = join(root, 'real');
    mkdirSync(realDir, { recursive: true });
    for (const f of images(faces)) copyInto(join(faces, f), join(realDir, f));
    return { made, real: images(realDir).length, fake: images(join(root, 'fake_sbi')).length };
  };
  const train = await trainSet(
    'train SBI',
    join(layout.trainFaces, 'images'),
    join(layout.trainSet, 'train'),
  );
  const group = await trainSet('group SBI', join(layout.groupFaces, 'real'), join(layout.groupSet, 'train'));
  // the validation split: each validation face and one SBI of it, so the classes are balanced
  const validation = await trainSet(
    'validation SBI',
    join(layout.valFaces, 'real'),
    join(layout.valSet, 'val'),
    1,
  );
  // the group-photo faces have no parsing maps: their mesh, stored beside each training copy, is what online SBI blends
  const groupReal = join(layout.groupSet, 'train', 'real');
  const outlines = await storeLandmarkSidecars(
    images(groupReal).map((f) => join(groupReal, f)),
    detector,
    hooks.signal,
  );
  if (hooks.signal?.aborted) throw new QuickstartInterrupted('landmarks of the group-photo faces');
  log(
    `group faces: ${outlines.stored} with stored landmarks, ${outlines.without.length} without (not self-blended online)`,
  );

  // held-out fakes
  const heldoutReal = join(layout.heldoutFaces, 'real');
  const sbi = await make('held-out SBI', heldoutReal, layout.heldoutFakes, 'sbi', 1);
  const swap = await make('held-out swap', heldoutReal, layout.heldoutFakes, 'swap', 1);

  // test sets with per-clip video ids
  const reals = images(heldoutReal);
  const clips = assignClips(reals, cfg.clipFrames);
  const assemble = (root: string, kind: FakeKind, m: FakesManifest) => {
    const rd = join(root, 'real');
    const fd = join(root, `fake_${kind}`);
    mkdirSync(rd, { recursive: true });
    mkdirSync(fd, { recursive: true });
    for (const r of reals) copyInto(join(heldoutReal, r), join(rd, realTestName(r, clips.get(r)!)));
    const fakeVideos = new Set<string>();
    let fakes = 0;
    for (const s of m.samples) {
      const source = s.sources[0]!;
      const clip = clips.get(source);
      if (!clip) continue;
      const k = Number(/(\d+)\.png$/.exec(s.output)?.[1] ?? 0);
      copyInto(
        join(layout.heldoutFakes, `fake_${kind}`, s.output),
        join(fd, fakeTestName(source, clip, kind, k)),
      );
      fakeVideos.add(clip);
      fakes++;
    }
    return {
      real: reals.length,
      fake: fakes,
      realVideos: new Set(clips.values()).size,
      fakeVideos: fakeVideos.size,
    };
  };
  const testSbi = assemble(layout.testSbi, 'sbi', sbi.manifest);
  const testSwap = assemble(layout.testSwap, 'swap', swap.manifest);
  log(
    `test sets: SBI ${testSbi.real} real / ${testSbi.fake} fake frames (${testSbi.realVideos} / ${testSbi.fakeVideos} clips), swap ${testSwap.real} / ${testSwap.fake} (${testSwap.realVideos} / ${testSwap.fakeVideos} clips)`,
  );

  const pick = reals.find((r) => r.startsWith('franck')) ?? reals[0];
  const fakeOf = (m: FakesManifest, kind: FakeKind) => {
    const s = m.samples.find((x) => x.sources[0] === pick);
    return s ? join(layout.heldoutFakes, `fake_${kind}`, s.output) : null;
  };
  return {
    sbiStrength: cfg.sbiStrength,
    trainSbi: train.made.counts,
    groupSbi: group.made.counts,
    validationSbi: validation.made.counts,
    heldoutSbi: sbi.counts,
    heldoutSwap: swap.counts,
    train: { real: train.real + group.real, fake: train.fake + group.fake },
    validation: { real: validation.real, fake: validation.fake },
    testSbi,
    testSwap,
    example: pick
      ? {
          real: join(heldoutReal, pick),
          sbi: fakeOf(sbi.manifest, 'sbi'),
          swap: fakeOf(swap.manifest, 'swap'),
        }
      : null,
  };
}
