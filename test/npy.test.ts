import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeNpy, encodeNpy } from '../src/io/npy.js';

test('npy round-trips an int8 parsing map with a 64-byte aligned header', () => {
  const data = Int8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i % 11) - 1);
  const bytes = encodeNpy({ dtype: 'int8', shape: [2, 3, 4], data });
  const headerEnd = bytes.indexOf(0x0a) + 1;
  assert.equal(headerEnd % 64, 0);
  assert.match(
    bytes.subarray(10, headerEnd).toString('latin1'),
    /'descr': '\|i1', 'fortran_order': False, 'shape': \(2, 3, 4\)/,
  );
  const back = decodeNpy(bytes);
  assert.deepEqual(back.shape, [2, 3, 4]);
  assert.deepEqual(Array.from(back.data as Int8Array), Array.from(data));
});

test('npy rejects truncated data and non-npy bytes clearly', () => {
  const bytes = encodeNpy({ dtype: 'float32', shape: [5], data: new Float32Array(5) });
  assert.throws(() => decodeNpy(bytes.subarray(0, bytes.length - 3), 'x.npy'), /x\.npy: truncated/);
  assert.throws(() => decodeNpy(Buffer.from('hello world!'), 'y.npy'), /not a \.npy file/);
});
