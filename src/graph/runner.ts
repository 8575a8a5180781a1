// Runs emitted ONNX models with onnxruntime-node. Sessions are cached by model signature and settings.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import ort from 'onnxruntime-node';
import type { HostData } from './dtype.js';
import type { HostTensor } from './hostTensor.js';
import { type EmitOptions, emitOnnx, type OnnxModel, type ValueSpec } from './onnxModel.js';
import { fmt } from './shape.js';
import type { Tensor } from './tensor.js';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface RuntimeOptions {
  /** intra-op threads; default: all cores. */
  threads?: number;
  provider?: ExecutionProvider;
  /**
   * Let idle pool threads spin. Faster for small, latency-bound graphs on an otherwise idle machine; loses badly
   * when another process competes for the cores (measured on 2-core machines), so it is off by default.
   */
  spinning?: boolean;
  /**
   * Write onnxruntime's per-node profile (Chrome trace JSON) to `<profilePrefix>_<date>.json`; the file is complete
   * after `Executable.endProfiling()`.
   */
  profilePrefix?: string;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function sessionOptions(opts: RuntimeOptions): ort.InferenceSession.SessionOptions {
  const spin = opts.spinning ? '1' : '0';
  return {
    executionProviders: [opts.provider ?? 'cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    // onnxruntime's own default counts physical cores as it detects them, which on virtual machines can be one of
    // several (measured: 1 of 2 vCPUs, a ViT-B batch at 0.62× the speed of 2 threads)
    intraOpNumThreads: opts.threads ?? availableParallelism(),
    ...(opts.profilePrefix ? { enableProfiling: true, profileFilePrefix: opts.profilePrefix } : {}),
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  };
}

/** A compiled, runnable program: feeds by input name, returns outputs by name. */
export class Executable {
  private constructor(
    readonly model: OnnxModel,
    private readonly session: ort.InferenceSession,
  ) {}

  static async fromModel(model: OnnxModel, opts: RuntimeOptions = {}): Promise<Executable> {
    const key = createHash('sha256').update(model.bytes).update(JSON.stringify(opts)).digest('hex');
    let session = sessions.get(key);
    if (!session) {
      session = ort.InferenceSession.create(model.bytes, sessionOptions(opts));
      sessions.set(key, session);
      session.catch(() => sessions.delete(key));
    }
    return new Executable(model, await session);
  }

  get inputs(): ValueSpec[] {
    return this.model.inputs;
  }

  /** Stops profiling (sessions made with `profilePrefix`) and flushes the profile file. */
  endProfiling(): void {
    this.session.endProfiling();
  }

  async run(feeds: Record<string, HostTensor | HostData>): Promise<Record<string, HostTensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const spec of this.model.inputs) {
      const v = feeds[spec.name];
      if (v === undefined) throw new Error(`missing input '${spec.name}' (${spec.dtype}${fmt(spec.shape)})`);
      const data = ArrayBuffer.isView(v) ? v : v.data;
      ortFeeds[spec.name] = new ort.Tensor(spec.dtype, data as never, spec.shape);
    }
    const results = await this.session.run(ortFeeds);
    const out: Record<string, HostTensor> = {};
    for (const spec of this.model.outputs) {
      const r = results[spec.name]!;
      out[spec.name] = { dtype: spec.dtype, shape: [...r.dims], data: r.data as HostData };
    }
    return out;
  }
}

/** Emits and compiles in one call. */
export function compile(
  outputs: Record<string, Tensor>,
  opts: RuntimeOptions & EmitOptions = {},
): Promise<Executable> {
  return Executable.fromModel(emitOnnx(outputs, opts), opts);
}

/** Number of cached sessions (for diagnostics). */
export function cachedSessionCount(): number {
  return sessions.size;
}
