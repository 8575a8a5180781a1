// Learning-rate and EMA-momentum schedules (SPEC §5.1, §1.5).

export interface LrSchedule {
  lr: number;
  minLr: number;
  warmupEpochs: number;
  epochs: number;
}

/** util/lr_sched.adjust_learning_rate at fractional epoch e: linear warm-up, then half-cosine to minLr. */
export function lrAt(s: LrSchedule, epoch: number): number {
  if (epoch < s.warmupEpochs) return (s.lr * epoch) / s.warmupEpochs;
  return (
    s.minLr +
    (s.lr - s.minLr) *
      0.5 *
      (1 + Math.cos((Math.PI * (epoch - s.warmupEpochs)) / (s.epochs - s.warmupEpochs)))
  );
}

/** lr = blr · effective batch / 256 (the linear scaling rule). */
export function scaledLr(blr: number, effectiveBatch: number): number {
  return (blr * effectiveBatch) / 256;
}

/** EMA momentum at micro-iteration i of n: 1 − (1 − m0)·(1 + cos(π i / n))/2. */
export function emaMomentumAt(m0: number, i: number, n: number): number {
  return 1 - ((1 - m0) * (1 + Math.cos((Math.PI * i) / n))) / 2;
}
