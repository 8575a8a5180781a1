// NumPy .npy files (format version 1.0/2.0), little-endian, C order: enough for parsing maps and arrays.

import { readFileSync } from 'node:fs';
import { NpyError } from './malformedInputError.js';

export type NpyDtype = 'int8' | 'uint8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'bool';

export type NpyData =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

const DESCR: Record<NpyDtype, string> = {
  int8: '|i1',
  uint8: '|u1',
  bool: '|b1',
  int16: '<i2',
  int32: '<i4',
  int64: '<i8',
  float32: '<f4',
  float64: '<f8',
};
const BYTES: Record<NpyDtype, number> = {
  int8: 1,
  uint8: 1,
  bool: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  float32: 4,
  float64: 8,
};
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/** Serialises an array to the bytes of a version-1.0 .npy file (header padded to 64 bytes, as numpy does). */
export function encodeNpy(arr: NpyArray): Buffer {
  const numel = arr.shape.reduce((a, b) => a * b, 1);
  if (arr.data.length !== numel)
    throw new Error(
      `npy: data has ${arr.data.length} elements but shape ${JSON.stringify(arr.shape)} needs ${numel}`,
    );
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[arr.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const head = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(head);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

/** Parses the bytes of a .npy file; `source` names it in error messages. */
export function decodeNpy(buf: Uint8Array, source = 'npy'): NpyArray {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 10 || !b.subarray(0, 6).equals(MAGIC))
    throw new NpyError(`${source}: not a .npy file (bad magic)`);
  const major = b[6]!;
  if (major < 1 || major > 3) throw new NpyError(`${source}: unsupported .npy format version ${major}`);
  const start = major === 1 ? 10 : 12;
  if (b.length < start) throw new NpyError(`${source}: truncated .npy header`);
  const headerLen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  if (start + headerLen > b.length) throw new NpyError(`${source}: truncated .npy header`);
  const header = b.subarray(start, start + headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new NpyError(`${source}: malformed .npy header`);
  if (fortran === 'True')
    throw new NpyError(`${source}: Fortran-ordered arrays are not supported; save with C order`);
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find(
    (d) => DESCR[d] === descr || DESCR[d] === descr.replace('=', '<'),
  );
  if (!dtype)
    throw new NpyError(
      `${source}: unsupported dtype ${descr} (big-endian or exotic types are not supported)`,
    );
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : Number.NaN));
  // checked before anything is allocated: the header is outside input and may claim any size
  if (!shape.every((d) => Number.isSafeInteger(d)))
    throw new NpyError(`${source}: malformed .npy shape (${shapeText.trim()})`);
  const numel = shape.reduce((a, c) => a * c, 1);
  const offset = start + headerLen;
  const need = numel * BYTES[dtype];
  if (b.length - offset < need)
    throw new NpyError(`${source}: truncated (.npy needs ${need} data bytes, has ${b.length - offset})`);
  const bytes = new Uint8Array(need);
  bytes.set(b.subarray(offset, offset + need));
  return { dtype, shape, data: typedView(dtype, bytes.buffer) };
}

function typedView(dtype: NpyDtype, buf: ArrayBuffer): NpyData {
  switch (dtype) {
    case 'int8':
      return new Int8Array(buf);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buf);
    case 'int16':
      return new Int16Array(buf);
    case 'int32':
      return new Int32Array(buf);
    case 'int64':
      return new BigInt64Array(buf);
    case 'float32':
      return new Float32Array(buf);
    case 'float64':
      return new Float64Array(buf);
  }
}

export function readNpy(path: string): NpyArray {
  return decodeNpy(readFileSync(path), path);
}
