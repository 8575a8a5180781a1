// Writing .pth files in torch.save's zip format (torch ≥ 1.6): `<prefix>/data.pkl` (pickle protocol 2),
// `<prefix>/data/<key>` (one stored record per storage, 64-byte aligned), `<prefix>/version` = "3\n".
import { writeSync } from 'node:fs';
import { basename } from 'node:path';
import * as zlib from 'node:zlib';
import { Zip, ZipPassThrough } from 'fflate';
import { writeFileAtomic } from './atomicWrite.js';
import { LazyTensor, type StorageRef } from './lazyTensor.js';
import type { PyInstance } from './pickleValues.js';
import { type PicklableValue, PickleWriter } from './pickleWriter.js';
import {
  contiguousStride,
  DTYPE_BYTES,
  encodeForDtype,
  numelOf,
  type TensorData,
  type TensorSource,
  type TorchDtype,
} from './tensorData.js';

/** An in-memory (or on-demand) tensor to save; `torchTensor()` builds one. */
export class TensorValue implements PyInstance, TensorSource {
  readonly pyClass = 'torch.Tensor';
  constructor(
    readonly dtype: TorchDtype,
    readonly shape: readonly number[],
    readonly data?: TensorData,
    private readonly loader?: () => Promise<TensorData>,
    readonly requiresGrad = false,
  ) {
    if (data && data.length !== numelOf(shape)) {
      throw new Error(
        `tensor data has ${data.length} elements but shape [${shape.join(', ')}] needs ${numelOf(shape)}`,
      );
    }
  }
  read(): Promise<TensorData> {
    if (this.data) return Promise.resolve(this.data);
    if (this.loader) return this.loader();
    return Promise.reject(new Error('tensor has neither data nor a loader'));
  }
}

/** A tensor for `saveTorchCheckpoint`: data now, or a loader called once while writing (keeps memory flat). */
export function torchTensor(
  dtype: TorchDtype,
  shape: readonly number[],
  data: TensorData | (() => Promise<TensorData>),
  requiresGrad = false,
): TensorValue {
  return typeof data === 'function'
    ? new TensorValue(dtype, shape, undefined, data, requiresGrad)
    : new TensorValue(dtype, shape, data, undefined, requiresGrad);
}

