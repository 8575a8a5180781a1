// Fuzz targets for every parser that takes outside bytes, and the mutations that feed them. Each target starts from
// small valid files made by the project's own writers (plus a few hand-made hostile ones), and every input must end
// as a valid result or the parser's typed one-line error: never another exception, a hang or a huge allocation.
// Shared by the short run in `npm test` (test/fuzz-parsers.test.ts) and the long run (`npm run fuzz`, bench/fuzz.ts).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import {
  CROP_PLACEMENT,
  isEntryRecord,
  type ManifestEntry,
  parseFaceDatasetManifest,
  summarise,
} from '../src/data/datasets/faceDatasetManifest.js';
import { parseFakesManifest, sameRun } from '../src/data/synthetic/fakesManifest.js';
import { type Calibration, parseCalibration } from '../src/detect/calibration.js';
import { openWeightsFile } from '../src/io/checkpointFile.js';
import { parseJsonOrUndefined } from '../src/io/jsonShape.js';
import { MalformedInputError } from '../src/io/malformedInputError.js';
import { formatNormStats, parseNormStats } from '../src/io/normStats.js';
import { decodeNpy, encodeNpy } from '../src/io/npy.js';
import { unpickle } from '../src/io/pickle.js';
import {
  NumpyDtype,
  NumpyScalar,
  PyObject,
  PyOrderedDict,
  PyPath,
  PyTuple,
  type PyValue,
} from '../src/io/pickleValues.js';
import { PickleWriter } from '../src/io/pickleWriter.js';
import { SafetensorsFile, writeSafetensors } from '../src/io/safetensors.js';
import { saveTorchCheckpoint, torchTensor } from '../src/io/torchSave.js';
import { StageRecords } from '../src/quickstart/stageRecords.js';
import { HttpError } from '../src/server/httpErrors.js';
import { receiveUpload, type Upload } from '../src/server/multipartUpload.js';
import { scratchDir } from './scratchDir.js';

/** What one input came to. `crash`: any other exception (or a multi-line message); `hang`: over HANG_MS. */
export type Outcome = 'valid' | 'typed' | 'crash' | 'hang' | 'oversized';

export const HANG_MS = 1000;
/** Growth of ArrayBuffer memory during one input that counts as an allocation driven by a declared size. */
export const OVERSIZED_BYTES = 64 * 1024 * 1024;

export interface FuzzTarget {
  readonly name: string;
  /** Valid inputs made with the project's writers, and hostile hand-made ones. */
  readonly seeds: readonly Uint8Array[];
  /** Parses one input completely (every tensor read, every value touched); resolves on a valid result. */
  parse(input: Uint8Array): Promise<void>;
  /** The parser's typed error. */
  readonly typedError: (err: unknown) => boolean;
  /** Structure-aware inputs generated from the format's grammar, mixed with the mutated seeds. */
  readonly generated?: fc.Arbitrary<Uint8Array>;
}

export interface CaseResult {
  outcome: Outcome;
  ms: number;
  error?: string;
}

/** Runs one input through a target and classifies what happened. */
export async function runCase(target: FuzzTarget, input: Uint8Array): Promise<CaseResult> {
  const before = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  let outcome: Outcome = 'valid';
  let error: string | undefined;
  try {
    await target.parse(input);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const oneLine = !/[\r\n]/.test(message);
    outcome = target.typedError(err) && oneLine ? 'typed' : 'crash';
    if (outcome === 'crash') error = err instanceof Error ? `${err.name}: ${err.stack ?? message}` : message;
  }
  const ms = performance.now() - t0;
  const grown = process.memoryUsage().arrayBuffers - before;
  if (outcome !== 'crash' && ms > HANG_MS) outcome = 'hang';
  if (outcome !== 'crash' && grown > OVERSIZED_BYTES) {
    outcome = 'oversized';
    error = `ArrayBuffer memory grew by ${(grown / 2 ** 20).toFixed(0)} MiB`;
  }
  return { outcome, ms, error };
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'hugeSize'; at: number; width: 2 | 4 | 8; value: bigint }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number; to: number }
  | { kind: 'nest'; at: number; open: string; close: string; depth: number }
  | { kind: 'random'; bytes: Uint8Array };

