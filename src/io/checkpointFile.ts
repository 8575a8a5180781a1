// Opening a weights file of either format (torch zip .pth or safetensors) as one uniform tensor table.

import { closeSync, openSync, readSync } from 'node:fs';
import type { LazyTensor } from './lazyTensor.js';
import { CheckpointFormatError } from './malformedInputError.js';
import type { PyValue } from './pickleValues.js';
import { SafetensorsFile } from './safetensors.js';
import type { TensorData, TensorSource, TorchDtype } from './tensorData.js';
import { openTorchCheckpoint, stateDict, type TorchCheckpoint } from './torchCheckpoint.js';

export type WeightsFormat = 'pth' | 'safetensors';

export interface WeightsTensor extends TensorSource {
  readonly dtype: TorchDtype;
  readonly shape: readonly number[];
  read(options?: { raw?: boolean }): Promise<TensorData>;
}

export interface WeightsFile {
  format: WeightsFormat;
  path: string;
  fileSize: number;
  /** The state dict (pth: `model` / `state_dict` / raw dict; safetensors: all tensors). */
  tensors: Map<string, WeightsTensor>;
  /** pth only: the whole unpickled object, its archive folder and format version. */
  torch?: TorchCheckpoint;
  /** safetensors only: `__metadata__`. */
  metadata?: Readonly<Record<string, string>>;
  bytesRead(): number;
  close(): void;
}

/** Sniffs the format from the first bytes (zip magic or a safetensors JSON header). */
export function sniffWeightsFormat(path: string): WeightsFormat | 'legacy-torch' | 'unknown' {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(9);
    const n = readSync(fd, b, 0, 9, 0);
    if (n >= 4 && b.readUInt32LE(0) === 0x04034b50) return 'pth';
    if (n >= 2 && b[0] === 0x80 && b[1]! <= 5) return 'legacy-torch';
    if (n === 9 && b[8] === 0x7b) return 'safetensors';
    return 'unknown';
  } finally {
    closeSync(fd);
  }
}

export async function openWeightsFile(path: string, stateDictKey?: string): Promise<WeightsFile> {
  const format = sniffWeightsFormat(path);
  if (format === 'safetensors') {
    const f = SafetensorsFile.open(path);
    const tensors = new Map<string, WeightsTensor>();
    for (const info of f.tensors.values()) {
      tensors.set(info.name, { dtype: info.dtype, shape: info.shape, read: (o) => f.read(info.name, o) });
    }
    return {
      format,
      path,
      fileSize: f.fileSize,
      tensors,
      metadata: f.metadata,
      bytesRead: () => f.bytesRead,
      close: () => f.close(),
    };
  }
  if (format === 'unknown')
    throw new CheckpointFormatError(`${path}: neither a torch zip checkpoint (.pth) nor a safetensors file`);
  const ckpt = await openTorchCheckpoint(path); // also reports legacy files clearly
  try {
    const sd: Map<string, LazyTensor> = stateDict(ckpt, stateDictKey);
    return {
      format: 'pth',
      path,
      fileSize: ckpt.fileSize,
      tensors: sd,
      torch: ckpt,
      bytesRead: () => ckpt.bytesRead(),
      close: () => ckpt.close(),
    };
  } catch (err) {
    ckpt.close();
    throw err;
  }
}

/** Top-level entry of a torch checkpoint, if the root is a dict. */
export function topLevel(ckpt: TorchCheckpoint, key: string): PyValue | undefined {
  return ckpt.root instanceof Map ? ckpt.root.get(key) : undefined;
}