const STORAGE_CLASS: Record<TorchDtype, string> = {
  float32: 'FloatStorage',
  float16: 'HalfStorage',
  bfloat16: 'BFloat16Storage',
  float64: 'DoubleStorage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  int16: 'ShortStorage',
  int8: 'CharStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

interface PlannedStorage {
  key: string;
  dtype: TorchDtype;
  numel: number;
  bytes: () => Promise<Uint8Array>;
}

export interface SaveTorchOptions {
  /** Folder name inside the archive; torch uses the file stem (`checkpoint-599`). */
  archiveName?: string;
}

export interface SaveTorchResult {
  bytesWritten: number;
  storages: number;
}

/** Node's native CRC-32 (Node ≥ 20.15) is ~12× faster than fflate's JS one; fall back when absent. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** A stored zip entry whose CRC is computed natively. */
class StoredEntry extends ZipPassThrough {
  private running = 0;
  override push(chunk: Uint8Array, final = false): void {
    if (!nativeCrc32) {
      super.push(chunk, final);
      return;
    }
    this.running = nativeCrc32(chunk, this.running);
    this.size += chunk.length;
    if (final) this.crc = this.running >>> 0;
    this.process(chunk as Uint8Array<ArrayBuffer>, final);
  }
}

const ALIGN = 64;
const ZIP32_LIMIT = 0xffffffff;

/**
 * Saves `obj` (dicts/Maps/PyOrderedDict, lists, tuples, numbers, strings, Namespace, paths, numpy scalars and
 * tensors — LazyTensor or TensorValue) as a torch zip checkpoint, atomically. Tensors that share a storage
 * (LazyTensors of one storage, or TensorValues over the same typed array) are written once and stay aliased.
 */
export async function saveTorchCheckpoint(
  path: string,
  obj: PicklableValue,
  options: SaveTorchOptions = {},
): Promise<SaveTorchResult> {
  const prefix = options.archiveName ?? basename(path).replace(/\.pth(\.tar)?$|\.pt$/, '');
  const storages = new Map<unknown, PlannedStorage>();
  const planStorage = (identity: unknown, make: (key: string) => PlannedStorage): PlannedStorage => {
    let s = storages.get(identity);
    if (!s) {
      s = make(String(storages.size));
      storages.set(identity, s);
    }
    return s;
  };

  const writeTensor = (v: object, w: PickleWriter): boolean => {
    let storage: PlannedStorage;
    let offset = 0;
    let shape: readonly number[];
    let stride: readonly number[];
    let requiresGrad = false;
    if (v instanceof LazyTensor) {
      const ref: StorageRef = v.storage;
      storage = planStorage(ref, (key) => ({
        key,
        dtype: ref.dtype,
        numel: ref.numel,
        bytes: () => ref.readBytes(0, ref.numel * DTYPE_BYTES[ref.dtype]),
      }));
      ({ shape, stride, storageOffset: offset, requiresGrad } = v);
    } else if (v instanceof TensorValue) {
      const t = v;
      storage = planStorage(t.data ?? t, (key) => ({
        key,
        dtype: t.dtype,
        numel: numelOf(t.shape),
        bytes: async () => encodeForDtype(t.dtype, await t.read()),
      }));
      shape = t.shape;
      stride = contiguousStride(t.shape);
      requiresGrad = t.requiresGrad;
    } else return false;
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.op(0x28); // MARK (args)
    w.op(0x28); // MARK (persistent id)
    w.string('storage');
    w.global('torch', STORAGE_CLASS[storage.dtype]);
    w.string(storage.key);
    w.string('cpu');
    w.int(storage.numel);
    w.op(0x74, 0x51); // TUPLE, BINPERSID
    w.int(offset);
    w.tuple([...shape]);
    w.tuple([...stride]);
    w.value(requiresGrad);
    w.global('collections', 'OrderedDict'); // backward hooks: an empty OrderedDict
    w.op(0x29, 0x52);
    w.op(0x74, 0x52); // TUPLE, REDUCE
    return true;
  };

  const pickle = PickleWriter.dumps(obj, writeTensor);
  const ordered = [...storages.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  let written = 0;
  await writeFileAtomic(path, async (fd) => {
    let failure: Error | null = null;
    const zip = new Zip((err, chunk) => {
      if (err) failure = err;
      else if (chunk.length) {
        writeSync(fd, chunk);
        written += chunk.length;
      }
    });
    const addRecord = (name: string, data: Uint8Array): void => {
      const fullName = `${prefix}/${name}`;
      const nameLen = Buffer.byteLength(fullName, 'utf8');
      const pad = (ALIGN - ((written + 30 + nameLen + 4) % ALIGN)) % ALIGN;
      if (written + 30 + nameLen + 4 + pad + data.length + 16 > ZIP32_LIMIT) {
        throw new Error('checkpoint larger than 4 GiB: zip64 archives are not supported by this writer yet');
      }
      const file = new StoredEntry(fullName);
      file.extra = { 16966: new Uint8Array(pad).fill(0x5a) }; // 'FB' padding field of 'Z's, as torch writes it
      file.mtime = new Date(1980, 0, 1);
      zip.add(file);
      file.push(data, true);
      if (failure) throw failure;
    };
    addRecord('data.pkl', pickle);
    for (const s of ordered) {
      const bytes = await s.bytes();
      const expected = s.numel * DTYPE_BYTES[s.dtype];
      if (bytes.byteLength !== expected) {
        throw new Error(`storage ${s.key}: got ${bytes.byteLength} bytes, expected ${expected}`);
      }
      addRecord(`data/${s.key}`, bytes);
    }
    addRecord('version', Buffer.from('3\n'));
    zip.end();
    if (failure) throw failure;
    if (written > ZIP32_LIMIT)
      throw new Error('checkpoint larger than 4 GiB: zip64 is not supported by this writer yet');
  });
  return { bytesWritten: written, storages: ordered.length };
}
