// What every training command reports and how it is stopped: one abort signal and one set of progress callbacks
// (start, each step, each epoch, free-text log lines), each task filling in its own details.

export interface RunHooks<Start, Step, Epoch> {
  /** stop before the next step; the task keeps what resuming needs */
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  onStart?: (info: Start) => void;
  onStep?: (info: Step) => void;
  onEpoch?: (info: Epoch) => void;
}