/** Positions are fractions of the input's length so one mutation applies to any seed. */
const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const HUGE_SIZES = [
  0xffffn,
  0x7fffffffn,
  0xffffffffn,
  1_000_000_000_000n,
  (1n << 53n) - 1n,
  (1n << 63n) - 1n,
  (1n << 64n) - 1n,
];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('byte' as const), at: position, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('hugeSize' as const),
    at: position,
    width: fc.constantFrom(2 as const, 4 as const, 8 as const),
    value: fc.constantFrom(...HUGE_SIZES),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: position,
    length: fc.integer({ min: 1, max: 96 }),
    to: position,
  }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 512 }) }),
);

const nestArb: fc.Arbitrary<Mutation> = fc
  .tuple(
    position,
    fc.constantFrom<[string, string]>(
      ['[', ']'],
      ['{"a":', '}'],
      ['(', ')'],
      ['\x28\x5d', '\x65'], // pickle MARK EMPTY_LIST … APPENDS: nested lists
      ['\x5d', '\x61'], // pickle EMPTY_LIST … APPEND
    ),
    fc.integer({ min: 1, max: 20000 }),
  )
  .map(([at, [open, close], depth]) => ({ kind: 'nest' as const, at, open, close, depth }));

const anyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 12, arbitrary: mutationArb },
  { weight: 1, arbitrary: nestArb },
);

function applyMutation(input: Uint8Array, m: Mutation): Uint8Array {
  const n = input.length;
  const at = (f: number): number => Math.min(n, Math.floor(f * (n + 1)));
  const splice = (start: number, remove: number, add: Uint8Array): Uint8Array => {
    const out = new Uint8Array(n - remove + add.length);
    out.set(input.subarray(0, start));
    out.set(add, start);
    out.set(input.subarray(start + remove), start + add.length);
    return out;
  };
  switch (m.kind) {
    case 'truncate':
      return input.slice(0, at(m.at));
    case 'flip': {
      if (n === 0) return input;
      const out = input.slice();
      const i = Math.min(n - 1, at(m.at));
      out[i] = out[i]! ^ (1 << m.bit);
      return out;
    }
    case 'byte': {
      if (n === 0) return input;
      const out = input.slice();
      out[Math.min(n - 1, at(m.at))] = m.value;
      return out;
    }
    case 'hugeSize': {
      if (n < m.width) return input;
      const out = input.slice();
      const i = Math.min(n - m.width, at(m.at));
      for (let b = 0; b < m.width; b++) out[i + b] = Number((m.value >> BigInt(8 * b)) & 0xffn);
      return out;
    }
    case 'insert':
      return splice(at(m.at), 0, m.bytes);
    case 'delete': {
      const start = at(m.at);
      return splice(start, Math.min(m.length, n - start), new Uint8Array(0));
    }
    case 'duplicate': {
      const start = at(m.at);
      const chunk = input.slice(start, Math.min(n, start + m.length));
      return splice(at(m.to), 0, chunk);
    }
    case 'nest': {
      const wrapped = Buffer.from(`${m.open.repeat(m.depth)}${m.close.repeat(m.depth)}`, 'latin1');
      return splice(at(m.at), 0, wrapped);
    }
    case 'random':
      return m.bytes;
  }
}

/** Inputs for a target: a seed (often kept valid) under one to four mutations. */
export function inputsFor(target: FuzzTarget): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(
      fc.integer({ min: 0, max: target.seeds.length - 1 }),
      fc.array(anyMutation, { minLength: 0, maxLength: 4 }),
    )
    .map(([seed, mutations]) => mutations.reduce(applyMutation, target.seeds[seed]!));
  if (!target.generated) return mutated;
  const generated = fc
    .tuple(target.generated, fc.array(anyMutation, { maxLength: 1 }))
    .map(([input, mutations]) => mutations.reduce(applyMutation, input));
  return fc.oneof(mutated, generated);
}

// ---------------------------------------------------------------------------------------------------------------
// Targets

const isTyped = (err: unknown): boolean => err instanceof MalformedInputError;

