// Every parser of outside bytes, fed a few hundred mutated and generated inputs: each must end as a valid result or
// the parser's typed one-line error (no other exception, no hang, no allocation sized by a declared length). The
// long run is `npm run fuzz`. Below it, one regression test per bug the fuzzer found.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { parseFaceDatasetManifest } from '../src/data/datasets/faceDatasetManifest.js';
import { parseFakesManifest } from '../src/data/synthetic/fakesManifest.js';
import { parseCalibration } from '../src/detect/calibration.js';
import { openWeightsFile } from '../src/io/checkpointFile.js';
import {
  CalibrationError,
  MalformedInputError,
  NpyError,
  PickleError,
  SafetensorsError,
} from '../src/io/malformedInputError.js';
import { decodeNpy } from '../src/io/npy.js';
import { unpickle } from '../src/io/pickle.js';
import { NumpyDtype, NumpyScalar } from '../src/io/pickleValues.js';
import { SafetensorsFile } from '../src/io/safetensors.js';
import { StageRecords } from '../src/quickstart/stageRecords.js';
import { allTargets, inputsFor as inputsOf, runCase } from './fuzz-parsers.js';
import { scratchDir } from './scratchDir.js';

const RUNS_PER_PARSER = 300;

test(`fuzz: ${RUNS_PER_PARSER} inputs per parser end as a valid result or a typed one-line error`, async (t) => {
  for (const target of await allTargets()) {
    await t.test(target.name, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constantFrom(...target.seeds), inputsOf(target)),
          async (input: Uint8Array) => {
            const r = await runCase(target, input);
            assert.ok(r.outcome === 'valid' || r.outcome === 'typed', `${r.outcome}: ${r.error ?? ''}`);
          },
        ),
        { numRuns: RUNS_PER_PARSER, seed: 20260601 },
      );
    });
  }
});

const tmp = scratchDir('fsvfm-fuzz-regress-');
const file = (name: string, bytes: Uint8Array): string => {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
};

test('safetensors: a tensor entry that is not an object (null) is a SafetensorsError, not a TypeError', () => {
  const json = Buffer.from('{"t":null}');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const p = file('null.safetensors', Buffer.concat([len, json]));
  assert.throws(() => SafetensorsFile.open(p), SafetensorsError);
  const meta = Buffer.from('{"__metadata__":"x"}');
  len.writeBigUInt64LE(BigInt(meta.length));
  assert.throws(
    () => SafetensorsFile.open(file('meta.safetensors', Buffer.concat([len, meta]))),
    SafetensorsError,
  );
});

