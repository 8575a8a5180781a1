import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import { zipSync } from 'fflate';
import { LazyTensor, type StorageRef } from '../src/io/lazyTensor.js';
import { PyOrderedDict, type PyValue } from '../src/io/pickleValues.js';
import { SafetensorsFile, writeSafetensors } from '../src/io/safetensors.js';
import { float32ToBfloat16, float32ToHalf, halfToFloat32 } from '../src/io/tensorData.js';
import { openTorchCheckpoint, stateDict } from '../src/io/torchCheckpoint.js';
import { saveTorchCheckpoint, torchTensor } from '../src/io/torchSave.js';
import { ZipArchive } from '../src/io/zipArchive.js';
import { checkpointPath, needsOracle } from './io-fixtures.js';
import { scratchDir } from './scratchDir.js';

const tmp = scratchDir('fsvfm-io-files-');

describe('bad checkpoint files give clear errors', () => {
  test('legacy (pre-1.6) torch.save files', async () => {
    const p = join(tmp, 'legacy.pth');
    writeFileSync(
      p,
      Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]),
    );
    await assert.rejects(
      openTorchCheckpoint(p),
      /legacy torch\.save format \(PyTorch < 1\.6\).*_use_new_zipfile_serialization=True/,
    );
  });
  test('not a zip, missing file, missing data.pkl, missing storage record', async () => {
    const junk = join(tmp, 'junk.pth');
    writeFileSync(junk, Buffer.alloc(1000, 7));
    await assert.rejects(openTorchCheckpoint(junk), /not a zip archive/);
    await assert.rejects(openTorchCheckpoint(join(tmp, 'nope.pth')), /cannot open .*ENOENT/);
    const nopkl = join(tmp, 'nopkl.pth');
    writeFileSync(nopkl, zipSync({ 'a/version': [Buffer.from('3\n'), { level: 0 }] }));
    await assert.rejects(openTorchCheckpoint(nopkl), /no data\.pkl/);
    // a valid pickle referencing storage '0' whose data/0 record is absent
    const good = join(tmp, 'good.pth');
    await saveTorchCheckpoint(good, new Map([['w', torchTensor('float32', [2], new Float32Array([1, 2]))]]));
    const pkl = (await import('fflate')).unzipSync(readFileSync(good))['good/data.pkl']!;
    const broken = join(tmp, 'broken.pth');
    writeFileSync(broken, zipSync({ 'good/data.pkl': [pkl, { level: 0 }] }));
    await assert.rejects(
      openTorchCheckpoint(broken),
      /storage '0' is referenced but good\/data\/0 is missing/,
    );
  });
  test('truncated archives', { skip: needsOracle }, async () => {
    for (const keep of [0.5, 0.999]) {
      const p = join(tmp, `trunc-${keep}.pth`);
      copyFileSync(checkpointPath('finetune-vit.pth'), p);
      const size = readFileSync(p).length;
      truncateSync(p, Math.floor(size * keep));
      await assert.rejects(openTorchCheckpoint(p), /truncated or damaged/);
    }
  });
});

