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
