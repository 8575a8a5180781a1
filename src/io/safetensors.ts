// safetensors files: an 8-byte little-endian header length, a JSON header (dtype, shape, data_offsets per tensor,
// optional `__metadata__` of strings), then the raw little-endian tensor bytes. Reads are lazy per tensor.

import { closeSync, fstatSync, readSync, writeSync } from 'node:fs';
import { writeFileAtomic } from './atomicWrite.js';
import { SafetensorsError } from './malformedInputError.js';
import { openForReading } from './openForReading.js';
import {
  DTYPE_BYTES,
  decodeRaw,
  encodeForDtype,
  numelOf,
  type TensorData,
  type TensorSource,
  type TorchDtype,
  viewRaw,
} from './tensorData.js';

const TO_ST: Record<TorchDtype, string> = {
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};
const FROM_ST: Record<string, TorchDtype> = Object.fromEntries(
  Object.entries(TO_ST).map(([k, v]) => [v, k as TorchDtype]),
);

const MAX_HEADER = 100 * 1024 * 1024; // the reference implementation's limit

export interface SafetensorInfo {
  readonly name: string;
  readonly dtype: TorchDtype;
  readonly shape: readonly number[];
  /** Byte range within the data section (after the header). */
  readonly begin: number;
  readonly end: number;
}

export class SafetensorsFile {
  private closed = false;
  bytesRead = 0;
  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly fileSize: number,
    private readonly dataStart: number,
    readonly metadata: Readonly<Record<string, string>>,
    readonly tensors: ReadonlyMap<string, SafetensorInfo>,
  ) {}

  /** Parses the header of `path`; tensor bytes are read by `read(name)`. */
  static open(path: string): SafetensorsFile {
    const fd = openForReading(path);
    try {
      const size = fstatSync(fd).size;
      const bad = (why: string): SafetensorsError =>
        new SafetensorsError(`${path}: not a valid safetensors file (${why})`);
      if (size < 8) throw bad('shorter than its 8-byte header length');
      const lenBuf = Buffer.alloc(8);
      readSync(fd, lenBuf, 0, 8, 0);
      const headerLen = Number(lenBuf.readBigUInt64LE(0));
      if (headerLen > MAX_HEADER || 8 + headerLen > size)
        throw bad(`header length ${headerLen} exceeds the file`);
      const headerBuf = Buffer.alloc(headerLen);
      readSync(fd, headerBuf, 0, headerLen, 8);
      let header: unknown;
      try {
        header = JSON.parse(headerBuf.toString('utf8'));
      } catch {
        throw bad('header is not JSON');
      }
      if (typeof header !== 'object' || header === null || Array.isArray(header))
        throw bad('header is not an object');
      const dataStart = 8 + headerLen;
      const tensors = new Map<string, SafetensorInfo>();
      let metadata: Record<string, string> = {};
      for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
        const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
        if (name === '__metadata__') {
          if (!isObject || !Object.values(raw).every((v) => typeof v === 'string'))
            throw bad('__metadata__ is not an object of strings');
          metadata = { ...(raw as Record<string, string>) };
          continue;
        }
        if (!isObject) throw bad(`tensor '${name}' is not an object`);
        const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
        const dtype = FROM_ST[String(t.dtype)];
        if (!dtype) throw bad(`tensor '${name}' has unsupported dtype ${String(t.dtype)}`);
        if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
          throw bad(`tensor '${name}' has a malformed shape`);
        }
        const off = t.data_offsets;
        if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0)) {
          throw bad(`tensor '${name}' has malformed data_offsets`);
        }
        const [begin, end] = off as [number, number];
        const shape = t.shape as number[];
        if (end - begin !== numelOf(shape) * DTYPE_BYTES[dtype] || dataStart + end > size) {
          throw bad(
            `tensor '${name}' has data_offsets inconsistent with its shape or the file size (truncated?)`,
          );
        }
        tensors.set(name, { name, dtype, shape, begin, end });
      }
      return new SafetensorsFile(path, fd, size, dataStart, metadata, tensors);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  info(name: string): SafetensorInfo {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`${this.path}: no tensor named '${name}'`);
    return t;
  }

  /** Reads one tensor (half types widen to Float32Array unless `raw`). */
  async read(name: string, options: { raw?: boolean } = {}): Promise<TensorData> {
    if (this.closed) throw new Error(`${this.path}: file is closed`);
    const t = this.info(name);
    const buf = Buffer.allocUnsafeSlow(t.end - t.begin);
    let done = 0;
    while (done < buf.length) {
      const n = readSync(this.fd, buf, done, buf.length - done, this.dataStart + t.begin + done);
      if (n === 0) throw new SafetensorsError(`${this.path}: unexpected end of file reading '${name}'`);
      done += n;
    }
    this.bytesRead += buf.length;
    const raw = viewRaw(t.dtype, buf);
    return options.raw ? raw : decodeRaw(t.dtype, raw);
  }

  close(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }
}

/**
 * Writes tensors (in the given order) and string metadata to `path` atomically. Sources may hold data or load it
 * on demand (`read()`), so large conversions stream one tensor at a time.
 */
export async function writeSafetensors(
  path: string,
  tensors: Iterable<[string, TensorSource]>,
  metadata: Record<string, string> = {},
): Promise<{ bytesWritten: number; tensors: number }> {
  const list = [...tensors];
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of list) {
    if (name === '__metadata__') throw new Error("a tensor cannot be named '__metadata__'");
    const bytes = numelOf(t.shape) * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: TO_ST[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (json.length % 8)) % 8; // keep the data section 8-byte aligned, as the reference writer does
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  let written = 0;
  await writeFileAtomic(path, async (fd) => {
    written += writeSync(fd, len);
    written += writeSync(fd, json);
    for (const [name, t] of list) {
      const data = t.data ?? (await t.read?.({ raw: true }));
      if (!data) throw new Error(`tensor '${name}' has no data`);
      const bytes = encodeForDtype(t.dtype, data);
      if (bytes.byteLength !== numelOf(t.shape) * DTYPE_BYTES[t.dtype]) {
        throw new Error(
          `tensor '${name}': ${bytes.byteLength} bytes do not match shape [${t.shape.join(', ')}]`,
        );
      }
      written += writeSync(fd, bytes);
    }
  });
  return { bytesWritten: written, tensors: list.length };
}
