// How many pre-training epochs fit a wall-time budget, from the step time measured on this machine.

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
  const epochs = Math.min(b.maxEpochs, Math.max(b.minEpochs, fit));
  return {
    epochs,
    warmupEpochs: epochs >= 4 ? Math.max(1, Math.round(epochs / 10)) : 0,
    expectedSeconds: epochs * b.stepsPerEpoch * b.stepSeconds,
  };
}
