// Reading checkpoint state dicts into host float32 values keyed by the official names.

import { SafetensorsFile } from '../io/safetensors.js';
import { openTorchCheckpoint, stateDict as torchStateDict } from '../io/torchCheckpoint.js';
import type { StateDict } from '../nn/stateDict.js';

export interface LoadedStateDict {
  stateDict: StateDict;
  format: 'pth' | 'safetensors';
  /** checkpoint bytes actually read */
  bytesRead: number;
}

/**
 * Loads the state dict of a `.pth`/`.pth.tar` (`model`, then `state_dict`, or `key`) or `.safetensors` file.
 * `filter` limits which tensors are read: the others are never touched on disk.
 */
export async function loadStateDict(
  path: string,
  opts: { key?: string; filter?: (name: string) => boolean } = {},
): Promise<LoadedStateDict> {
  const filter = opts.filter ?? (() => true);
  const out: StateDict = new Map();
  if (path.endsWith('.safetensors')) {
    const f = SafetensorsFile.open(path);
    try {
      for (const [name, info] of f.tensors) {
        if (!filter(name)) continue;
        out.set(name, { shape: [...info.shape], data: toFloat32(await f.read(name), name) });
      }
      return { stateDict: out, format: 'safetensors', bytesRead: f.bytesRead };
    } finally {
      f.close();
    }
  }
  const ckpt = await openTorchCheckpoint(path);
  try {
    for (const [name, t] of torchStateDict(ckpt, opts.key)) {
      if (!filter(name)) continue;
      out.set(name, { shape: [...t.shape], data: toFloat32(await t.read(), name) });
    }
    return { stateDict: out, format: 'pth', bytesRead: ckpt.bytesRead() };
  } finally {
    ckpt.close();
  }
}

function toFloat32(data: ArrayLike<number | bigint>, name: string): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof Float64Array) return Float32Array.from(data);
  throw new Error(
    `tensor '${name}' is not floating point; model weights must be float32/float16/bfloat16/float64`,
  );
}
