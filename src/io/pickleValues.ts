// The value model produced by the safe unpickler: plain JS values plus a few inert classes for Python objects.
import { PickleError } from './malformedInputError.js';

/** Any object the unpickler produces that is not a plain JS value carries its Python class name. */
export interface PyInstance {
  readonly pyClass: string;
}

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | Map<PyValue, PyValue>
  | Set<PyValue>
  | PyInstance;

/** A Python tuple; a real Array (indexing, length, iteration) that the writer can tell apart from a list. */
export class PyTuple extends Array<PyValue> {
  static fromItems(items: readonly PyValue[]): PyTuple {
    const t = new PyTuple();
    for (const x of items) t.push(x);
    return t;
  }
}

/** `collections.OrderedDict`: a Map (insertion-ordered) that pickles back as an OrderedDict. */
export class PyOrderedDict extends Map<PyValue, PyValue> {}

/** A float that must be written as a Python float even when its value is integral (e.g. `scale: 65536.0`). */
export class PyFloat implements PyInstance {
  readonly pyClass = 'builtins.float';
  constructor(readonly value: number) {}
}

/** A reference to a module-level name (the GLOBAL opcode); `allowed` says whether the allow-list knows it. */
export class PyGlobal implements PyInstance {
  readonly pyClass = 'builtins.type';
  constructor(
    readonly module: string,
    readonly name: string,
    readonly allowed: boolean,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An instance of an allow-listed plain class (argparse.Namespace, slice, complex): attributes only. */
export class PyObject implements PyInstance {
  readonly attrs = new Map<string, PyValue>();
  constructor(
    readonly pyClass: string,
    readonly args: readonly PyValue[] = [],
  ) {}
  get(name: string): PyValue | undefined {
    return this.attrs.get(name);
  }
  setState(state: PyValue): void {
    // Python's default __setstate__: a dict of attributes, or (dict, slotstate).
    const parts = Array.isArray(state) ? state : [state];
    for (const part of parts) {
      if (part instanceof Map) for (const [k, v] of part) this.attrs.set(String(k), v);
    }
  }
}

/**
 * Stand-in for anything the allow-list does not know. Nothing is ever executed: the placeholder only records
 * what the pickle asked for (the callable, its arguments, any state or items), so the data stays inspectable.
 */
export class PyPlaceholder implements PyInstance {
  state: PyValue | undefined = undefined;
  readonly listItems: PyValue[] = [];
  readonly dictItems = new Map<PyValue, PyValue>();
  constructor(
    readonly pyClass: string,
    readonly args: readonly PyValue[],
    readonly via: 'REDUCE' | 'NEWOBJ' | 'BUILD',
  ) {}
}

/** `pathlib.PosixPath` / `PurePosixPath` / `WindowsPath`. */
export class PyPath implements PyInstance {
  constructor(
    readonly pyClass: string,
    readonly parts: readonly string[],
  ) {}
  toString(): string {
    const windows = this.pyClass.includes('Windows');
    const sep = windows ? '\\' : '/';
    if (this.parts.length === 0) return '.';
    const [first, ...rest] = this.parts;
    const root = first === '/' || (windows && /[\\/]$/.test(first ?? ''));
    return root ? `${first}${rest.join(sep)}` : this.parts.join(sep);
  }
}

/** `numpy.dtype(descr, align, copy)` after its BUILD: only the type string matters to us. */
export class NumpyDtype implements PyInstance {
  readonly pyClass = 'numpy.dtype';
  state: PyValue = null;
  constructor(readonly descr: string) {}
  setState(state: PyValue): void {
    this.state = state;
  }
  /** Byte order from the BUILD state ('<', '>', '|'); numpy writes it as the 2nd item. */
  get byteOrder(): string {
    const s = this.state;
    return Array.isArray(s) && typeof s[1] === 'string' ? s[1] : '<';
  }
}

/** `numpy.core.multiarray.scalar(dtype, bytes)`: e.g. the numpy.float64 AUC values of FAS checkpoints. */
export class NumpyScalar implements PyInstance {
  readonly pyClass: string;
  constructor(
    readonly dtype: NumpyDtype,
    readonly bytes: Uint8Array,
  ) {
    this.pyClass = `numpy.${numpyTypeName(dtype.descr)}`;
  }
  get value(): number | bigint | boolean {
    const b = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const le = this.dtype.byteOrder !== '>';
    const d = this.dtype.descr.replace(/^[<>=|]/, '');
    const width = Number(d.slice(1));
    if (b.byteLength < width)
      throw new PickleError(`numpy scalar of dtype '${this.dtype.descr}' holds only ${b.byteLength} bytes`);
    switch (d) {
      case 'f8':
        return b.getFloat64(0, le);
      case 'f4':
        return b.getFloat32(0, le);
      case 'i8':
        return b.getBigInt64(0, le);
      case 'u8':
        return b.getBigUint64(0, le);
      case 'i4':
        return b.getInt32(0, le);
      case 'u4':
        return b.getUint32(0, le);
      case 'i2':
        return b.getInt16(0, le);
      case 'u2':
        return b.getUint16(0, le);
      case 'i1':
        return b.getInt8(0);
      case 'u1':
        return b.getUint8(0);
      case 'b1':
        return b.getUint8(0) !== 0;
      default:
        throw new PickleError(`numpy scalar of dtype '${this.dtype.descr}' is not supported`);
    }
  }
  /** The value as a JS number (int64 converted, possibly losing precision beyond 2^53). */
  toNumber(): number {
    const v = this.value;
    return typeof v === 'boolean' ? Number(v) : Number(v);
  }
}

function numpyTypeName(descr: string): string {
  const d = descr.replace(/^[<>=|]/, '');
  const kind = { f: 'float', i: 'int', u: 'uint', b: 'bool', c: 'complex' }[d[0] ?? ''] ?? 'generic';
  if (kind === 'bool') return 'bool_';
  return `${kind}${Number(d.slice(1)) * 8}`;
}

/** Small accessors so callers can walk unpickled trees without casts everywhere. */
export function isPyDict(v: PyValue | undefined): v is Map<PyValue, PyValue> {
  return v instanceof Map;
}

export function dictGet(v: PyValue | undefined, key: PyValue): PyValue | undefined {
  if (v instanceof Map) return v.get(key);
  if (v instanceof PyObject && typeof key === 'string') return v.get(key);
  return undefined;
}
