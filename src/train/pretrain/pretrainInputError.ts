// Errors in what the run was given (data folders and files, options, the checkpoint to resume): the CLI reports
// these as user errors, without a stack trace.
export class PretrainInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PretrainInputError';
  }
}

/** Runs a step that reads user input, re-throwing its Error as a PretrainInputError (same message). */
export async function asInputError<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PretrainInputError) throw err;
    throw new PretrainInputError(err instanceof Error ? err.message : String(err));
  }
}