describe('.pth writer', () => {
  test('write → read round trip: dtypes, aliasing, nested containers, 64-byte aligned records', async () => {
    const shared = new Float32Array([1, -2, 3.5, 4]);
    const obj = new Map<PyValue, PyValue>([
      [
        'model',
        new PyOrderedDict([
          ['w', torchTensor('float32', [2, 2], shared)],
          ['w_alias', torchTensor('float32', [4], shared)],
          ['h', torchTensor('float16', [3], new Float32Array([0.5, -1, 65504]))],
          ['bf', torchTensor('bfloat16', [2], new Float32Array([1.5, -3]))],
          ['i64', torchTensor('int64', [2], new BigInt64Array([-5n, 2n ** 40n]))],
          ['i32', torchTensor('int32', [1], new Int32Array([7]))],
          ['mask', torchTensor('bool', [3], new Uint8Array([1, 0, 1]))],
          ['scalar', torchTensor('float32', [], new Float32Array([2]))],
          ['lazy', torchTensor('float32', [3], async () => new Float32Array([9, 8, 7]))],
        ]),
      ],
      ['epoch', 4],
      ['note', 'ok'],
    ]);
    const p = join(tmp, 'rt.pth');
    const res = await saveTorchCheckpoint(p, obj);
    assert.equal(res.storages, 8, 'w and w_alias share one storage');
    const ckpt = await openTorchCheckpoint(p);
    assert.equal(ckpt.archivePrefix, 'rt/');
    assert.equal(ckpt.formatVersion, '3');
    const sd = stateDict(ckpt);
    assert.equal(sd.get('w')!.storageKey, sd.get('w_alias')!.storageKey);
    assert.deepEqual([...sd.get('w')!.shape], [2, 2]);
    assert.deepEqual(await sd.get('w')!.read(), shared);
    assert.deepEqual(await sd.get('h')!.read(), new Float32Array([0.5, -1, 65504]));
    assert.deepEqual(await sd.get('bf')!.read(), new Float32Array([1.5, -3]));
    assert.deepEqual(await sd.get('i64')!.read(), new BigInt64Array([-5n, 2n ** 40n]));
    assert.deepEqual(await sd.get('i32')!.read(), new Int32Array([7]));
    assert.deepEqual(await sd.get('mask')!.read(), new Uint8Array([1, 0, 1]));
    assert.deepEqual(await sd.get('scalar')!.read(), new Float32Array([2]));
    assert.deepEqual(await sd.get('lazy')!.read(), new Float32Array([9, 8, 7]));
    assert.equal((ckpt.root as Map<PyValue, PyValue>).get('epoch'), 4);
    ckpt.close();
    // every record's data starts on a 64-byte boundary, as torch's own writer guarantees
    const zip = await ZipArchive.open(p);
    assert.deepEqual(zip.names(), [
      'rt/data.pkl',
      ...[0, 1, 2, 3, 4, 5, 6, 7]
        .map(String)
        .sort()
        .map((k) => `rt/data/${k}`),
      'rt/version',
    ]);
    for (const name of zip.names()) assert.equal((await zip.dataOffset(name)) % 64, 0, `${name} is aligned`);
    const crc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    if (crc32)
      for (const e of zip.entries())
        assert.equal(crc32(await zip.read(e.name)) >>> 0, e.crc32, `${e.name}: CRC`);
    assert.equal((await zip.read('rt/version')).toString(), '3\n');
    zip.close();
  });

  test('deflated (compressed) records are read through the zip stream', async () => {
    const plain = join(tmp, 'plain.pth');
    await saveTorchCheckpoint(
      plain,
      new Map([['w', torchTensor('float32', [3, 2], new Float32Array([1, 2, 3, 4, 5, 6]))]]),
    );
    const { unzipSync } = await import('fflate');
    const files = unzipSync(readFileSync(plain));
    const deflated = join(tmp, 'deflated.pth');
    writeFileSync(
      deflated,
      zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: 6 }]]))),
    );
    const ckpt = await openTorchCheckpoint(deflated);
    const w = stateDict(ckpt).get('w')!;
    assert.deepEqual(await w.read(), new Float32Array([1, 2, 3, 4, 5, 6]));
    ckpt.close();
  });

  test('re-saving a fixture checkpoint keeps the pickle-level structure, entry names and every storage byte', {
    skip: needsOracle,
  }, async () => {
    for (const file of ['pretrain-online.pth', 'fas-vit.pth.tar']) {
      const src = await openTorchCheckpoint(checkpointPath(file), { exactFloats: true });
      const out = join(tmp, `re-${file}`);
      await saveTorchCheckpoint(out, src.root, { archiveName: src.archivePrefix.slice(0, -1) });
      const back = await openTorchCheckpoint(out, { exactFloats: true });
      await assertSameTree(src.root, back.root, file);
      const [za, zb] = [await ZipArchive.open(checkpointPath(file)), await ZipArchive.open(out)];
      assert.deepEqual(
        zb.names(),
        za.names(),
        'same entries in the same order (data.pkl, data/<key> sorted, version)',
      );
      za.close();
      zb.close();
      assert.equal(back.archivePrefix, src.archivePrefix);
      assert.deepEqual([...back.storages.keys()].sort(), [...src.storages.keys()].sort());
      for (const [key, ref] of src.storages) {
        const n = ref.numel * 4;
        assert.deepEqual(
          await back.storages.get(key)!.readBytes(0, n),
          await ref.readBytes(0, n),
          `${file}: storage ${key}`,
        );
      }
      src.close();
      back.close();
    }
  });
});