/** Touches every value of an unpickled tree (cycle-safe), including the lazy numpy scalar decode. */
function walk(v: PyValue | undefined, seen = new Set<unknown>()): void {
  if (v === null || v === undefined || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if (v instanceof NumpyScalar) v.toNumber();
  if (Array.isArray(v)) for (const x of v) walk(x, seen);
  else if (v instanceof Map)
    for (const [k, x] of v) {
      walk(k, seen);
      walk(x, seen);
    }
  else if (v instanceof Set) for (const x of v) walk(x, seen);
  else if (v instanceof PyObject) for (const x of v.attrs.values()) walk(x, seen);
}

const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function pickleSeeds(): Uint8Array[] {
  const ns = new PyObject('argparse.Namespace');
  ns.attrs.set('lr', 0.001);
  ns.attrs.set('name', 'vit_base_patch16');
  const scalar = new NumpyScalar(new NumpyDtype('f8'), new Uint8Array(new Float64Array([0.75]).buffer));
  const values: PyValue[] = [
    new Map<PyValue, PyValue>([
      ['epoch', 3],
      ['args', ns],
      ['best_auc', scalar],
      ['big', 1n << 80n],
      ['neg', -123456789],
      ['f', 1.5],
      ['bytes', new Uint8Array([1, 2, 3])],
      ['text', 'héllo'],
      ['path', new PyPath('pathlib.PosixPath', ['/', 'tmp', 'x'])],
    ]),
    [1, [2, [3, [4]]], PyTuple.fromItems(['a', null, true, false])],
    new PyOrderedDict([
      ['a', 1],
      ['b', new Map<PyValue, PyValue>([['c', [1.25, 2.5]]])],
    ]),
  ];
  const seeds = values.map((v) => PickleWriter.dumps(v));
  // hostile: BINBYTES8 / BINUNICODE8 / LONG4 claiming huge lengths, memo of a list inside itself
  seeds.push(bytesOf('\x80\x04\x8e\xff\xff\xff\xff\xff\xff\x00\x00.'));
  seeds.push(bytesOf('\x80\x04\x8d\x00\x00\x00\x00\x00\x00\x10\x00.'));
  seeds.push(bytesOf('\x80\x02\x8b\xff\xff\xff\x7f\x01.'));
  seeds.push(bytesOf('\x80\x02]q\x00h\x00a.'));
  return seeds;
}

/** Opcodes with well-formed arguments, in any order: reaches the value-building paths mutation rarely does. */
const pickleOpcode: fc.Arbitrary<number[]> = fc.oneof(
  fc.constantFrom<number[]>(
    [0x28], // MARK
    [0x30], // POP
    [0x31], // POP_MARK
    [0x32], // DUP
    [0x4e], // NONE
    [0x88], // NEWTRUE
    [0x89], // NEWFALSE
    [0x5d], // EMPTY_LIST
    [0x6c], // LIST
    [0x61], // APPEND
    [0x65], // APPENDS
    [0x29], // EMPTY_TUPLE
    [0x74], // TUPLE
    [0x85], // TUPLE1
    [0x86], // TUPLE2
    [0x87], // TUPLE3
    [0x7d], // EMPTY_DICT
    [0x64], // DICT
    [0x73], // SETITEM
    [0x75], // SETITEMS
    [0x8f], // EMPTY_SET
    [0x90], // ADDITEMS
    [0x91], // FROZENSET
    [0x93], // STACK_GLOBAL
    [0x52], // REDUCE
    [0x81], // NEWOBJ
    [0x92], // NEWOBJ_EX
    [0x62], // BUILD
    [0x94], // MEMOIZE
    [0x51], // BINPERSID
  ),
  fc.integer({ min: 0, max: 255 }).map((v) => [0x4b, v]), // BININT1
  fc.integer({ min: 0, max: 8 }).map((v) => [0x71, v]), // BINPUT
  fc.integer({ min: 0, max: 8 }).map((v) => [0x68, v]), // BINGET
  fc.uint8Array({ maxLength: 12 }).map((b) => [0x8a, b.length, ...b]), // LONG1
  fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => [0x47, ...b]), // BINFLOAT
  fc
    .constantFrom('f8', 'f4', 'i8', 'u1', 'b1', '<', 'latin1', 'utf-8', 'a', '')
    .map((t) => [0x8c, t.length, ...Buffer.from(t, 'latin1')]), // SHORT_BINUNICODE
  fc.uint8Array({ maxLength: 9 }).map((b) => [0x43, b.length, ...b]), // SHORT_BINBYTES
  fc
    .constantFrom(
      'collections\nOrderedDict',
      'argparse\nNamespace',
      'pathlib\nPosixPath',
      'pathlib\nWindowsPath',
      'numpy.core.multiarray\nscalar',
      'numpy\ndtype',
      '_codecs\nencode',
      'builtins\nset',
      'builtins\nfrozenset',
      'builtins\nslice',
      'builtins\ncomplex',
      'torch\ndevice',
      'torch\nSize',
      'torch\nFloatStorage',
      'os\nsystem',
    )
    .map((g) => [0x63, ...Buffer.from(`${g}\n`, 'latin1')]), // GLOBAL
);

