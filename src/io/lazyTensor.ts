// A tensor of a checkpoint whose bytes stay on disk until `read()`: dtype, shape, strides and its storage record.
import { CheckpointFormatError } from './malformedInputError.js';
import type { PyInstance } from './pickleValues.js';
import { DTYPE_BYTES, decodeRaw, numelOf, type TensorData, type TorchDtype, viewRaw } from './tensorData.js';

/** Where a storage's bytes live; `readBytes` reads a byte range of it. */
export interface StorageRef {
  readonly key: string;
  readonly dtype: TorchDtype;
  /** Element count declared in the persistent id. */
  readonly numel: number;
  /** Device the tensor was saved from, e.g. 'cuda:0' (always loaded to CPU here). */
  readonly location: string;
  readBytes(byteOffset: number, byteLength: number): Promise<Uint8Array>;
}

export class LazyTensor implements PyInstance {
  readonly pyClass = 'torch.Tensor';
  requiresGrad: boolean;
  constructor(
    readonly storage: StorageRef,
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    requiresGrad = false,
  ) {
    this.requiresGrad = requiresGrad;
  }

  get dtype(): TorchDtype {
    return this.storage.dtype;
  }
  get storageKey(): string {
    return this.storage.key;
  }
  get numel(): number {
    return numelOf(this.shape);
  }
  get byteLength(): number {
    return this.numel * DTYPE_BYTES[this.dtype];
  }

  get isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i]! !== 1 && this.stride[i]! !== expected) return false;
      expected *= this.shape[i]!;
    }
    return true;
  }

  /**
   * Reads the tensor in C order. float16/bfloat16 become Float32Array unless `raw` (then Uint16Array bits);
   * float64 → Float64Array, int64 → BigInt64Array, int32 → Int32Array, uint8/bool → Uint8Array.
   * Non-contiguous tensors are materialised from the span of storage they cover.
   */
  async read(options: { raw?: boolean } = {}): Promise<TensorData> {
    const raw = await this.readRaw();
    return options.raw ? raw : decodeRaw(this.dtype, raw);
  }

  private async readRaw(): Promise<TensorData> {
    const size = DTYPE_BYTES[this.dtype];
    const n = this.numel;
    if (n === 0) return viewRaw(this.dtype, new Uint8Array(0));
    if (this.isContiguous) {
      this.checkSpan(this.storageOffset, this.storageOffset + n - 1);
      return viewRaw(this.dtype, await this.storage.readBytes(this.storageOffset * size, n * size));
    }
    let lo = this.storageOffset;
    let hi = this.storageOffset;
    for (let d = 0; d < this.shape.length; d++) {
      const extent = (this.shape[d]! - 1) * this.stride[d]!;
      if (extent < 0) lo += extent;
      else hi += extent;
    }
    this.checkSpan(lo, hi);
    const span = viewRaw(this.dtype, await this.storage.readBytes(lo * size, (hi - lo + 1) * size));
    const out = viewRaw(this.dtype, new Uint8Array(n * size));
    const index = new Array<number>(this.shape.length).fill(0);
    let src = this.storageOffset - lo;
    for (let i = 0; i < n; i++) {
      (out as Uint8Array)[i] = (span as Uint8Array)[src]!;
      for (let d = this.shape.length - 1; d >= 0; d--) {
        index[d]!++;
        src += this.stride[d]!;
        if (index[d]! < this.shape[d]!) break;
        src -= this.shape[d]! * this.stride[d]!;
        index[d] = 0;
      }
    }
    return out;
  }

  private checkSpan(lo: number, hi: number): void {
    if (!(lo >= 0 && hi < this.storage.numel)) {
      throw new CheckpointFormatError(
        `tensor view [${lo}, ${hi}] lies outside storage '${this.storage.key}' of ${this.storage.numel} elements (corrupt checkpoint)`,
      );
    }
  }
}
