// Concurrency gate: at most `active` scans run at once, at most `waiting` more queue; beyond that, 503.
import { HttpError } from './httpErrors.js';

export class RequestQueue {
  private running = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly active: number,
    readonly waiting: number,
  ) {}

  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiters.length };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.active) {
      if (this.waiters.length >= this.waiting)
        throw new HttpError(
          503,
          `server busy: ${this.running} scans running and ${this.waiters.length} queued; retry later`,
        );
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    } else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.running--;
    }
  }
}
