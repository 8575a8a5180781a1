// Pickle protocol 2 writer for the values torch checkpoints hold. Tensors are written by the caller's hook
// (see torchSave.ts); shared JS objects are memoised so references stay shared after loading.
// Its import list matches pickleGlobals.ts's: both handle the same Python value classes, one writing, one reading.
import {
  NumpyScalar,
  PyFloat,
  PyObject,
  PyOrderedDict,
  PyPath,
  PyTuple,
  type PyValue,
} from './pickleValues.js';

/** Values the writer accepts: unpickled values, plus plain JS objects (written as dicts). */
export type PicklableValue = PyValue | undefined | { readonly [key: string]: PicklableValue };

/** Lets the caller write objects the writer does not know (tensors); return false to fall through. */
export type CustomWriter = (value: object, w: PickleWriter) => boolean;

const BATCH = 1000; // Python's pickler writes APPENDS/SETITEMS in batches of this size

export class PickleWriter {
  private chunks: Uint8Array[] = [];
  private current = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private readonly memo = new Map<unknown, number>();

  constructor(private readonly custom?: CustomWriter) {}

  /** The complete pickle of `value` (PROTO 2 … STOP). */
  static dumps(value: PicklableValue, custom?: CustomWriter): Uint8Array {
    const w = new PickleWriter(custom);
    w.op(0x80, 2);
    w.value(value);
    w.op(0x2e);
    return w.finish();
  }

  private ensure(n: number): void {
    if (this.used + n <= this.current.length) return;
    this.chunks.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafe(Math.max(1 << 16, n));
    this.used = 0;
  }
  private finish(): Uint8Array {
    this.chunks.push(this.current.subarray(0, this.used));
    return Buffer.concat(this.chunks);
  }

