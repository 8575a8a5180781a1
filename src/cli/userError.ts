/**
 * An error caused by what the user gave us (a bad path, a wrong checkpoint, a malformed flag).
 * The CLI prints its message without a stack trace; the message must say what was wrong and what to do.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Library errors about the user's input become UserErrors (message only); programming errors keep their stack. */
export function asUserError(err: unknown): unknown {
  if (err instanceof UserError) return err;
  if (
    err instanceof Error &&
    !(err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError)
  )
    return new UserError(err.message);
  return err;
}