const pickleProgram: fc.Arbitrary<Uint8Array> = fc
  .array(pickleOpcode, { minLength: 1, maxLength: 60 })
  .map((ops) => new Uint8Array([0x80, 4, ...ops.flat(), 0x2e]));

export const pickleTarget: FuzzTarget = {
  name: 'pickle',
  seeds: pickleSeeds(),
  generated: pickleProgram,
  parse: async (input) => {
    walk(unpickle(input, { persistentLoad: (pid) => pid }));
  },
  typedError: isTyped,
};

/** A scratch folder for targets that read files; removed at exit. */
const scratch = scratchDir('fsvfm-fuzz-');
let fileCounter = 0;
const scratchFile = (input: Uint8Array, ext: string): string => {
  const p = join(scratch, `input-${fileCounter++ % 4}${ext}`);
  writeFileSync(p, input);
  return p;
};

async function readWeights(path: string): Promise<void> {
  const f = await openWeightsFile(path);
  try {
    if (f.torch) walk(f.torch.root);
    for (const t of f.tensors.values()) await t.read();
  } finally {
    f.close();
  }
}

async function pthSeeds(): Promise<Uint8Array[]> {
  const ns = new PyObject('argparse.Namespace');
  ns.attrs.set('model', 'vit_small');
  const weight = new Float32Array([1, 2, 3, 4, 5, 6]);
  const state = new PyOrderedDict([
    ['blocks.0.weight', torchTensor('float32', [2, 3], weight)],
    ['blocks.0.bias', torchTensor('float16', [3], new Uint16Array([0x3c00, 0x4000, 0x4200]))],
    ['steps', torchTensor('int64', [1], new BigInt64Array([7n]))],
  ]);
  const seeds: Uint8Array[] = [];
  const p = join(scratch, 'seed.pth');
  await saveTorchCheckpoint(
    p,
    new Map<PyValue, PyValue>([
      ['model', state],
      ['epoch', 2],
      ['args', ns],
    ]) as never,
  );
  seeds.push(new Uint8Array(readFileSync(p)));
  await saveTorchCheckpoint(p, state as never);
  seeds.push(new Uint8Array(readFileSync(p)));
  return seeds;
}

/** A torch `data.pkl` holding `{'model': {'w': tensor}}` whose tensor record says what it is told to. */
function torchPickle(numel: number, shape: number[], stride: number[], offset: number): Uint8Array {
  const text = (t: string): number[] => [0x8c, t.length, ...Buffer.from(t, 'latin1')];
  const global = (module: string, name: string): number[] => [
    0x63,
    ...Buffer.from(`${module}\n${name}\n`, 'latin1'),
  ];
  const int = (v: number): number[] => [0x4b, v];
  return new Uint8Array([
    0x80,
    2,
    0x7d,
    ...text('model'),
    0x7d,
    ...text('w'),
    ...global('torch._utils', '_rebuild_tensor_v2'),
    0x28,
    ...[
      0x28,
      ...text('storage'),
      ...global('torch', 'FloatStorage'),
      ...text('0'),
      ...text('cpu'),
      ...int(numel),
      0x74,
      0x51,
    ],
    ...int(offset),
    ...[0x28, ...shape.flatMap(int), 0x74],
    ...[0x28, ...stride.flatMap(int), 0x74],
    0x89,
    0x74,
    0x52,
    0x73,
    0x73,
    0x2e,
  ]);
}

