// Errors in what the run was given (data folders, options, the checkpoint to resume): the CLI reports these as
// user errors, without a stack trace.
export class PretrainSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PretrainSetupError';
  }
}

/** Runs a setup step, re-throwing its Error as a PretrainSetupError (same message). */
export async function setupStep<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PretrainSetupError) throw err;
    throw new PretrainSetupError(err instanceof Error ? err.message : String(err));
  }
}
