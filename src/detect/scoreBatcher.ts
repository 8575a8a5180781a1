// Dynamic batching of single-crop scoring requests: while the model runs, new requests queue up; when it is
// free, everything queued (up to one batch) goes in the next run. Frames of a video, files scanned in parallel and
// concurrent HTTP requests thus share model runs without adding latency when the model is idle.
// A group (scoreGroup) runs as one model run of its own, never merged with other requests: with int8 the
// activations are quantized over the whole batch, so a result depends on which crops share its run, and a video
// scanned in fixed groups scores the same however its frames are timed.

export type BatchRunner<T> = (inputs: Float32Array[]) => Promise<T[]>;

interface Pending<T> {
  inputs: Float32Array[];
  /** true: run these inputs alone, as one run */
  group: boolean;
  resolve: (v: T[]) => void;
  reject: (e: unknown) => void;
}

export class ScoreBatcher<T> {
  private queue: Pending<T>[] = [];
  private busy = false;
  /** model runs so far, and the inputs they scored (for tests and benchmarks) */
  runs = 0;
  scored = 0;

  constructor(
    private readonly batchSize: number,
    private readonly run: BatchRunner<T>,
  ) {}

  score(input: Float32Array): Promise<T> {
    return this.enqueue([input], false).then((out) => out[0]!);
  }

  /** Scores `inputs` (at most one batch) in one model run of their own, in order. */
  scoreGroup(inputs: Float32Array[]): Promise<T[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    if (inputs.length > this.batchSize)
      return Promise.reject(new Error(`a group of ${inputs.length} exceeds the batch of ${this.batchSize}`));
    return this.enqueue(inputs, true);
  }

  private enqueue(inputs: Float32Array[], group: boolean): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      this.queue.push({ inputs, group, resolve, reject });
      this.pump();
    });
  }

  /** The next run: a group alone, or the singles queued before the next group (up to one batch). */
  private take(): Pending<T>[] {
    if (this.queue[0]!.group) return this.queue.splice(0, 1);
    let n = 0;
    while (n < this.queue.length && n < this.batchSize && !this.queue[n]!.group) n++;
    return this.queue.splice(0, n);
  }

  private pump(): void {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    const batch = this.take();
    const inputs = batch.flatMap((p) => p.inputs);
    this.runs++;
    this.scored += inputs.length;
    this.run(inputs)
      .then(
        (out) => {
          let at = 0;
          for (const p of batch) {
            p.resolve(out.slice(at, at + p.inputs.length));
            at += p.inputs.length;
          }
        },
        (err: unknown) => {
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        this.busy = false;
        this.pump();
      });
  }
}
