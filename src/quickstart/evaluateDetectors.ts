// Stage 5: each detector on the held-out identities — real vs SBI and real vs face swap — at frame and video level
// (the DfD protocol: P(fake) per frame, the mean per video, AUC and EER), and the AUC within each held-out person
// next to the pooled one (the clip names carry the person: `<person>-c<k>`, fakes `<person>-c<k>-<kind>`).

import type { GroupAucSummary } from '../eval/groupAuc.js';
import { evaluate } from '../eval/protocols/index.js';
import type { EvaluatedSet } from '../eval/resultSchema.js';
import { TINY_MODEL } from './quickstartConfig.js';
import type { QuickstartHooks } from './quickstartHooks.js';
import type { QuickstartLayout } from './quickstartLayout.js';
import type { TransferMode } from './trainDetectors.js';

export const TEST_SETS = ['sbi', 'swap'] as const;
export type TestSetName = (typeof TEST_SETS)[number];

export interface LevelMetrics {
  auc: number;
  eer: number;
  n: number;
  real: number;
  fake: number;
  roc: { fpr: number[]; tpr: number[] };
  /** AUC within each held-out person and their mean (absent in records of older runs) */
  perPerson?: Pick<GroupAucSummary, 'groups' | 'meanAuc'>;
}

/** The person of a held-out clip id: `franck-c3` and its fakes' `franck-c3-sbi` belong to `franck` (heldoutClips.ts). */
export const HELDOUT_PERSON_PATTERN = '^(.*)-c\\d+(?:-[a-z]+)?$';

export interface EvaluationRecord {
  mode: TransferMode;
  sets: Record<TestSetName, { frame: LevelMetrics; video: LevelMetrics }>;
  report: string;
  seconds: number;
}

function metrics(s: EvaluatedSet): LevelMetrics {
  const m = s.summary;
  return {
    auc: m.auc,
    eer: m.eer,
    n: m.n,
    real: m.counts.real,
    fake: m.counts.fake,
    roc: { fpr: m.roc.fpr, tpr: m.roc.tpr },
    ...(s.perPerson ? { perPerson: { groups: s.perPerson.groups, meanAuc: s.perPerson.meanAuc } } : {}),
  };
}

export async function evaluateDetector(
  mode: TransferMode,
  checkpoint: string,
  layout: QuickstartLayout,
  hooks: QuickstartHooks & { threads?: number },
): Promise<EvaluationRecord> {
  const t0 = performance.now();
  const outcome = await evaluate(
    {
      protocol: 'dfd',
      checkpoint,
      data: [`sbi=${layout.testSbi}`, `swap=${layout.testSwap}`],
      out: layout.evaluation(mode),
      model: 'custom',
      numHeads: TINY_MODEL.numHeads,
      personId: HELDOUT_PERSON_PATTERN,
      ...(hooks.threads ? { runtime: { threads: hooks.threads } } : {}),
      signal: hooks.signal,
    },
    {
      onProgress: (p) =>
        hooks.progress?.({ stage: `evaluate ${mode} on ${p.set}`, done: p.done, total: p.total }),
    },
  );
  const find = (name: TestSetName, level: 'frame' | 'video') => {
    const s = outcome.result.sets.find((x) => x.name === name && x.level === level);
    if (!s) throw new Error(`the evaluation of ${mode} has no ${level}-level result for ${name}`);
    return metrics(s);
  };
  const sets = Object.fromEntries(
    TEST_SETS.map((n) => [n, { frame: find(n, 'frame'), video: find(n, 'video') }]),
  ) as EvaluationRecord['sets'];
  return { mode, sets, report: outcome.files.html, seconds: (performance.now() - t0) / 1000 };
}
