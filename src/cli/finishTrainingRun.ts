// The common tail of an interruptible training command (finetune, fas).
import type { Interrupt } from './interrupt.js';
import { asUserError } from './userError.js';

/**
 * Runs the training, stops the progress bar, prints the JSON summary on stdout, exits 130 when the run was
 * interrupted, and turns failures into user errors.
 */
export async function finishTrainingRun<R extends { interrupted: boolean }>(
  run: () => Promise<R>,
  summary: (r: R) => Record<string, unknown>,
  bar: { stop(): void } | undefined,
  stop: Pick<Interrupt, 'dispose'>,
): Promise<void> {
  try {
    const r = await run();
    bar?.stop();
    process.stdout.write(`${JSON.stringify(summary(r))}\n`);
    if (r.interrupted) process.exitCode = 130;
  } catch (err) {
    bar?.stop();
    throw asUserError(err);
  } finally {
    stop.dispose();
  }
}
