// A safe unpickler: protocols 0–4 data opcodes (the ones torch.save and numpy emit), an allow-list of globals,
// and inert placeholders for everything else. It never imports, calls or evaluates anything from the stream.
import { PickleError } from './malformedInputError.js';
import { type GlobalTable, PYTHON_GLOBALS } from './pickleGlobals.js';
import { PyFloat, PyGlobal, PyObject, PyPlaceholder, PyTuple, type PyValue } from './pickleValues.js';

export interface UnpickleOptions {
  /** Extra allow-listed globals (merged over the Python defaults), keyed `module.name`. */
  globals?: GlobalTable;
  /** Resolves BINPERSID/PERSID ids (torch storages). Without it a persistent id is an error. */
  persistentLoad?: (pid: PyValue) => PyValue;
  /** Return integral floats (e.g. `65536.0`) as PyFloat so a re-save keeps them floats (lossless round trips). */
  exactFloats?: boolean;
  /** Names the stream in error messages. */
  source?: string;
}

const MARK = Symbol('mark');
/** `sys.int_info.default_max_str_digits`: the longest decimal integer text Python itself converts. */
const MAX_INT_DIGITS = 4300;
type StackItem = PyValue | typeof MARK;

/** Decodes one pickle. Throws an Error naming `source` and the byte offset on malformed or truncated input. */
export function unpickle(data: Uint8Array, options: UnpickleOptions = {}): PyValue {
  return new Unpickler(data, options).load();
}

class Unpickler {
  private pos = 0;
  private stack: StackItem[] = [];
  private memo = new Map<number, PyValue>();
  private readonly view: DataView;
  private readonly globals: GlobalTable;
  private readonly source: string;

  constructor(
    private readonly data: Uint8Array,
    private readonly options: UnpickleOptions,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.globals = { ...PYTHON_GLOBALS, ...(options.globals ?? {}) };
    this.source = options.source ?? 'pickle';
  }

  private fail(msg: string): never {
    throw new PickleError(`${this.source}: ${msg} (at byte ${this.pos})`);
  }

