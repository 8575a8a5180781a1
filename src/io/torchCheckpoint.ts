// Opening torch.save zip checkpoints (.pth / .pth.tar): the unpickled tree with lazily-read tensors.

import { LazyTensor, type StorageRef } from './lazyTensor.js';
import { CheckpointFormatError } from './malformedInputError.js';
import { unpickle } from './pickle.js';
import { type GlobalTable, TORCH_STORAGE_TYPES } from './pickleGlobals.js';
import { PyGlobal, PyObject, PyTuple, type PyValue } from './pickleValues.js';
import { DTYPE_BYTES, type TorchDtype } from './tensorData.js';
import { ZipArchive } from './zipArchive.js';

export interface TorchCheckpoint {
  readonly path: string;
  /** The folder inside the archive (`checkpoint-599/`): the file stem at save time. */
  readonly archivePrefix: string;
  /** Contents of `<prefix>/version` (e.g. "3"), or null. */
  readonly formatVersion: string | null;
  /** The unpickled object; tensors are LazyTensor, dicts are Map / PyOrderedDict. */
  readonly root: PyValue;
  /** Every storage referenced by the pickle, by key. Aliased tensors share one StorageRef. */
  readonly storages: ReadonlyMap<string, StorageRef>;
  readonly fileSize: number;
  /** Bytes read from the file so far. */
  bytesRead(): number;
  /** Archive entry names read so far (to check that e.g. optimizer storages were never touched). */
  entriesRead(): ReadonlySet<string>;
  close(): void;
}

const asInt = (v: PyValue | undefined, what: string): number => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new CheckpointFormatError(`malformed tensor record: ${what} is not an integer`);
};
const asIntList = (v: PyValue | undefined, what: string): number[] => {
  if (!Array.isArray(v)) throw new CheckpointFormatError(`malformed tensor record: ${what} is not a tuple`);
  return v.map((x, i) => asInt(x, `${what}[${i}]`));
};

/**
 * The record's numbers are outside input: offsets, sizes and strides must be non-negative and agree, and a view
 * may not hold more elements than its storage (an "expanded" record could otherwise make `read()` allocate any
 * size from a tiny file).
 */
function checkTensorRecord(t: LazyTensor): void {
  const bad = (why: string): never => {
    throw new CheckpointFormatError(`malformed tensor record: ${why}`);
  };
  if (t.storageOffset < 0) bad('negative storage_offset');
  if (t.stride.length !== t.shape.length)
    bad(`size has ${t.shape.length} dims but stride has ${t.stride.length}`);
  if (t.shape.some((d) => d < 0) || t.stride.some((d) => d < 0)) bad('negative size or stride');
  if (t.numel > t.storage.numel)
    bad(
      `a view of ${t.numel} elements over a storage of ${t.storage.numel} (expanded tensors are not supported)`,
    );
}

/** Allow-listed torch rebuild functions: they only describe tensors, reading happens on `LazyTensor.read()`. */
export const TORCH_GLOBALS: GlobalTable = {
  'torch._utils._rebuild_tensor_v2': {
    call: (args) => {
      const [storage, offset, size, stride, requiresGrad] = args;
      if (!(storage instanceof StorageHandle))
        throw new CheckpointFormatError('tensor without a storage persistent id');
      const tensor = new LazyTensor(
        storage.ref,
        asInt(offset, 'storage_offset'),
        asIntList(size, 'size'),
        asIntList(stride, 'stride'),
        requiresGrad === true,
      );
      checkTensorRecord(tensor);
      return tensor;
    },
  },
  'torch._utils._rebuild_parameter': {
    call: (args) => {
      const [data, requiresGrad] = args;
      if (data instanceof LazyTensor) data.requiresGrad = requiresGrad === true;
      return data ?? null;
    },
  },
};

/** What a persistent id resolves to; only `_rebuild_tensor_v2` consumes it. */
class StorageHandle {
  readonly pyClass = 'torch.storage';
  constructor(readonly ref: StorageRef) {}
}

/** Finds the single `<prefix>/data.pkl` of a torch zip archive. */
function locatePickle(zip: ZipArchive): string {
  const candidates = zip.names().filter((n) => n === 'data.pkl' || /^[^/]+\/data\.pkl$/.test(n));
  if (candidates.length === 0) {
    throw new CheckpointFormatError(
      `${zip.path}: no data.pkl inside the zip archive; this is not a torch.save checkpoint`,
    );
  }
  if (candidates.length > 1)
    throw new CheckpointFormatError(`${zip.path}: several data.pkl entries (${candidates.join(', ')})`);
  return candidates[0]!;
}

/**
 * Opens a torch zip checkpoint: reads the central directory and `data.pkl` only. Tensor bytes are read on demand,
 * so taking `model` from a checkpoint never reads the optimizer's storages. Call `close()` when done.
 */
