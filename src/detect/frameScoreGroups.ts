// The crops of one video, scored in fixed groups: crops line up in frame order (faces in detector order within a
// frame) and every `size` consecutive crops form one model run, the last group holding the rest. Frames may finish
// face detection and cropping in any order and at any time; the groups, and so the scores (int8 quantizes
// activations over the whole run), are the same. A group is sent as soon as it is complete, so scoring overlaps
// the detection of later frames.

export type GroupRunner = (inputs: Float32Array[]) => Promise<number[]>;

interface Crop {
  input: Float32Array;
  resolve: (p: number) => void;
  reject: (e: unknown) => void;
}

export class FrameScoreGroups {
  /** crops of frames not yet released, by frame position */
  private readonly open = new Map<number, Crop[]>();
  private readonly closed = new Set<number>();
  /** crops released in order, waiting for a full group */
  private ready: Crop[] = [];
  /** the next frame position to release */
  private next = 0;
  /** how many frames the video has; known once decoding ended */
  private total: number | undefined;

  constructor(
    private readonly size: number,
    private readonly run: GroupRunner,
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`group size must be a positive integer, got ${size}`);
  }

  /** Queues a crop of frame `frame` (0-based position among the frames read); resolves to its score. */
  score(frame: number, input: Float32Array): Promise<number> {
    if (frame < this.next || this.closed.has(frame)) throw new Error(`frame ${frame} was already closed`);
    return new Promise<number>((resolve, reject) => {
      let crops = this.open.get(frame);
      if (!crops) {
        crops = [];
        this.open.set(frame, crops);
      }
      crops.push({ input, resolve, reject });
    });
  }

  /** Frame `frame` has queued all its crops (call it also when the frame failed, so later frames go on). */
  close(frame: number): void {
    this.closed.add(frame);
    this.release();
  }

  /** No frame after position `total − 1` will come: the last, partial group can go. */
  end(total: number): void {
    this.total = total;
    this.release();
  }

  private release(): void {
    while (this.closed.has(this.next)) {
      this.closed.delete(this.next);
      this.ready.push(...(this.open.get(this.next) ?? []));
      this.open.delete(this.next);
      this.next++;
    }
    while (this.ready.length >= this.size) this.send(this.ready.splice(0, this.size));
    if (this.total !== undefined && this.next >= this.total && this.ready.length > 0) {
      this.send(this.ready);
      this.ready = [];
    }
  }

  private send(group: Crop[]): void {
    this.run(group.map((c) => c.input)).then(
      (scores) => {
        group.forEach((c, i) => {
          c.resolve(scores[i]!);
        });
      },
      (err: unknown) => {
        for (const c of group) c.reject(err);
      },
    );
  }
}
