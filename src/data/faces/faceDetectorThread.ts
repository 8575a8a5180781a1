// Face detection (BlazeFace + mesh + iris on tfjs-wasm) in a worker thread. tfjs-wasm computes synchronously on the
// thread that calls it, as onnxruntime-node's `run` does: with detection here, a video scan detects faces in the
// next frames while the calling thread places crops and scores the previous ones. The worker runs the same
// FaceDetector, so the detections are the ones an in-thread detector returns.
import { Worker } from 'node:worker_threads';
import type { RgbImage } from '../image/rgbImage.js';
import type { FaceDetection } from './faceDetection.js';
import type { FaceDetectorOptions } from './faceDetector.js';

export type ToFaceThread = { type: 'detect'; id: number; width: number; height: number; data: Uint8Array };
export type FromFaceThread =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'faces'; id: number; faces: FaceDetection[] }
  | { type: 'error'; id: number; message: string };

interface Pending {
  resolve: (faces: FaceDetection[]) => void;
  reject: (err: Error) => void;
}

/**
 * Starts the worker module. Worker threads do not inherit a TypeScript loader's hooks (tests, `tsx`), so under one
 * the thread registers tsx first; the built package loads the compiled `.js` directly.
 */
function startWorker(options: FaceDetectorOptions): Worker {
  const url = new URL(
    `./faceDetectorThreadMain${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
    import.meta.url,
  );
  if (url.pathname.endsWith('.ts')) {
    const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
    return new Worker(code, { eval: true, workerData: options });
  }
  return new Worker(url, { workerData: options });
}

export class FaceDetectorThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** why the thread is gone (exit, crash, dispose); detect fails with it from then on */
  private dead: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: FromFaceThread) => {
      if (msg.type !== 'faces' && msg.type !== 'error') return;
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.type === 'faces') p?.resolve(msg.faces);
      else p?.reject(new Error(msg.message));
    });
    const fail = (err: Error): void => {
      this.dead ??= err;
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(new Error(`face detection thread failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`face detection thread exited (code ${code})`)));
  }

  /** Loads the face models in a new thread; rejects with the loading error. */
  static async start(options: FaceDetectorOptions = {}): Promise<FaceDetectorThread> {
    const worker = startWorker(options);
    const thread = new FaceDetectorThread(worker);
    try {
      await new Promise<void>((resolve, reject) => {
        const onMessage = (msg: FromFaceThread): void => {
          if (msg.type === 'ready') resolve();
          else if (msg.type === 'failed') reject(new Error(msg.message));
          else return;
          worker.off('message', onMessage);
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`face detection thread exited (code ${code})`)));
      });
    } catch (err) {
      await thread.dispose();
      throw err;
    }
    // an idle thread does not keep the process alive (a caller that forgets dispose still exits); detect refs it
    worker.unref();
    return thread;
  }

  /** false once the thread has exited, crashed or been disposed: start another */
  get alive(): boolean {
    return this.dead === undefined;
  }

  /** As FaceDetector.detect; the pixels are copied to the thread, so `img` stays usable. */
  detect(img: RgbImage): Promise<FaceDetection[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<FaceDetection[]>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      const msg: ToFaceThread = { type: 'detect', id, width: img.width, height: img.height, data: img.data };
      this.worker.postMessage(msg);
    });
  }

  /** Stops the thread; detections still in flight fail. */
  async dispose(): Promise<void> {
    this.dead ??= new Error('FaceDetectorThread used after dispose()');
    await this.worker.terminate();
  }
}