/** Deep structural equality of two unpickled trees; tensors compare by storage key, view and bytes. */
async function assertSameTree(a: PyValue, b: PyValue, at: string): Promise<void> {
  if (a instanceof LazyTensor) {
    assert.ok(b instanceof LazyTensor, `${at}: tensor`);
    assert.deepEqual(
      [a.storageKey, a.dtype, a.storageOffset, [...a.shape], [...a.stride], a.requiresGrad],
      [b.storageKey, b.dtype, b.storageOffset, [...b.shape], [...b.stride], b.requiresGrad],
      at,
    );
    assert.deepEqual(await b.read(), await a.read(), at);
    return;
  }
  if (a instanceof Map) {
    assert.ok(b instanceof Map && a.constructor === b.constructor, `${at}: ${a.constructor.name}`);
    assert.deepEqual([...b.keys()], [...a.keys()], at);
    for (const [k, v] of a) await assertSameTree(v, b.get(k)!, `${at}.${String(k)}`);
    return;
  }
  if (Array.isArray(a)) {
    assert.ok(Array.isArray(b) && a.constructor === b.constructor && a.length === b.length, at);
    for (let i = 0; i < a.length; i++) await assertSameTree(a[i]!, b[i]!, `${at}[${i}]`);
    return;
  }
  if (typeof a === 'object' && a !== null && !(a instanceof Uint8Array) && !(a instanceof Set)) {
    assert.ok(
      typeof b === 'object' && b !== null && a.constructor === b.constructor,
      `${at}: ${a.constructor.name}`,
    );
    const rec = (x: object) =>
      Object.fromEntries(Object.entries(x).filter(([, v]) => typeof v !== 'function'));
    const ra = rec(a);
    const rb = rec(b);
    assert.deepEqual(Object.keys(rb), Object.keys(ra), at);
    for (const k of Object.keys(ra)) await assertSameTree(ra[k] as PyValue, rb[k] as PyValue, `${at}.${k}`);
    return;
  }
  assert.deepEqual(b, a, at);
}

test('non-contiguous views are materialised in C order', async () => {
  const storageData = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const bytes = new Uint8Array(storageData.buffer);
  const ref: StorageRef = {
    key: '0',
    dtype: 'float32',
    numel: storageData.length,
    location: 'cpu',
    readBytes: async (o, n) => bytes.slice(o, o + n),
  };
  // a [3,4] matrix at offset 1, viewed transposed as [4,3] with strides (1,4)
  const t = new LazyTensor(ref, 1, [4, 3], [1, 4]);
  assert.equal(t.isContiguous, false);
  assert.deepEqual(await t.read(), new Float32Array([1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12]));
  const outside = new LazyTensor(ref, 10, [4], [1]);
  await assert.rejects(outside.read(), /outside storage '0'/);
});

test('half and bfloat16 conversions round to nearest even', () => {
  const x = new Float32Array([0, -0, 1, -2.5, 65504, 1e-8, 6.1e-5, 1 / 3, 70000, Number.NaN]);
  const h = halfToFloat32(float32ToHalf(x));
  assert.deepEqual(Array.from(h.slice(0, 5)), [0, -0, 1, -2.5, 65504]);
  assert.equal(h[5], 0);
  assert.ok(Math.abs(h[6]! - 6.1e-5) < 1e-7);
  assert.equal(h[7], 0.333251953125);
  assert.equal(h[8], Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(h[9]!));
  assert.deepEqual(Array.from(float32ToBfloat16(new Float32Array([1, 1 / 3]))), [0x3f80, 0x3eab]);
});

describe('safetensors', () => {
  test('write → read round trip with metadata, dtypes and lazy sources', async () => {
    const p = join(tmp, 'rt.safetensors');
    await writeSafetensors(
      p,
      [
        ['a', { dtype: 'float32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }],
        ['h', { dtype: 'float16', shape: [2], data: new Float32Array([0.5, 2]) }],
        ['i', { dtype: 'int64', shape: [1], data: new BigInt64Array([-3n]) }],
        ['lazy', { dtype: 'float32', shape: [1], read: async () => new Float32Array([42]) }],
      ],
      { kind: 'encoder-only', size: 'B' },
    );
    const raw = readFileSync(p);
    const headerLen = Number(raw.readBigUInt64LE(0));
    assert.equal((8 + headerLen) % 8, 0, 'data section is 8-byte aligned');
    const f = SafetensorsFile.open(p);
    assert.deepEqual(f.metadata, { kind: 'encoder-only', size: 'B' });
    assert.deepEqual([...f.tensors.keys()], ['a', 'h', 'i', 'lazy']);
    assert.deepEqual(f.info('a').shape, [2, 3]);
    assert.deepEqual(await f.read('a'), new Float32Array([1, 2, 3, 4, 5, 6]));
    assert.deepEqual(await f.read('h'), new Float32Array([0.5, 2]));
    assert.deepEqual(await f.read('h', { raw: true }), new Uint16Array([0x3800, 0x4000]));
    assert.deepEqual(await f.read('i'), new BigInt64Array([-3n]));
    assert.deepEqual(await f.read('lazy'), new Float32Array([42]));
    f.close();
  });
  test('malformed files are rejected clearly', async () => {
    const p = join(tmp, 'bad.safetensors');
    writeFileSync(p, Buffer.from([1, 2, 3]));
    assert.throws(() => SafetensorsFile.open(p), /not a valid safetensors file/);
    const ok = join(tmp, 'ok.safetensors');
    await writeSafetensors(ok, [['a', { dtype: 'float32', shape: [100], data: new Float32Array(100) }]]);
    truncateSync(ok, readFileSync(ok).length - 10);
    assert.throws(() => SafetensorsFile.open(ok), /inconsistent with its shape or the file size/);
  });
});
