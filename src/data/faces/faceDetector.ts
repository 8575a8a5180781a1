import type { Config, FaceResult } from '@vladmandic/human';
import type { RgbImage } from '../image/rgbImage.js';
import type { FaceDetection } from './faceDetection.js';
import { type FaceRuntime, loadFaceRuntime, runExclusive } from './faceRuntime.js';

export interface FaceDetectorOptions {
  /** faces scoring below this are dropped (0..1, default 0.3) */
  minScore?: number;
  /** at most this many faces per image (default 10) */
  maxFaces?: number;
  /** run the 468-point face mesh (default true); without it landmarks hold the detector's 6 keypoints */
  mesh?: boolean;
  /** refine the eyes with the iris model, adding points 468..477 (default true; needs mesh) */
  iris?: boolean;
  /** let the detector correct in-plane head rotation before the mesh (slower, better on tilted heads; default false) */
  rotation?: boolean;
}

/** Below this size the detector cannot see a face; such images return [] without running the model. */
const MIN_IMAGE_SIDE = 16;

// tf.tensor3d(uint8, …, 'int32') converts into a fresh Int32Array: 60–80 ms for a 720p frame on the loaded 2-vCPU
// machine, nearly all of it allocating the 11 MB; copying into a buffer kept for the next image of the same size
// takes under 1 ms. The backend copies the values into its own memory when the tensor is made, and detections
// run one at a time (runExclusive), so one buffer per thread serves them all.
let pixelBuffer: Int32Array | undefined;
function int32Pixels(data: Uint8Array): Int32Array {
  if (pixelBuffer?.length !== data.length) pixelBuffer = new Int32Array(data.length);
  pixelBuffer.set(data);
  return pixelBuffer;
}

function checkOptions(o: FaceDetectorOptions): Required<FaceDetectorOptions> {
  const minScore = o.minScore ?? 0.3;
  const maxFaces = o.maxFaces ?? 10;
  if (!(minScore >= 0 && minScore <= 1)) throw new Error(`minScore must be in [0, 1], got ${minScore}`);
  if (!Number.isInteger(maxFaces) || maxFaces < 1)
    throw new Error(`maxFaces must be a positive integer, got ${maxFaces}`);
  return { minScore, maxFaces, mesh: o.mesh ?? true, iris: o.iris ?? true, rotation: o.rotation ?? false };
}

/** Score is BlazeFace's box confidence: human's combined score saturates at 1 once the mesh confirms a face. */
function toDetection(face: FaceResult): FaceDetection {
  const [x, y, width, height] = face.box;
  return {
    score: face.boxScore,
    box: { x, y, width, height },
    landmarks: face.mesh.map((p) => [p[0], p[1], p[2] ?? 0] as [number, number, number]),
  };
}

/**
 * Face detector + 478-point mesh (MediaPipe BlazeFace, FaceMesh and Iris through `@vladmandic/human`) on the
 * tfjs wasm backend. Models load from the installed npm packages; nothing is fetched.
 * All detectors share one engine (see faceRuntime.ts); `create` starts it once and warms it up once.
 */
export class FaceDetector {
  private disposed = false;
  private createdInMs = 0;

  private constructor(
    private readonly runtime: FaceRuntime,
    private readonly options: Required<FaceDetectorOptions>,
  ) {}

  static async create(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
    const checked = checkOptions(options);
    const started = performance.now();
    const runtime = await loadFaceRuntime();
    const detector = new FaceDetector(runtime, checked);
    await warmUpOnce(detector);
    detector.createdInMs = performance.now() - started;
    return detector;
  }

  /** wall time `create` took (engine start + warm-up when this was the first detector), ms */
  get createMs(): number {
    return this.createdInMs;
  }

  /** engine start-up time (ms) of the shared runtime: require + wasm backend + model load */
  get runtimeStartupMs(): number {
    return this.runtime.startupMs;
  }

  /** All faces in the image in detector order, each with score, box and landmarks in image pixels. */
  async detect(img: RgbImage): Promise<FaceDetection[]> {
    if (this.disposed) throw new Error('FaceDetector.detect called after dispose()');
    if (img.data.length !== img.width * img.height * 3) {
      throw new Error(
        `RGB buffer has ${img.data.length} bytes, ${img.width}x${img.height} needs ${img.width * img.height * 3}`,
      );
    }
    if (img.width < MIN_IMAGE_SIDE || img.height < MIN_IMAGE_SIDE) return [];
    const { human, tf } = this.runtime;
    const config = this.humanConfig();
    return runExclusive(async () => {
      const input = tf.tensor3d(int32Pixels(img.data), [img.height, img.width, 3], 'int32');
      try {
        const result = await human.detect(input, config);
        if (result.error) throw new Error(`face detection failed: ${result.error}`);
        return result.face.map(toDetection);
      } finally {
        input.dispose();
      }
    });
  }

  /** Releases this detector. The shared engine's weights (~5 MB) stay loaded for the life of the process. */
  dispose(): void {
    this.disposed = true;
  }

  private humanConfig(): Partial<Config> {
    const o = this.options;
    return {
      face: {
        enabled: true,
        detector: { rotation: o.rotation, maxDetected: o.maxFaces, minConfidence: o.minScore },
        mesh: { enabled: o.mesh },
        iris: { enabled: o.mesh && o.iris },
      },
    };
  }
}

let warmedUp: Promise<void> | undefined;

/** The first inference compiles kernels and allocates; pay that once, in create, not in the first detect. */
function warmUpOnce(detector: FaceDetector): Promise<void> {
  warmedUp ??= detector
    .detect({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(128) })
    .then(() => undefined)
    .catch((err: unknown) => {
      warmedUp = undefined;
      throw err;
    });
  return warmedUp;
}