test('npy: a version-2 header cut short, and negative or fractional dims, are NpyErrors (were RangeErrors)', () => {
  const magic = Buffer.from('\x93NUMPY', 'latin1');
  assert.throws(() => decodeNpy(Buffer.concat([magic, Buffer.from([2, 0, 1, 0])])), NpyError);
  const npy = (shape: string): Buffer => {
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape}), }\n`;
    const len = Buffer.alloc(2);
    len.writeUInt16LE(header.length);
    return Buffer.concat([magic, Buffer.from([1, 0]), len, Buffer.from(header, 'latin1'), Buffer.alloc(64)]);
  };
  assert.throws(() => decodeNpy(npy('-2,')), NpyError);
  assert.throws(() => decodeNpy(npy('1.5,')), NpyError);
  assert.throws(() => decodeNpy(npy('1000000000000, 1000000000000')), NpyError);
  assert.deepEqual(decodeNpy(npy('2, 3')).shape, [2, 3]);
});

test('pickle: a numpy scalar with fewer bytes than its dtype is a PickleError when read (was a RangeError)', () => {
  const s = new NumpyScalar(new NumpyDtype('f8'), new Uint8Array(3));
  assert.throws(() => s.value, PickleError);
});

test('pickle: a 1 MB LONG4 decodes in linear time (byte-wise BigInt shifting took seconds per 100 kB)', () => {
  const n = 1 << 20;
  const b = Buffer.alloc(n + 6);
  b[0] = 0x8b;
  b.writeInt32LE(n, 1);
  b.fill(0x11, 5, 5 + n);
  b[5 + n] = 0x2e;
  const t0 = performance.now();
  assert.equal(typeof unpickle(b), 'bigint');
  assert.ok(performance.now() - t0 < 1000);
});

test("pickle: integer text beyond Python's 4300 digits is refused; 300k items APPENDed to a placeholder work", () => {
  assert.throws(() => unpickle(Buffer.from(`I${'9'.repeat(100_000)}\n.`, 'latin1')), PickleError);
  const n = 300_000;
  const appends = Buffer.concat([
    Buffer.from('\x80\x02cos\nsystem\n)R(', 'latin1'),
    Buffer.alloc(n, 0x4e),
    Buffer.from('e.', 'latin1'),
  ]);
  assert.ok(unpickle(appends)); // `push(...items)` overflowed the call stack
});

/** `{'w': tensor}` whose record has the given size and stride over a 1-element float storage. */
function pthWithRecord(size: number[], stride: number[]): string {
  const int = (v: number): number[] => [0x4b, v];
  const text = (t: string): number[] => [0x8c, t.length, ...Buffer.from(t, 'latin1')];
  const global = (m: string, n: string): number[] => [0x63, ...Buffer.from(`${m}\n${n}\n`, 'latin1')];
  const pkl = new Uint8Array([
    ...[0x80, 2, 0x7d, ...text('w'), ...global('torch._utils', '_rebuild_tensor_v2'), 0x28],
    ...[0x28, ...text('storage'), ...global('torch', 'FloatStorage'), ...text('0'), ...text('cpu')],
    ...[...int(1), 0x74, 0x51, ...int(0), 0x28, ...size.flatMap(int), 0x74],
    ...[0x28, ...stride.flatMap(int), 0x74, 0x89, 0x74, 0x52, 0x73, 0x2e],
  ]);
  return file(
    `record-${size.join('x')}-${stride.join('x')}.pth`,
    zipSync({ 'a/data.pkl': pkl, 'a/data/0': new Uint8Array(4) }, { level: 0 }),
  );
}

test('pth: a tensor record whose stride has fewer dims than its size is refused (read allocated NaN bytes)', async () => {
  await assert.rejects(openWeightsFile(pthWithRecord([2, 2], [])), /size has 2 dims but stride has 0/);
  const ok = await openWeightsFile(pthWithRecord([1], [1]));
  assert.deepEqual([...((await ok.tensors.get('w')?.read()) ?? [])], [0]);
  ok.close();
});

test('pth: an expanded view (stride 0) holding more elements than its storage is refused before any read', async () => {
  await assert.rejects(
    openWeightsFile(pthWithRecord([200, 200], [0, 0])),
    /expanded tensors are not supported/,
  );
});

test('pth: a deflated entry with corrupt data is a CheckpointFormatError (yauzl errors leaked through)', async () => {
  const zip = zipSync({ 'a/data.pkl': new Uint8Array(Buffer.from('\x80\x02}q\x00.'.repeat(40), 'latin1')) });
  const bytes = Buffer.from(zip);
  const at = bytes.indexOf(Buffer.from('a/data.pkl')) + 'a/data.pkl'.length;
  for (let i = at + 2; i < at + 12; i++) bytes[i] = 0xff; // inside the deflate stream
  await assert.rejects(openWeightsFile(file('deflate.pth', bytes)), MalformedInputError);
});

test('calibration: an out-of-range threshold is a CalibrationError naming the file', () => {
  assert.throws(() => parseCalibration('{"threshold": 7}', 'cal.json'), CalibrationError);
  assert.throws(() => parseCalibration('{"threshold": 7}', 'cal.json'), /cal\.json: "threshold"/);
});

test('typed errors stay one line and short, whatever the input quoted into them', () => {
  const e = new MalformedInputError(`bad name 'a\nb\r\nc' ${'x'.repeat(5000)}`);
  assert.ok(!/[\r\n]/.test(e.message));
  assert.ok(e.message.length < 700);
});

test('faces manifest: a null entry or a string count is dropped, the run fields stay (summarise threw a TypeError)', () => {
  const m = parseFaceDatasetManifest(
    JSON.stringify({
      tool: 'fsvfm faces',
      recipe: 'vggface2',
      placement: 'older-rule',
      entries: [null, { input: '/a.jpg', status: 'ok', faces: '1', crops: 1, outputs: [] }],
    }),
  );
  assert.ok(m);
  assert.equal(m.placement, 'older-rule'); // so a folder made by another placement is still refused
  assert.deepEqual(m.entries, []);
  assert.equal(parseFaceDatasetManifest('{"tool": "fsvfm faces", "recipe": 3, "entries": []}'), null);
});

test('fakes manifest and quickstart stage records: damaged samples are dropped, a non-object record reads as absent', () => {
  const fakes = parseFakesManifest(
    JSON.stringify({ tool: 'fsvfm fakes', generator: 'sbi', seed: 1, perImage: 1, samples: [null, 5] }),
  );
  assert.deepEqual(fakes?.samples, []);
  const dir = join(tmp, 'stages');
  const records = new StageRecords(dir);
  mkdirSync(dir, { recursive: true });
  for (const text of ['5', '"done"', '[1]', 'null', '{"seconds"']) {
    writeFileSync(join(dir, 'x.json'), text);
    assert.equal(records.read('x'), null, text);
  }
});
