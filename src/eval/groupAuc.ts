// AUC within groups of samples (people): a pooled AUC also rewards telling people apart (a detector that scores one
// person's real face as more fake than another person's fake still ranks well when people differ), so the AUC of each
// person's own real vs fake samples, and their mean over the people that have both, show what is left when the
// ranking is only ever between samples of the same person.
import { rocAuc } from './auc.js';
import type { BinaryClass } from './scores.js';

export interface GroupAuc {
  group: string;
  auc: number;
  real: number;
  fake: number;
}

export interface GroupAucSummary {
  /** what a group is (e.g. "person") */
  groupedBy: string;
  /** the groups with both classes, in order of first appearance */
  groups: GroupAuc[];
  /** unweighted mean of the groups' AUCs; NaN when no group has both classes */
  meanAuc: number;
  /** groups left out: only one class among their samples */
  oneClass: number;
}

export function groupAucs(
  samples: ReadonlyArray<{ group: string; label: number; score: number }>,
  scoreOf: BinaryClass,
  groupedBy: string,
): GroupAucSummary {
  const byGroup = new Map<string, { labels: number[]; scores: number[] }>();
  for (const s of samples) {
    const g = byGroup.get(s.group) ?? { labels: [], scores: [] };
    g.labels.push(s.label);
    g.scores.push(s.score);
    byGroup.set(s.group, g);
  }
  const groups: GroupAuc[] = [];
  let oneClass = 0;
  for (const [group, g] of byGroup) {
    const real = g.labels.filter((l) => l === 1).length;
    const fake = g.labels.length - real;
    if (real === 0 || fake === 0) {
      oneClass++;
      continue;
    }
    groups.push({ group, auc: rocAuc({ labels: g.labels, scores: g.scores, scoreOf }), real, fake });
  }
  const meanAuc = groups.length ? groups.reduce((s, g) => s + g.auc, 0) / groups.length : Number.NaN;
  return { groupedBy, groups, meanAuc, oneClass };
}