  private need(n: number): void {
    if (this.pos + n > this.data.length) this.fail('truncated pickle data');
  }
  private u8(): number {
    this.need(1);
    return this.data[this.pos++]!;
  }
  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('length field too large');
    return Number(v);
  }
  private bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  private line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('truncated pickle data (no newline)');
    const s = Buffer.from(this.data.subarray(this.pos, end)).toString('latin1');
    this.pos = end + 1;
    return s;
  }
  private utf8(n: number): string {
    return Buffer.from(this.bytes(n)).toString('utf8');
  }

  private push(v: PyValue): void {
    this.stack.push(v);
  }
  private pop(): PyValue {
    if (this.stack.length === 0) this.fail('stack underflow');
    const v = this.stack.pop()!;
    if (v === MARK) this.fail('unexpected MARK on the stack');
    return v;
  }
  private top(): PyValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) this.fail('stack underflow');
    return v;
  }
  private popMark(): PyValue[] {
    const i = this.stack.lastIndexOf(MARK);
    if (i < 0) this.fail('MARK not found');
    const items = this.stack.slice(i + 1) as PyValue[];
    this.stack.length = i;
    return items;
  }
  private put(idx: number): void {
    this.memo.set(idx, this.top());
  }
  private get(idx: number): void {
    if (!this.memo.has(idx)) this.fail(`memo key ${idx} not found`);
    this.push(this.memo.get(idx)!);
  }

  private longFromBytes(b: Uint8Array): number | bigint {
    if (b.length === 0) return 0;
    // one hex parse, linear in the length: shifting a BigInt byte by byte is quadratic (a 100 kB LONG4 took seconds)
    let v = BigInt(`0x${Buffer.from(b).reverse().toString('hex')}`);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private resolveGlobal(module: string, name: string): PyGlobal {
    const key = `${module}.${name}`;
    return new PyGlobal(module, name, Object.hasOwn(this.globals, key));
  }

  private reduce(callable: PyValue, args: PyValue[], via: 'REDUCE' | 'NEWOBJ'): PyValue {
    if (callable instanceof PyGlobal && callable.allowed) {
      const g = this.globals[callable.qualifiedName]!;
      const fn = via === 'NEWOBJ' ? (g.newobj ?? g.call) : g.call;
      if (fn) {
        try {
          return fn(args);
        } catch (err) {
          this.fail(
            `cannot rebuild ${callable.qualifiedName}: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
    }
    const cls =
      callable instanceof PyGlobal
        ? callable.qualifiedName
        : callable instanceof PyPlaceholder
          ? `${callable.pyClass}(...)`
          : typeof callable;
    return new PyPlaceholder(cls, args, via);
  }

  private build(target: PyValue, state: PyValue): void {
    if (target instanceof PyPlaceholder) target.state = state;
    else if (typeof target === 'object' && target !== null && 'setState' in target) {
      (target as PyObject).setState(state);
    }
    // BUILD on other values (e.g. tensors carrying extra Python state) keeps the value unchanged.
  }

  private setItems(target: PyValue, items: PyValue[]): void {
    if (items.length % 2 !== 0) this.fail('odd number of items for SETITEMS');
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i]!;
      const v = items[i + 1]!;
      if (target instanceof Map) target.set(k, v);
      else if (target instanceof PyPlaceholder) target.dictItems.set(k, v);
      else if (target instanceof PyObject) target.attrs.set(String(k), v);
      else this.fail('SETITEM on a non-dict');
    }
  }

  private appendItems(target: PyValue, items: PyValue[]): void {
    if (Array.isArray(target) && !(target instanceof PyTuple)) for (const x of items) target.push(x);
    else if (target instanceof PyPlaceholder) for (const x of items) target.listItems.push(x);
    else this.fail('APPEND on a non-list');
  }

  private persistent(pid: PyValue): PyValue {
    if (!this.options.persistentLoad) this.fail('persistent id found but no persistent loader was given');
    return this.options.persistentLoad(pid);
  }

  load(): PyValue {
    for (;;) {
      const op = this.u8();
      switch (op) {
        case 0x80: {
          const proto = this.u8(); // PROTO
          if (proto > 5) this.fail(`unsupported pickle protocol ${proto}`);
          break;
        }
        case 0x95: // FRAME: frames are only a buffering hint
          this.u64();
          break;
        case 0x2e: // STOP
          return this.pop();
        case 0x28: // MARK
          this.stack.push(MARK);
          break;
        case 0x30: // POP
          if (this.stack.pop() === undefined) this.fail('stack underflow');
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.push(this.top());
          break;
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x49: {
          // INT (text; '00'/'01' are False/True in protocol 0)
          const s = this.line();
          if (s === '00' || s === '01') this.push(s === '01');
          else this.push(this.parseIntText(s));
          break;
        }
        case 0x4a: // BININT
          this.push(this.i32());
          break;
        case 0x4b: // BININT1
          this.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.push(this.u16());
          break;
        case 0x4c: // LONG (text)
          this.push(this.parseIntText(this.line().replace(/L$/, '')));
          break;
        case 0x8a: // LONG1
          this.push(this.longFromBytes(this.bytes(this.u8())));
          break;
        case 0x8b: {
          // LONG4
          const n = this.i32();
          if (n < 0) this.fail('negative LONG4 length');
          this.push(this.longFromBytes(this.bytes(n)));
          break;
        }
        case 0x46: // FLOAT (text)
          this.push(Number.parseFloat(this.line()));
          break;
        case 0x47: {
          // BINFLOAT (big-endian)
          this.need(8);
          const f = this.view.getFloat64(this.pos, false);
          this.push(this.options.exactFloats && Number.isInteger(f) ? new PyFloat(f) : f);
          this.pos += 8;
          break;
        }
        case 0x58: // BINUNICODE
          this.push(this.utf8(this.u32()));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.push(this.utf8(this.u8()));
          break;
        case 0x8d: // BINUNICODE8
          this.push(this.utf8(this.u64()));
          break;
        case 0x54: {
          // BINSTRING (Python 2 str): decoded as latin-1 text
          const n = this.i32();
          if (n < 0) this.fail('negative BINSTRING length');
          this.push(Buffer.from(this.bytes(n)).toString('latin1'));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          this.push(Buffer.from(this.bytes(this.u8())).toString('latin1'));
          break;
        case 0x42: // BINBYTES
          this.push(new Uint8Array(this.bytes(this.u32())));
          break;
        case 0x43: // SHORT_BINBYTES
          this.push(new Uint8Array(this.bytes(this.u8())));
          break;
        case 0x8e: // BINBYTES8
          this.push(new Uint8Array(this.bytes(this.u64())));
          break;
        case 0x5d: // EMPTY_LIST
          this.push([]);
          break;
        case 0x6c: // LIST
          this.push(this.popMark());
          break;
        case 0x61: {
          // APPEND
          const v = this.pop();
          this.appendItems(this.top(), [v]);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          this.appendItems(this.top(), items);
          break;
        }
        case 0x29: // EMPTY_TUPLE
          this.push(new PyTuple());
          break;
        case 0x74: // TUPLE
          this.push(PyTuple.fromItems(this.popMark()));
          break;
        case 0x85: // TUPLE1
          this.push(PyTuple.fromItems([this.pop()]));
          break;
        case 0x86: {
          // TUPLE2
          const b = this.pop();
          const a = this.pop();
          this.push(PyTuple.fromItems([a, b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = this.pop();
          const b = this.pop();
          const a = this.pop();
          this.push(PyTuple.fromItems([a, b, c]));
          break;
        }
        case 0x7d: // EMPTY_DICT
          this.push(new Map());
          break;
        case 0x64: {
          // DICT
          const d = new Map<PyValue, PyValue>();
          this.setItems(d, this.popMark());
          this.push(d);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.top(), [k, v]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case 0x8f: // EMPTY_SET
          this.push(new Set());
          break;
        case 0x90: {
          // ADDITEMS
          const items = this.popMark();
          const s = this.top();
          if (!(s instanceof Set)) this.fail('ADDITEMS on a non-set');
          for (const x of items) s.add(x);
          break;
        }
        case 0x91: // FROZENSET
          this.push(new Set(this.popMark()));
          break;
        case 0x63: {
          // GLOBAL "module\nname\n"
          const module = this.line();
          const name = this.line();
          this.push(this.resolveGlobal(module, name));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string')
            this.fail('STACK_GLOBAL expects two strings');
          this.push(this.resolveGlobal(module, name));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.pop();
          const callable = this.pop();
          if (!Array.isArray(args)) this.fail('REDUCE arguments are not a tuple');
          this.push(this.reduce(callable, args, 'REDUCE'));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          if (!Array.isArray(args)) this.fail('NEWOBJ arguments are not a tuple');
          this.push(this.reduce(cls, args, 'NEWOBJ'));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX (keyword arguments are recorded only on placeholders)
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (!Array.isArray(args)) this.fail('NEWOBJ_EX arguments are not a tuple');
          const obj = this.reduce(cls, args, 'NEWOBJ');
          if (obj instanceof PyPlaceholder && kwargs instanceof Map)
            for (const [k, v] of kwargs) obj.dictItems.set(k, v);
          this.push(obj);
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop();
          this.build(this.top(), state);
          break;
        }
        case 0x70: // PUT (text)
          this.put(Number.parseInt(this.line(), 10));
          break;
        case 0x71: // BINPUT
          this.put(this.u8());
          break;
        case 0x72: // LONG_BINPUT
          this.put(this.u32());
          break;
        case 0x94: // MEMOIZE
          this.memo.set(this.memo.size, this.top());
          break;
        case 0x67: // GET (text)
          this.get(Number.parseInt(this.line(), 10));
          break;
        case 0x68: // BINGET
          this.get(this.u8());
          break;
        case 0x6a: // LONG_BINGET
          this.get(this.u32());
          break;
        case 0x51: // BINPERSID
          this.push(this.persistent(this.pop()));
          break;
        case 0x50: // PERSID (text)
          this.push(this.persistent(this.line()));
          break;
        default:
          this.pos--;
          this.fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    }
  }

  private parseIntText(s: string): number | bigint {
    // Python refuses to parse more than 4300 digits for the same reason: decimal parsing is super-linear
    if (s.length > MAX_INT_DIGITS + 1) this.fail(`integer text of ${s.length} characters is too long`);
    if (!/^[-+]?\d+$/.test(s)) this.fail(`malformed integer '${s}'`);
    const v = BigInt(s);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
}
