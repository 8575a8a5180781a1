import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type * as tfConverter from '@tensorflow/tfjs-converter';
import type * as tfCore from '@tensorflow/tfjs-core';
import type { Config, Human } from '@vladmandic/human';
import { fileModelRouter } from './fileModelRouter.js';
import { type FaceModelLocations, faceModelLocations } from './packageLocations.js';

/** The tfjs namespace as the human wasm build re-exports it (core + converter + wasm backend in one object). */
export type Tfjs = typeof tfCore & Pick<typeof tfConverter, 'loadGraphModel'>;

interface HumanWasmBuild {
  Human: new (config?: Partial<Config>) => Human;
}

/**
 * Process-wide face runtime: the human wasm build, tfjs on the wasm backend and the `file://` model router.
 * tfjs keeps one engine per process and human caches its models in module scope, so there is exactly one
 * runtime and one Human engine; everything in the face pipeline shares them.
 */
export interface FaceRuntime {
  tf: Tfjs;
  human: Human;
  locations: FaceModelLocations;
  /** wall time spent bringing the runtime up (require, wasm backend, model load), ms */
  startupMs: number;
}

let pending: Promise<FaceRuntime> | undefined;

/** Config for the one Human engine: wasm backend, local models, face only, no frame-to-frame caching. */
export function humanEngineConfig(locations: FaceModelLocations): Partial<Config> {
  return {
    backend: 'wasm',
    wasmPath: locations.wasmDir,
    modelBasePath: `${pathToFileURL(locations.humanModels).href}/`,
    debug: false,
    async: false,
    warmup: 'none',
    cacheModels: false,
    // 0 turns off human's reuse of results between "similar" inputs: every call really runs the models.
    cacheSensitivity: 0,
    validateModels: false,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 10, minConfidence: 0.3, return: false },
      mesh: { enabled: true },
      iris: { enabled: true },
      attention: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  };
}

async function startFaceRuntime(): Promise<FaceRuntime> {
  const started = performance.now();
  const locations = faceModelLocations();
  const require = createRequire(import.meta.url);
  const build = require(locations.humanWasmBuild) as HumanWasmBuild;
  const human = new build.Human(humanEngineConfig(locations));
  const tf = human.tf as Tfjs;
  tf.io.registerLoadRouter(fileModelRouter);
  await human.load();
  if (tf.getBackend() !== 'wasm') throw new Error(`tfjs backend is ${tf.getBackend()}, expected wasm`);
  return { tf, human, locations, startupMs: performance.now() - started };
}

/** The shared runtime, started on first use. A failed start is not cached, so a later call can retry. */
export function loadFaceRuntime(): Promise<FaceRuntime> {
  if (!pending) {
    pending = startFaceRuntime().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
  }
  return pending;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `job` after every job queued before it. The Human engine keeps per-call state (config, last result),
 * so concurrent calls from different detectors or parsers must not interleave.
 */
export function runExclusive<T>(job: () => Promise<T>): Promise<T> {
  const result = queue.then(job, job);
  queue = result.catch(() => undefined);
  return result;
}
