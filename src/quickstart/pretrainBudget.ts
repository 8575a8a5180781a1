// How many pre-training epochs fit a wall-time budget, from the step time measured on this machine; or a fixed count.

export interface BudgetInput {
  /** seconds left for pre-training */
  seconds: number;
  /** measured seconds per step (compilation excluded) */
  stepSeconds: number;
  stepsPerEpoch: number;
  minEpochs: number;
  maxEpochs: number;
}

export interface PretrainPlan {
  epochs: number;
  /** linear warm-up over about the first tenth of the run */
  warmupEpochs: number;
  /** expected seconds of the planned steps */
  expectedSeconds: number;
}

export function planPretrainEpochs(b: BudgetInput): PretrainPlan {
  if (!(b.stepSeconds > 0) || !(b.stepsPerEpoch >= 1))
    throw new Error(
      `cannot plan pre-training from step time ${b.stepSeconds} s and ${b.stepsPerEpoch} steps per epoch`,
    );
  if (!(b.minEpochs >= 1 && b.maxEpochs >= b.minEpochs))
    throw new Error(`epoch bounds [${b.minEpochs}, ${b.maxEpochs}] are not valid`);
  const fit = Math.floor(Math.max(0, b.seconds) / (b.stepSeconds * b.stepsPerEpoch));
  return fixedPretrainPlan(Math.min(b.maxEpochs, Math.max(b.minEpochs, fit)), b.stepSeconds, b.stepsPerEpoch);
}

/** A plan of `epochs` epochs with the same warm-up rule; expected time from the step time when it was measured. */
export function fixedPretrainPlan(
  epochs: number,
  stepSeconds: number | null,
  stepsPerEpoch: number,
): PretrainPlan {
  if (!(Number.isInteger(epochs) && epochs >= 1))
    throw new Error(`pre-training epochs must be a positive integer, got ${epochs}`);
  return {
    epochs,
    warmupEpochs: epochs >= 4 ? Math.max(1, Math.round(epochs / 10)) : 0,
    expectedSeconds: stepSeconds === null ? 0 : epochs * stepsPerEpoch * stepSeconds,
  };
}
