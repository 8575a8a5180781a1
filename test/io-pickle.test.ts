import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';
import { unpickle } from '../src/io/pickle.js';
import {
  NumpyDtype,
  NumpyScalar,
  PyFloat,
  PyObject,
  PyOrderedDict,
  PyPath,
  PyPlaceholder,
  PyTuple,
  type PyValue,
} from '../src/io/pickleValues.js';
import { PickleWriter } from '../src/io/pickleWriter.js';
import { openTorchCheckpoint } from '../src/io/torchCheckpoint.js';
import { scratchDir } from './scratchDir.js';

/** Builds pickle bytes from opcodes and raw pieces. */
function pk(...parts: (number | string | number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') out.push(...Buffer.from(p, 'latin1'));
    else out.push(...p);
  }
  return new Uint8Array(out);
}
const u32 = (n: number): number[] => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
const binunicode = (s: string): (number | number[] | string)[] => [0x58, u32(Buffer.byteLength(s)), s];
const shortUnicode = (s: string): (number | string)[] => [0x8c, Buffer.byteLength(s), s];

const tmp = scratchDir('fsvfm-io-pickle-');

test('dangerous globals are never executed: os.system, subprocess.Popen, builtins.eval/exec come back as placeholders', () => {
  const sentinel = join(tmp, 'pwned');
  const cmd = `touch ${sentinel}`;
  const cases: [string, Uint8Array][] = [
    ['os.system', pk(0x80, 2, 'cos\nsystem\n', ...binunicode(cmd), 0x85, 0x52, 0x2e)],
    ['posix.system', pk(0x80, 2, 'cposix\nsystem\n', ...binunicode(cmd), 0x85, 0x52, 0x2e)],
    [
      'subprocess.Popen',
      pk(
        0x80,
        2,
        'csubprocess\nPopen\n',
        0x5d,
        0x28,
        ...binunicode('touch'),
        ...binunicode(sentinel),
        0x65,
        0x85,
        0x52,
        0x2e,
      ),
    ],
    [
      'builtins.eval',
      pk(0x80, 2, 'cbuiltins\neval\n', ...binunicode(`__import__('os').system('${cmd}')`), 0x85, 0x52, 0x2e),
    ],
    // protocol 4 spelling: STACK_GLOBAL inside a FRAME
    [
      'builtins.exec',
      pk(
        0x80,
        4,
        0x95,
        [40, 0, 0, 0, 0, 0, 0, 0],
        ...shortUnicode('builtins'),
        0x94,
        ...shortUnicode('exec'),
        0x94,
        0x93,
        0x94,
        ...binunicode(`import os; os.system('${cmd}')`),
        0x85,
        0x52,
        0x2e,
      ),
    ],
  ];
  for (const [name, bytes] of cases) {
    const v = unpickle(bytes);
    assert.ok(v instanceof PyPlaceholder, `${name} yields a placeholder`);
    assert.equal(v.pyClass, name);
    assert.equal(v.via, 'REDUCE');
    assert.ok(v.args.length === 1);
  }
  assert.equal(existsSync(sentinel), false, 'the command never ran');
});

test('placeholders record BUILD state, nested calls and NEWOBJ; a malicious .pth opens inertly', async () => {
  const sentinel = join(tmp, 'pwned2');
  const evil = pk(
    0x80,
    2,
    0x7d,
    0x28,
    ...binunicode('model'),
    'cos\nsystem\n',
    ...binunicode(`touch ${sentinel}`),
    0x85,
    0x52,
    ...binunicode('obj'),
    'cmymodule\nEvil\n',
    0x29,
    0x81,
    0x7d,
    ...binunicode('x'),
    0x4b,
    1,
    0x73,
    0x62,
    0x75,
    0x2e,
  );
  const root = unpickle(evil);
  assert.ok(root instanceof Map);
  const obj = root.get('obj');
  assert.ok(obj instanceof PyPlaceholder && obj.via === 'NEWOBJ' && obj.pyClass === 'mymodule.Evil');
  assert.deepEqual([...(obj.state as Map<PyValue, PyValue>)], [['x', 1]]);
  const path = join(tmp, 'evil.pth');
  writeFileSync(
    path,
    zipSync({ 'evil/data.pkl': [evil, { level: 0 }], 'evil/version': [Buffer.from('3\n'), { level: 0 }] }),
  );
  const ckpt = await openTorchCheckpoint(path);
  assert.ok((ckpt.root as Map<PyValue, PyValue>).get('model') instanceof PyPlaceholder);
  ckpt.close();
  assert.equal(existsSync(sentinel), false);
});

