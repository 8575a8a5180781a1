// Dynamic batching of single-crop scoring requests: while the model runs, new requests queue up; when it is
// free, everything queued (up to one batch) goes in the next run. Frames of a video, files scanned in parallel and
// concurrent HTTP requests thus share model runs without adding latency when the model is idle.

export type BatchRunner<T> = (inputs: Float32Array[]) => Promise<T[]>;

interface Pending<T> {
  input: Float32Array;
  resolve: (v: T) => void;
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
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    const batch = this.queue.splice(0, this.batchSize);
    this.runs++;
    this.scored += batch.length;
    this.run(batch.map((p) => p.input))
      .then(
        (out) => {
          batch.forEach((p, i) => {
            p.resolve(out[i]!);
          });
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
