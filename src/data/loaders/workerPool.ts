// A small pool of loader worker threads. Jobs go to the least busy worker; with 0 workers they run inline on the
// main thread (same code, same results).
import { Worker } from 'node:worker_threads';
import { type LoaderJob, type LoaderResult, runLoaderJob } from './loaderJobs.js';

interface Pending {
  resolve: (r: LoaderResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Starts the worker module. Under a TypeScript loader (tests, `tsx`) worker threads do not inherit the loader
 * hooks, so the worker first registers tsx; the built package loads the compiled `.js` directly.
 */
function startWorker(): Worker {
  const url = new URL(`./loaderWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (url.pathname.endsWith('.ts')) {
    const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
    return new Worker(code, { eval: true });
  }
  return new Worker(url);
}

export class LoaderPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending & { slot: Slot }>();
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  constructor(readonly workers: number) {
    for (let i = 0; i < workers; i++) {
      const slot: Slot = { worker: startWorker(), busy: 0 };
      slot.worker.on('message', (msg: { id: number; result?: LoaderResult; error?: string }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        p.slot.busy--;
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.result!);
      });
      slot.worker.on('error', (err) => this.fail(err));
      slot.worker.on('exit', (code) => {
        if (code !== 0 && !this.closed) this.fail(new Error(`loader worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  run(job: LoaderJob): Promise<LoaderResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.slots.length === 0) return runLoaderJob(job);
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
