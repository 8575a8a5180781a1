// Face detection (BlazeFace + mesh + iris on tfjs-wasm) in a worker thread. tfjs-wasm computes synchronously on the
// thread that calls it, as onnxruntime-node's `run` does: with detection here, a video scan detects faces in the
// next frames while the calling thread places crops and scores the previous ones. The worker runs the same
// FaceDetector, so the detections are the ones an in-thread detector returns. On request it also places each face's
// dlib window (crops/faceRect.ts, the costliest step of the fsfm-dlib crops after detection) with the same code the
// calling thread would run, so that work overlaps scoring too.
import { Worker } from 'node:worker_threads';
import type { FaceRect } from '../crops/faceRect.js';
import type { RgbImage } from '../image/rgbImage.js';
import type { FaceDetection } from './faceDetection.js';
import type { FaceDetectorOptions } from './faceDetector.js';

export type ToFaceThread = {
  type: 'detect';
  id: number;
  width: number;
  height: number;
  data: Uint8Array;
  /** also place each face's dlib window */
  dlibRects: boolean;
};
export type FromFaceThread =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'faces'; id: number; faces: FaceDetection[]; rects: (FaceRect | null)[] }
  | { type: 'error'; id: number; message: string };

/** Faces with, per face, its dlib window, or null where it was not placed (not asked, or placing it failed). */
export interface FacesWithRects {
  faces: FaceDetection[];
  rects: (FaceRect | null)[];
}

interface Pending {
  resolve: (found: FacesWithRects) => void;
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
      if (msg.type === 'faces') p?.resolve({ faces: msg.faces, rects: msg.rects });
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
  async detect(img: RgbImage): Promise<FaceDetection[]> {
    return (await this.request(img, false)).faces;
  }

  /**
   * As detect, and each face's dlib window as `locateFaceRect(img, face)` gives it; null for a face where that
   * throws (no mesh), so the caller's own call reports the error.
   */
  detectWithDlibRects(img: RgbImage): Promise<FacesWithRects> {
    return this.request(img, true);
  }

  private request(img: RgbImage, dlibRects: boolean): Promise<FacesWithRects> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<FacesWithRects>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      const msg: ToFaceThread = {
        type: 'detect',
        id,
        width: img.width,
        height: img.height,
        data: img.data,
        dlibRects,
      };
      this.worker.postMessage(msg);
    });
  }

  /** Stops the thread; detections still in flight fail. */
  async dispose(): Promise<void> {
    this.dead ??= new Error('FaceDetectorThread used after dispose()');
    await this.worker.terminate();
  }
}