/** Well-formed archives around a generated (often inconsistent) tensor record, stored or deflated. */
const pthArchive: fc.Arbitrary<Uint8Array> = fc
  .record({
    numel: fc.integer({ min: 0, max: 40 }),
    shape: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
    stride: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }),
    offset: fc.integer({ min: 0, max: 12 }),
    dataBytes: fc.integer({ min: 0, max: 200 }),
    level: fc.constantFrom(0 as const, 6 as const),
    byteorder: fc.constantFrom('little', 'big', null),
  })
  .map((r) => {
    const files: Record<string, Uint8Array> = {
      'archive/data.pkl': torchPickle(r.numel, r.shape, r.stride, r.offset),
      'archive/data/0': new Uint8Array(r.dataBytes).fill(0x3f),
      'archive/version': new Uint8Array(Buffer.from('3\n')),
    };
    if (r.byteorder) files['archive/byteorder'] = new Uint8Array(Buffer.from(r.byteorder));
    return zipSync(files, { level: r.level });
  });

export async function pthTarget(): Promise<FuzzTarget> {
  return {
    name: 'zip/.pth',
    seeds: await pthSeeds(),
    generated: pthArchive,
    parse: (input) => readWeights(scratchFile(input, '.pth')),
    typedError: isTyped,
  };
}

async function safetensorsSeeds(): Promise<Uint8Array[]> {
  const p = join(scratch, 'seed.safetensors');
  await writeSafetensors(
    p,
    [
      ['a', { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }],
      ['b', { dtype: 'bfloat16', shape: [3], data: new Uint16Array([0x3f80, 0x4000, 0x4040]) }],
      ['c', { dtype: 'int64', shape: [], data: new BigInt64Array([5n]) }],
    ],
    { format: 'pt', note: 'seed' },
  );
  const valid = new Uint8Array(readFileSync(p));
  const header = (json: string, data = new Uint8Array(0)): Uint8Array => {
    const h = Buffer.from(json, 'utf8');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(h.length));
    return new Uint8Array(Buffer.concat([len, h, data]));
  };
  return [
    valid,
    header('{"t":{"dtype":"F32","shape":[1000000000000],"data_offsets":[0,4000000000000]}}'),
    header('{"t":null,"__metadata__":{"x":{"y":1}}}'),
    header(
      '{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}',
      new Uint8Array(8),
    ),
  ];
}

export async function safetensorsTarget(): Promise<FuzzTarget> {
  return {
    name: 'safetensors',
    seeds: await safetensorsSeeds(),
    parse: async (input) => {
      const f = SafetensorsFile.open(scratchFile(input, '.safetensors'));
      try {
        for (const name of f.tensors.keys()) await f.read(name);
      } finally {
        f.close();
      }
    },
    typedError: isTyped,
  };
}

function npySeeds(): Uint8Array[] {
  const seeds = [
    encodeNpy({ dtype: 'float32', shape: [2, 3], data: new Float32Array(6).fill(0.5) }),
    encodeNpy({ dtype: 'int64', shape: [2], data: new BigInt64Array([1n, -1n]) }),
    encodeNpy({ dtype: 'uint8', shape: [4, 1, 2], data: new Uint8Array(8).fill(7) }),
    encodeNpy({ dtype: 'int16', shape: [0], data: new Int16Array(0) }),
  ].map((b) => new Uint8Array(b));
  const hostile = Buffer.from(
    "\x93NUMPY\x01\x00\x46\x00{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 1000000), }\n",
    'latin1',
  );
  seeds.push(new Uint8Array(hostile));
  return seeds;
}

export const npyTarget: FuzzTarget = {
  name: '.npy',
  seeds: npySeeds(),
  parse: async (input) => {
    decodeNpy(input);
  },
  typedError: isTyped,
};

const utf8 = (input: Uint8Array): string => Buffer.from(input).toString('utf8');

export const normStatsTarget: FuzzTarget = {
  name: 'normalisation stats',
  seeds: [
    formatNormStats({ mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] }),
    `{"mean": [1.0, 0, 0], "std": [1, 1, 1e-3]}\n{"mean": [0, 0, 0], "std": [1, 1, 1]}\n`,
    `\uFEFF{"mean": [0.1, 0.2, 0.3], "std": [0.1, 0.2, 0.3], "mean": [0.4, 0.5, 0.6]}\r\n`,
  ].map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
  parse: async (input) => {
    const stats = parseNormStats(utf8(input), 'stats');
    if (stats.std.some((s) => !(s > 0))) throw new Error('accepted a non-positive std');
  },
  typedError: isTyped,
};