  op(...bytes: number[]): void {
    this.ensure(bytes.length);
    for (const b of bytes) this.current[this.used++] = b;
  }
  private raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.current.set(b, this.used);
    this.used += b.length;
  }
  private u32(v: number): void {
    this.ensure(4);
    this.current.writeUInt32LE(v, this.used);
    this.used += 4;
  }

  private memoize(key: unknown): void {
    const idx = this.memo.size;
    this.memo.set(key, idx);
    if (idx < 256) this.op(0x71, idx);
    else {
      this.op(0x72);
      this.u32(idx);
    }
  }
  /** Writes a BINGET if `key` was memoised; returns whether it did. */
  private recall(key: unknown): boolean {
    const idx = this.memo.get(key);
    if (idx === undefined) return false;
    if (idx < 256) this.op(0x68, idx);
    else {
      this.op(0x6a);
      this.u32(idx);
    }
    return true;
  }

  /** GLOBAL `module name`, memoised like Python's pickler does. */
  global(module: string, name: string): void {
    const key = `\0global:${module}.${name}`;
    if (this.recall(key)) return;
    this.op(0x63);
    this.raw(Buffer.from(`${module}\n${name}\n`, 'utf8'));
    this.memoize(key);
  }

  string(s: string): void {
    const key = `\0str:${s}`;
    if (this.recall(key)) return;
    const b = Buffer.from(s, 'utf8');
    this.op(0x58);
    this.u32(b.length);
    this.raw(b);
    this.memoize(key);
  }

  int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 256) this.op(0x4b, v);
    else if (typeof v === 'number' && v >= 0 && v < 65536) this.op(0x4d, v & 0xff, v >> 8);
    else if (typeof v === 'number' && v >= -(2 ** 31) && v < 2 ** 31) {
      this.op(0x4a);
      this.ensure(4);
      this.current.writeInt32LE(v, this.used);
      this.used += 4;
    } else {
      // LONG1: little-endian two's complement, minimal length
      let x = BigInt(v);
      const bytes: number[] = [];
      for (;;) {
        bytes.push(Number(x & 0xffn));
        x >>= 8n;
        const sign = bytes[bytes.length - 1]! & 0x80;
        if ((x === 0n && !sign) || (x === -1n && sign)) break;
      }
      this.op(0x8a, bytes.length, ...bytes);
    }
  }

  float(v: number): void {
    this.op(0x47);
    this.ensure(8);
    this.current.writeDoubleBE(v, this.used);
    this.used += 8;
  }

  /** A tuple of already-written-by-callback items (MARK … TUPLE, or the short forms). */
  tuple(items: readonly PicklableValue[]): void {
    if (items.length === 0) this.op(0x29);
    else if (items.length <= 3) {
      for (const x of items) this.value(x);
      this.op([0x85, 0x86, 0x87][items.length - 1]!);
    } else {
      this.op(0x28);
      for (const x of items) this.value(x);
      this.op(0x74);
    }
  }

  private dictItems(entries: [PicklableValue, PicklableValue][]): void {
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      if (batch.length === 1) {
        this.value(batch[0]![0]);
        this.value(batch[0]![1]);
        this.op(0x73);
      } else {
        this.op(0x28);
        for (const [k, v] of batch) {
          this.value(k);
          this.value(v);
        }
        this.op(0x75);
      }
    }
  }

  value(v: PicklableValue): void {
    if (v === null || v === undefined) this.op(0x4e);
    else if (v === true) this.op(0x88);
    else if (v === false) this.op(0x89);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) this.int(v);
      else this.float(v);
    } else if (typeof v === 'bigint') this.int(v);
    else if (typeof v === 'string') this.string(v);
    else this.object(v);
  }

  private object(v: object): void {
    if (this.recall(v)) return;
    if (this.custom?.(v, this)) return;
    if (v instanceof PyFloat) {
      this.float(v.value);
      return;
    }
    if (v instanceof Uint8Array) {
      // protocol 2 spells bytes as _codecs.encode(latin1 text, 'latin1')
      this.global('_codecs', 'encode');
      this.tuple([Buffer.from(v).toString('latin1'), 'latin1']);
      this.op(0x52);
      this.memoize(v);
      return;
    }
    if (v instanceof PyTuple) {
      this.tuple(v);
      this.memoize(v);
      return;
    }
    if (Array.isArray(v)) {
      this.op(0x5d);
      this.memoize(v);
      for (let i = 0; i < v.length; i += BATCH) {
        const batch = v.slice(i, i + BATCH);
        if (batch.length === 1) {
          this.value(batch[0]);
          this.op(0x61);
        } else {
          this.op(0x28);
          for (const x of batch) this.value(x);
          this.op(0x65);
        }
      }
      return;
    }
    if (v instanceof PyOrderedDict) {
      this.global('collections', 'OrderedDict');
      this.op(0x29, 0x52);
      this.memoize(v);
      this.dictItems([...v.entries()]);
      return;
    }
    if (v instanceof Map) {
      this.op(0x7d);
      this.memoize(v);
      this.dictItems([...v.entries()]);
      return;
    }
    if (v instanceof Set) {
      this.global('builtins', 'set');
      this.tuple([[...v]]);
      this.op(0x52);
      this.memoize(v);
      return;
    }
    if (v instanceof PyPath) {
      const [module, name] = splitClass(v.pyClass);
      this.global(module, name);
      this.tuple(v.parts);
      this.op(0x52);
      this.memoize(v);
      return;
    }
    if (v instanceof PyObject && v.pyClass === 'argparse.Namespace') {
      this.global('argparse', 'Namespace');
      this.op(0x29, 0x81); // cls, (), NEWOBJ — what copyreg.__reduce_ex__(2) produces
      this.memoize(v);
      const state = new Map<PyValue, PyValue>();
      for (const [k, x] of v.attrs) state.set(k, x);
      this.value(state);
      this.op(0x62);
      return;
    }
    if (v instanceof NumpyScalar) {
      this.global('numpy.core.multiarray', 'scalar');
      this.global('numpy', 'dtype');
      this.tuple([v.dtype.descr, false, true]);
      this.op(0x52);
      this.value(PyTuple.fromItems([3, v.dtype.byteOrder, null, null, null, -1, -1, 0]));
      this.op(0x62);
      this.value(v.bytes);
      this.op(0x86, 0x52);
      this.memoize(v);
      return;
    }
    if (Object.getPrototypeOf(v) === Object.prototype) {
      this.op(0x7d);
      this.memoize(v);
      this.dictItems(Object.entries(v));
      return;
    }
    const cls = 'pyClass' in v ? String((v as { pyClass: unknown }).pyClass) : v.constructor.name;
    throw new Error(`cannot pickle a value of type ${cls}`);
  }
}

function splitClass(qualified: string): [string, string] {
  const i = qualified.lastIndexOf('.');
  return [qualified.slice(0, i), qualified.slice(i + 1)];
}
