// Ctrl-C for long commands: the first press asks the work to stop at its next safe point (through an AbortSignal)
// and says what will happen; a second press quits at once with the usual status 130.

export interface Interrupt {
  signal: AbortSignal;
  /** stops listening (call when the work is over) */
  dispose: () => void;
}

/**
 * `notice` says where the work stops, e.g. 'stopping after the current epoch'; `resumable`: the notice adds that
 * running the command again carries on.
 */
export function interruptOnSigint(notice: string, opts: { resumable?: boolean } = {}): Interrupt {
  const ctl = new AbortController();
  const on = () => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write(
      `\n${notice} (Ctrl-C again to quit now)${opts.resumable ? '; re-run to resume' : ''}\n`,
    );
    ctl.abort();
  };
  process.on('SIGINT', on);
  return { signal: ctl.signal, dispose: () => process.off('SIGINT', on) };
}

/** SIGINT and SIGTERM for servers and workers: `stop` runs with the signal's name on each. */
export function onStopSignals(stop: (signal: 'SIGINT' | 'SIGTERM') => void, once = false): () => void {
  const int = () => stop('SIGINT');
  const term = () => stop('SIGTERM');
  process[once ? 'once' : 'on']('SIGINT', int);
  process[once ? 'once' : 'on']('SIGTERM', term);
  return () => {
    process.off('SIGINT', int);
    process.off('SIGTERM', term);
  };
}
