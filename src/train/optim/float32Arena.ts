// Float32 arrays that live in WebAssembly memory, with the optimizer kernels (optimizerKernels.wat) bound to it.
// A trainer that keeps its parameters, optimizer moments, gradients and EMA teacher in one arena updates them in
// place with SIMD kernels and no copies; the arrays stay ordinary Float32Arrays for everything else (onnxruntime
// feeds, checkpoints). An arena never grows, so its views never detach.
import { WASM_BASE64 } from './optimizerKernelsWasm.js';

export interface OptimizerKernels {
  adamw(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    decay: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    bc2Sqrt: number,
    eps: number,
    stepSize: number,
    gradScale: number,
    scaled: number,
  ): void;
  ema(teacher: number, student: number, n: number, m: number, oneMinusM: number): void;
  sumsq(g: number, n: number): number;
}

const PAGE = 65536;
/** wasm32 addresses 4 GiB at most. */
const MAX_PAGES = 65536;
const ALIGN = 4;

let compiled: WebAssembly.Module | null = null;
const arenas = new WeakMap<ArrayBufferLike, Float32Arena>();

export class Float32Arena {
  private used = 0;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    readonly kernels: OptimizerKernels,
    /** floats */
    readonly capacity: number,
  ) {}

  /** An arena for `floats` values (each allocation rounded up to 4), or null when it cannot be had. */
  static create(floats: number): Float32Arena | null {
    const pages = Math.max(1, Math.ceil((floats * 4) / PAGE));
    if (pages > MAX_PAGES) return null;
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    } catch {
      return null; // the process could not reserve it: callers fall back to copying kernels
    }
    compiled ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    const arena = new Float32Arena(
      memory,
      instance.exports as unknown as OptimizerKernels,
      (pages * PAGE) / 4,
    );
    arenas.set(memory.buffer, arena);
    return arena;
  }

  /** Floats an allocation of `n` takes (16-byte aligned, so SIMD loads stay aligned). */
  static footprint(n: number): number {
    return Math.ceil(n / ALIGN) * ALIGN;
  }

  alloc(n: number): Float32Array {
    const take = Float32Arena.footprint(n);
    if (this.used + take > this.capacity)
      throw new Error(`float32 arena full: ${this.used} + ${take} > ${this.capacity} floats`);
    const view = new Float32Array(this.memory.buffer, this.used * 4, n);
    this.used += take;
    return view;
  }

  /** `src` copied into a new arena array. */
  adopt(src: Float32Array): Float32Array {
    const view = this.alloc(src.length);
    view.set(src);
    return view;
  }
}

/** The arena an array lives in, if any. */
export function arenaOf(a: Float32Array): Float32Arena | null {
  return arenas.get(a.buffer) ?? null;
}

/** The arena all arrays share, or null. */
export function sharedArena(...arrays: Float32Array[]): Float32Arena | null {
  const first = arenaOf(arrays[0]!);
  return first && arrays.every((a) => a.buffer === arrays[0]!.buffer) ? first : null;
}