test('protocol 2-4 opcodes: memo, sets, bytes, longs, frames, text ints, tuples', () => {
  const bytes = pk(
    0x80,
    4,
    0x95,
    [0, 0, 0, 0, 0, 0, 0, 0],
    0x7d,
    0x94,
    0x28, // {} memo0, MARK
    ...shortUnicode('s'),
    0x94,
    0x8f,
    0x94,
    0x28,
    0x4b,
    1,
    0x4b,
    2,
    0x90, // set {1,2}
    ...shortUnicode('b'),
    0x94,
    0x43,
    3,
    'abc',
    0x94, // SHORT_BINBYTES
    ...shortUnicode('B'),
    0x42,
    u32(2),
    'hi',
    ...shortUnicode('u8'),
    0x8d,
    [2, 0, 0, 0, 0, 0, 0, 0],
    'ok',
    ...shortUnicode('neg'),
    0x8a,
    1,
    0xff, // LONG1 -1
    ...shortUnicode('big'),
    0x8a,
    9,
    [0, 0, 0, 0, 0, 0, 0, 0, 1], // 2^64
    ...shortUnicode('i'),
    0x4a,
    [0xfe, 0xff, 0xff, 0xff], // BININT -2
    ...shortUnicode('t'),
    0x28,
    0x4b,
    1,
    0x4b,
    2,
    0x4b,
    3,
    0x4b,
    4,
    0x74, // 4-tuple
    ...shortUnicode('again'),
    0x68,
    2, // BINGET 2 -> the set
    ...shortUnicode('f'),
    0x47,
    [0x3f, 0xf8, 0, 0, 0, 0, 0, 0], // 1.5
    ...shortUnicode('txt'),
    'I42\n',
    ...shortUnicode('fz'),
    0x28,
    0x4b,
    7,
    0x91,
    ...shortUnicode('od'),
    'ccollections\nOrderedDict\n',
    0x29,
    0x52,
    0x28,
    ...shortUnicode('k'),
    0x4e,
    0x75,
    0x75,
    0x2e,
  );
  const v = unpickle(bytes) as Map<PyValue, PyValue>;
  assert.deepEqual(v.get('s'), new Set([1, 2]));
  assert.equal(v.get('again'), v.get('s'), 'memo returns the same object');
  assert.deepEqual(v.get('b'), new Uint8Array(Buffer.from('abc')));
  assert.deepEqual(v.get('B'), new Uint8Array(Buffer.from('hi')));
  assert.equal(v.get('u8'), 'ok');
  assert.equal(v.get('neg'), -1);
  assert.equal(v.get('big'), 2n ** 64n);
  assert.equal(v.get('i'), -2);
  assert.ok(v.get('t') instanceof PyTuple);
  assert.deepEqual([...(v.get('t') as PyTuple)], [1, 2, 3, 4]);
  assert.equal(v.get('f'), 1.5);
  assert.equal(v.get('txt'), 42);
  assert.deepEqual(v.get('fz'), new Set([7]));
  assert.ok(v.get('od') instanceof PyOrderedDict);
});

test('malformed pickles give clear errors', () => {
  assert.throws(() => unpickle(pk(0x80, 2, 0x58, u32(100), 'ab')), /truncated pickle data/);
  assert.throws(() => unpickle(pk(0x80, 2, 0x68, 5, 0x2e)), /memo key 5 not found/);
  assert.throws(() => unpickle(pk(0x80, 2, 0xff)), /unsupported pickle opcode 0xff/);
  assert.throws(() => unpickle(pk(0x80, 2, 0x4e, 0x51, 0x2e)), /no persistent loader/);
  assert.throws(() => unpickle(pk(0x80, 2, 0x2e)), /stack underflow/);
});

test('writer → reader round trip keeps types, shared references and numpy scalars', () => {
  const path = new PyPath('pathlib.PosixPath', ['/', 'tmp', 'run']);
  const ns = new PyObject('argparse.Namespace');
  ns.attrs.set('output_dir', path);
  ns.attrs.set('log_dir', path);
  ns.attrs.set('lr', 0.001);
  const dtype = new NumpyDtype('f8');
  dtype.setState(PyTuple.fromItems([3, '<', null, null, null, -1, -1, 0]));
  const auc = new NumpyScalar(dtype, new Uint8Array(new Float64Array([0.875]).buffer));
  const od = new PyOrderedDict([
    ['a', 1],
    ['b', PyTuple.fromItems([0.9, 0.95])],
  ]);
  const value = new Map<PyValue, PyValue>([
    ['args', ns],
    ['od', od],
    ['scale', new PyFloat(65536)],
    ['ints', [0, 255, 256, 65535, 65536, -1, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER]],
    ['big', -(2n ** 70n)],
    ['auc', auc],
    ['set', new Set<PyValue>(['x'])],
    ['bytes', new Uint8Array([0, 200, 255])],
    ['nested', [[], new Map(), null, true, false, 'ünïcode']],
    [3, 'int key'],
  ]);
  const back = unpickle(PickleWriter.dumps(value), { exactFloats: true }) as Map<PyValue, PyValue>;
  const args = back.get('args') as PyObject;
  assert.equal(args.get('log_dir'), args.get('output_dir'));
  assert.equal(String(args.get('output_dir')), '/tmp/run');
  assert.ok(back.get('od') instanceof PyOrderedDict);
  assert.ok((back.get('od') as PyOrderedDict).get('b') instanceof PyTuple);
  assert.ok(back.get('scale') instanceof PyFloat);
  assert.deepEqual(back.get('ints'), value.get('ints'));
  assert.equal(back.get('big'), -(2n ** 70n));
  const a = back.get('auc') as NumpyScalar;
  assert.equal(a.pyClass, 'numpy.float64');
  assert.equal(a.value, 0.875);
  assert.deepEqual(back.get('set'), new Set(['x']));
  assert.deepEqual(back.get('bytes'), new Uint8Array([0, 200, 255]));
  assert.deepEqual(back.get('nested'), value.get('nested'));
  assert.equal(back.get(3), 'int key');
});