export async function openTorchCheckpoint(
  path: string,
  options: { exactFloats?: boolean } = {},
): Promise<TorchCheckpoint> {
  const zip = await ZipArchive.open(path);
  try {
    const pklName = locatePickle(zip);
    const prefix = pklName.slice(0, pklName.length - 'data.pkl'.length);
    const versionName = `${prefix}version`;
    const formatVersion = zip.has(versionName) ? (await zip.read(versionName)).toString('utf8').trim() : null;
    const byteorderName = `${prefix}byteorder`;
    if (zip.has(byteorderName)) {
      const order = (await zip.read(byteorderName)).toString('utf8').trim();
      if (order !== 'little')
        throw new CheckpointFormatError(
          `${path}: big-endian checkpoints are not supported (byteorder '${order}')`,
        );
    }
    const storages = new Map<string, StorageRef>();
    const persistentLoad = (pid: PyValue): PyValue => {
      if (!(pid instanceof PyTuple) || pid[0] !== 'storage')
        throw new CheckpointFormatError(`unsupported persistent id ${String(pid)}`);
      const [, type, key, location, numel] = pid;
      if (typeof key !== 'string') throw new CheckpointFormatError('storage key is not a string');
      let ref = storages.get(key);
      if (!ref) {
        const dtype = storageDtype(type);
        const entryName = `${prefix}data/${key}`;
        if (!zip.has(entryName))
          throw new CheckpointFormatError(
            `${path}: storage '${key}' is referenced but ${entryName} is missing`,
          );
        const count = asInt(numel, 'storage numel');
        const need = count * DTYPE_BYTES[dtype];
        if (zip.size(entryName) < need) {
          throw new CheckpointFormatError(
            `${path}: storage '${key}' needs ${need} bytes but its record holds ${zip.size(entryName)}`,
          );
        }
        ref = {
          key,
          dtype,
          numel: count,
          location: typeof location === 'string' ? location : String(location),
          readBytes: (byteOffset, byteLength) => zip.read(entryName, byteOffset, byteLength),
        };
        storages.set(key, ref);
      }
      return new StorageHandle(ref) as unknown as PyValue;
    };
    const root = unpickle(await zip.read(pklName), {
      globals: TORCH_GLOBALS,
      persistentLoad,
      exactFloats: options.exactFloats,
      source: `${path}:${pklName}`,
    });
    return {
      path,
      archivePrefix: prefix,
      formatVersion,
      root,
      storages,
      fileSize: zip.fileSize,
      bytesRead: () => zip.bytesRead,
      entriesRead: () => zip.entriesRead,
      close: () => zip.close(),
    };
  } catch (err) {
    zip.close();
    throw err;
  }
}

function storageDtype(type: PyValue | undefined): TorchDtype {
  if (type instanceof PyGlobal && type.module === 'torch') {
    const dtype = TORCH_STORAGE_TYPES[type.name];
    if (dtype) return dtype as TorchDtype;
  }
  const name = type instanceof PyGlobal ? type.qualifiedName : String(type);
  throw new CheckpointFormatError(`unsupported storage type ${name}`);
}

/**
 * The state dict of a checkpoint: `key` if given, else `model`, else `state_dict`, else the root itself when it is
 * already a dict of tensors. Non-tensor entries are skipped. Keys keep their order.
 */
export function stateDict(ckpt: TorchCheckpoint | PyValue, key?: string): Map<string, LazyTensor> {
  const root = isCheckpoint(ckpt) ? ckpt.root : ckpt;
  const pick = (): PyValue | undefined => {
    if (!(root instanceof Map)) return undefined;
    if (key !== undefined) return root.get(key);
    for (const k of ['model', 'state_dict']) if (root.get(k) instanceof Map) return root.get(k);
    return [...root.values()].some((v) => v instanceof LazyTensor) ? root : undefined;
  };
  const sd = pick();
  if (!(sd instanceof Map)) {
    const keys = root instanceof Map ? [...root.keys()].map(String).join(', ') : typeof root;
    throw new CheckpointFormatError(
      key !== undefined
        ? `the checkpoint has no state dict under '${key}' (top-level keys: ${keys})`
        : `no state dict found (looked for 'model', 'state_dict' or a dict of tensors; top-level keys: ${keys})`,
    );
  }
  const out = new Map<string, LazyTensor>();
  for (const [k, v] of sd) if (v instanceof LazyTensor) out.set(String(k), v);
  return out;
}

function isCheckpoint(v: unknown): v is TorchCheckpoint {
  return typeof v === 'object' && v !== null && 'root' in v && 'storages' in v && !(v instanceof PyObject);
}