export const calibrationTarget: FuzzTarget = {
  name: 'calibration JSON',
  seeds: [
    JSON.stringify({ threshold: 0.42, source: 'EER on val' }),
    '{"threshold": 0, "source": ""}',
    '{"threshold": 1e-7, "threshold": 0.9}',
  ].map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
  parse: async (input) => {
    const c: Calibration = parseCalibration(utf8(input), 'calibration.json');
    if (!(c.threshold >= 0 && c.threshold <= 1) || typeof c.source !== 'string')
      throw new Error('accepted an invalid calibration');
  },
  typedError: isTyped,
};

const BOUNDARY = 'fuzzBoundary7MA4YWxk';

function multipartSeeds(): Uint8Array[] {
  const part = (name: string, filename: string | null, body: string): string =>
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename === null ? '' : `; filename="${filename}"`}\r\n` +
    `Content-Type: application/octet-stream\r\n\r\n${body}\r\n`;
  return [
    `${part('file', 'face.png', '\x89PNG\r\n\x1a\nabcdef')}--${BOUNDARY}--\r\n`,
    `${part('threshold', null, '0.5')}${part('file', 'clip.mp4', 'x'.repeat(300))}--${BOUNDARY}--\r\n`,
    `${part('file', 'a.jpg', 'first')}${part('file', 'b.jpg', 'second')}--${BOUNDARY}--\r\n`,
    `${part('file', 'big.bin', 'y'.repeat(2000))}--${BOUNDARY}--\r\n`,
  ].map((s) => new Uint8Array(Buffer.from(s, 'latin1')));
}

/** Upload size cap of the multipart target: small, so the over-limit path is hit too. */
const UPLOAD_LIMIT = 1024;

export function multipartTarget(): FuzzTarget {
  const uploads = join(scratch, 'uploads');
  mkdirSync(uploads, { recursive: true });
  return {
    name: 'multipart upload',
    seeds: multipartSeeds(),
    parse: async (input) => {
      const req = Readable.from([Buffer.from(input)]) as unknown as IncomingMessage;
      req.headers = {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': String(input.length),
      };
      // every outcome, success or error, must leave no temp folder behind
      const leftBehind = (): void => {
        const left = readdirSync(uploads);
        for (const d of left) rmSync(join(uploads, d), { recursive: true, force: true });
        if (left.length > 0) throw new Error(`temp upload folder left behind: ${left.join(', ')}`);
      };
      let upload: Upload;
      try {
        upload = await receiveUpload(req, UPLOAD_LIMIT, uploads);
      } catch (err) {
        leftBehind();
        throw err;
      }
      await upload.cleanup();
      leftBehind();
      if (upload.bytes <= 0 || upload.bytes > UPLOAD_LIMIT) throw new Error(`accepted ${upload.bytes} bytes`);
    },
    typedError: (err) => err instanceof HttpError,
  };
}

/** A manifest of `fsvfm faces` as it writes one (two entries, one of them an error). */
function facesManifestSeed(): string {
  const entry = (input: string, status: 'ok' | 'error') => ({
    input,
    kind: 'image',
    status,
    error: status === 'ok' ? null : 'no face',
    faces: status === 'ok' ? 1 : 0,
    crops: status === 'ok' ? 1 : 0,
    frames: 1,
    outputs: status === 'ok' ? ['a.png'] : [],
    crop_boxes:
      status === 'ok'
        ? [{ frame: null, crop_box: { x: 0, y: 0, width: 10, height: 10 }, outputs: ['a.png'] }]
        : [],
    warnings: [],
    cached: false,
  });
  const entries = [entry('/in/a.jpg', 'ok'), entry('/in/b.jpg', 'error')];
  return JSON.stringify({
    tool: 'fsvfm faces',
    recipe: 'vggface2',
    placement: CROP_PLACEMENT,
    layout: 'pretrain',
    options: { frames: 1, fps: null, allFaces: false, className: null, cropSize: 224 },
    counts: summarise(entries as unknown as ManifestEntry[]),
    interrupted: false,
    entries,
  });
}

function fakesManifestSeed(): string {
  return JSON.stringify({
    tool: 'fsvfm fakes',
    generator: 'sbi',
    input: '/in',
    seed: 7,
    perImage: 1,
    pairs: null,
    triangulation: null,
    counts: { inputs: 1, samples: 1, skipped: 0, errors: 0, reused: 0 },
    interrupted: false,
    samples: [
      {
        output: 'a_sbi0.png',
        generator: 'sbi',
        sources: ['a.png'],
        landmarks: ['detected'],
        seed: 9,
        params: {},
      },
    ],
    problems: [{ input: 'b.txt', status: 'skipped', reason: 'not an image' }],
  });
}

/**
 * JSON we write and read back (faces and fakes manifests, face-cache and quickstart stage records): a damaged file
 * reads as absent (null) or as a record whose fields are what the resume code then uses, never as an exception.
 */
export function recordsTarget(): FuzzTarget {
  const dir = join(scratch, 'stages');
  mkdirSync(dir, { recursive: true });
  const records = new StageRecords(dir);
  return {
    name: 'manifests & records (JSON)',
    seeds: [
      facesManifestSeed(),
      fakesManifestSeed(),
      JSON.stringify({ seconds: 1.5, value: { checkpoint: 'x.pth', auc: 0.9 } }),
    ].map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
    parse: async (input) => {
      const text = utf8(input);
      const faces = parseFaceDatasetManifest(text);
      if (faces) {
        summarise(faces.entries);
        faces.entries.filter((e) => e.input.length >= 0 && e.outputs.every((o) => o.length >= 0));
      }
      for (const e of [parseJsonOrUndefined(text)])
        if (isEntryRecord(e)) e.outputs.every((o) => o.length >= 0);
      const fakes = parseFakesManifest(text);
      if (fakes) {
        sameRun(fakes, { generator: 'sbi', seed: 7, perImage: 1, pairs: null, triangulation: null });
        for (const s of fakes.samples) join(dir, s.output);
      }
      writeFileSync(join(dir, 'stage.json'), input);
      records.read<{ seconds: number }>('stage');
    },
    typedError: () => false,
  };
}

/** Every target, seeds built. */
export async function allTargets(): Promise<FuzzTarget[]> {
  return [
    pickleTarget,
    await pthTarget(),
    await safetensorsTarget(),
    npyTarget,
    normStatsTarget,
    calibrationTarget,
    multipartTarget(),
    recordsTarget(),
  ];
}

export interface TargetFigures {
  name: string;
  tried: number;
  valid: number;
  typed: number;
  crashes: number;
  hangs: number;
  oversized: number;
  maxMs: number;
  /** The first few failing inputs (base64) with their errors, for a regression test. */
  failures: { input: string; outcome: Outcome; error?: string }[];
}

/** A target's figures before any input has run. */
export function emptyFigures(name: string): TargetFigures {
  return { name, tried: 0, valid: 0, typed: 0, crashes: 0, hangs: 0, oversized: 0, maxMs: 0, failures: [] };
}

/** Runs `runs` generated inputs through a target (fast-check's seeded generator; no shrinking). */
export async function fuzzTarget(target: FuzzTarget, runs: number, seed: number): Promise<TargetFigures> {
  const figures = emptyFigures(target.name);
  const arb = inputsFor(target);
  const batch = 500;
  for (let done = 0; done < runs; done += batch) {
    const inputs = fc.sample(arb, { numRuns: Math.min(batch, runs - done), seed: seed + done });
    for (const input of inputs) {
      const r = await runCase(target, input);
      figures.tried++;
      figures.maxMs = Math.max(figures.maxMs, r.ms);
      if (r.outcome === 'valid') figures.valid++;
      else if (r.outcome === 'typed') figures.typed++;
      else {
        if (r.outcome === 'crash') figures.crashes++;
        else if (r.outcome === 'hang') figures.hangs++;
        else figures.oversized++;
        if (figures.failures.length < 5)
          figures.failures.push({
            input: Buffer.from(input).toString('base64'),
            outcome: r.outcome,
            error: r.error,
          });
      }
    }
  }
  return figures;
}
