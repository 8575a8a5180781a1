// The allow-list of Python globals the unpickler will interpret. Everything else becomes a PyPlaceholder.
// Each entry builds an inert JS value from already-decoded arguments; none runs code or touches the system.
import { PickleError } from './malformedInputError.js';
import {
  NumpyDtype,
  NumpyScalar,
  PyObject,
  PyOrderedDict,
  PyPath,
  PyTuple,
  type PyValue,
} from './pickleValues.js';

export interface AllowedGlobal {
  /** REDUCE (`callable(*args)`); absent for names that are only data markers (e.g. storage types). */
  call?(args: PyValue[]): PyValue;
  /** NEWOBJ (`cls.__new__(cls, *args)`); defaults to `call`. */
  newobj?(args: PyValue[]): PyValue;
}

export type GlobalTable = Record<string, AllowedGlobal>;

const iterableItems = (v: PyValue | undefined): PyValue[] => {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  if (v instanceof Map) return [...v.keys()];
  if (typeof v === 'string') return [...v];
  throw new PickleError(`pickle: cannot iterate a ${typeof v}`);
};

const pathGlobal = (cls: string): AllowedGlobal => ({
  call: (args) => new PyPath(cls, args.map(String)),
});

/** `_codecs.encode(text, 'latin1')`: how protocol 2 stores `bytes` (e.g. numpy scalar payloads). */
function codecsEncode(args: PyValue[]): PyValue {
  const [text, encoding = 'utf-8'] = args;
  if (typeof text !== 'string' || typeof encoding !== 'string')
    throw new PickleError('pickle: _codecs.encode expects (str, str)');
  const enc = encoding.toLowerCase().replace(/[-_]/g, '');
  if (enc === 'latin1' || enc === 'iso88591') return new Uint8Array(Buffer.from(text, 'latin1'));
  if (enc === 'utf8') return new Uint8Array(Buffer.from(text, 'utf8'));
  throw new PickleError(`pickle: _codecs.encode with encoding '${encoding}' is not supported`);
}

function numpyScalar(args: PyValue[]): PyValue {
  const [dtype, bytes] = args;
  if (!(dtype instanceof NumpyDtype) || !(bytes instanceof Uint8Array))
    throw new PickleError('pickle: malformed numpy scalar');
  return new NumpyScalar(dtype, bytes);
}

const marker: AllowedGlobal = {};

/** Python-level globals shared by every pickle we read. Torch tensor rebuilders are added by the checkpoint reader. */
export const PYTHON_GLOBALS: GlobalTable = {
  'collections.OrderedDict': {
    call: (args) => {
      const d = new PyOrderedDict();
      for (const item of iterableItems(args[0]))
        if (Array.isArray(item)) d.set(item[0] ?? null, item[1] ?? null);
      return d;
    },
  },
  'argparse.Namespace': { call: () => new PyObject('argparse.Namespace') },
  'pathlib.PosixPath': pathGlobal('pathlib.PosixPath'),
  'pathlib.PurePosixPath': pathGlobal('pathlib.PurePosixPath'),
  'pathlib.WindowsPath': pathGlobal('pathlib.WindowsPath'),
  'pathlib.PureWindowsPath': pathGlobal('pathlib.PureWindowsPath'),
  'numpy.core.multiarray.scalar': { call: numpyScalar },
  'numpy._core.multiarray.scalar': { call: numpyScalar },
  'numpy.dtype': { call: (args) => new NumpyDtype(String(args[0])) },
  '_codecs.encode': { call: codecsEncode },
  'builtins.set': { call: (args) => new Set(iterableItems(args[0])) },
  'builtins.frozenset': { call: (args) => new Set(iterableItems(args[0])) },
  'builtins.slice': {
    call: (args) => {
      const s = new PyObject('builtins.slice', args);
      const [a = null, b, c = null] = args;
      // slice(stop) or slice(start, stop[, step])
      s.attrs.set('start', args.length === 1 ? null : a);
      s.attrs.set('stop', args.length === 1 ? a : (b ?? null));
      s.attrs.set('step', c);
      return s;
    },
  },
  'builtins.complex': {
    call: (args) => {
      const c = new PyObject('builtins.complex', args);
      c.attrs.set('real', args[0] ?? 0);
      c.attrs.set('imag', args[1] ?? 0);
      return c;
    },
  },
  'torch.device': {
    call: (args) =>
      args.length > 1 && args[1] !== null ? `${String(args[0])}:${String(args[1])}` : String(args[0]),
  },
  'torch.Size': { call: (args) => PyTuple.fromItems(iterableItems(args[0])) },
};

/** Storage classes referenced by persistent ids; they are data markers, never constructed. */
export const TORCH_STORAGE_TYPES: Record<string, string> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

for (const name of Object.keys(TORCH_STORAGE_TYPES)) PYTHON_GLOBALS[`torch.${name}`] = marker;
