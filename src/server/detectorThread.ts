// A Detector running in a worker thread, driven by messages (see detectorThreadMain.ts). If the thread dies, the
// requests in flight fail and the next request starts a fresh thread, so one crash does not take the service down.
import { Worker } from 'node:worker_threads';
import { MediaLimitError, type ModelInfo, type ScanItem, type VideoScanOptions } from '../detect/index.js';
import type {
  FromDetectorThread,
  ThreadDetectorOptions,
  ThreadError,
  ToDetectorThread,
} from './detectorThreadProtocol.js';
import type { ScanEngine } from './scanEngine.js';

interface Pending {
  resolve: (value: ScanItem | Uint8Array) => void;
  reject: (err: Error) => void;
}

/**
 * Starts the worker module. Worker threads do not inherit a TypeScript loader's hooks (tests, `tsx`), so under one
 * the thread registers tsx first; the built package loads the compiled `.js` directly.
 */
function startWorker(opts: ThreadDetectorOptions): Worker {
  const url = new URL(
    `./detectorThreadMain${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
    import.meta.url,
  );
  if (url.pathname.endsWith('.ts')) {
    const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
    return new Worker(code, { eval: true, workerData: opts });
  }
  return new Worker(url, { workerData: opts });
}

function toError(e: ThreadError): Error {
  return e.name === 'MediaLimitError' ? new MediaLimitError(e.message) : new Error(e.message);
}

interface Running {
  worker: Worker;
  ready: Promise<ModelInfo>;
}

export class DetectorThread implements ScanEngine {
  private running: Running | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  private loadedInfo: ModelInfo | undefined;

  private constructor(private readonly opts: ThreadDetectorOptions) {}

  /** Loads the detector in a new thread; rejects with the loading error (bad checkpoint, options). */
  static async start(opts: ThreadDetectorOptions): Promise<DetectorThread> {
    // a progress callback cannot cross the thread boundary
    const { onProgress: _dropped, ...cloneable } = opts as ThreadDetectorOptions & { onProgress?: unknown };
    const thread = new DetectorThread(cloneable);
    try {
      thread.loadedInfo = await thread.thread().ready;
    } catch (err) {
      await thread.dispose();
      throw err;
    }
    return thread;
  }

  get info(): ModelInfo {
    return this.loadedInfo!;
  }

  scanFile(path: string, opts: VideoScanOptions): Promise<ScanItem> {
    const { signal, ...rest } = opts;
    signal?.throwIfAborted();
    return this.request<ScanItem>((id) => ({ type: 'scan', id, path, opts: rest }), signal);
  }

  exportOnnx(): Promise<Uint8Array> {
    return this.request<Uint8Array>((id) => ({ type: 'export-onnx', id }));
  }

  /** Ends the thread; requests still in flight fail. */
  async dispose(): Promise<void> {
    this.closed = true;
    const worker = this.running?.worker;
    this.running = undefined;
    for (const p of this.pending.values()) p.reject(new Error('the detector thread was stopped'));
    this.pending.clear();
    await worker?.terminate();
  }

  private async request<T extends ScanItem | Uint8Array>(
    message: (id: number) => ToDetectorThread,
    signal?: AbortSignal,
  ): Promise<T> {
    if (this.closed) throw new Error('DetectorThread used after dispose()');
    const { worker, ready } = this.thread();
    await ready;
    const id = this.nextId++;
    const onAbort = (): void => worker.postMessage({ type: 'abort', id } satisfies ToDetectorThread);
    try {
      return await new Promise<T>((resolve, reject) => {
        this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
        signal?.addEventListener('abort', onAbort, { once: true });
        worker.postMessage(message(id));
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.pending.delete(id);
    }
  }

  /** The running thread, started (again) when there is none. */
  private thread(): Running {
    if (this.running) return this.running;
    const worker = startWorker(this.opts);
    const ready = new Promise<ModelInfo>((resolve, reject) => {
      const onMessage = (msg: FromDetectorThread): void => {
        if (msg.type === 'ready') resolve(msg.info);
        else if (msg.type === 'failed') reject(toError(msg.error));
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`detector thread exited with code ${code} while loading`)),
      );
    });
    ready.catch(() => undefined);
    this.running = { worker, ready };
    this.attach();
    return this.running;
  }

  private attach(): void {
    const running = this.running!;
    const { worker } = running;
    worker.on('message', (msg: FromDetectorThread) => {
      if (msg.type === 'ready' || msg.type === 'failed') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      if (msg.type === 'error') p.reject(toError(msg.error));
      else p.resolve(msg.type === 'scanned' ? msg.item : msg.onnx);
    });
    const die = (why: Error): void => {
      if (this.running === running) this.running = undefined;
      for (const p of this.pending.values()) p.reject(why);
      this.pending.clear();
    };
    worker.on('error', (err) => die(new Error(`detector thread failed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (!this.closed) die(new Error(`detector thread exited with code ${code}`));
    });
  }
}
