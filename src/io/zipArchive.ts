// Random-access reading of zip archives (torch .pth files): the central directory via yauzl, then byte ranges of
// stored entries straight from the file descriptor, so one tensor is read without touching anything else.

import { closeSync, fstatSync, read, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { CheckpointFormatError } from './malformedInputError.js';
import { openForReading } from './openForReading.js';

export interface ZipEntryInfo {
  name: string;
  compressionMethod: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  crc32: number;
}

/** A yauzl reader over one fd that counts every byte it reads (the figure `bytesRead` reports). */
class CountingFdReader extends yauzl.RandomAccessReader {
  bytesRead = 0;
  constructor(readonly fd: number) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    // A hand-rolled stream: fs.createReadStream would close our shared fd when yauzl destroys it.
    let pos = start;
    const stream: Readable = new Readable({
      highWaterMark: 1 << 16,
      read: (size) => {
        const n = Math.min(size, end - pos);
        if (n <= 0) {
          stream.push(null);
          return;
        }
        const buf = Buffer.allocUnsafe(n);
        read(this.fd, buf, 0, n, pos, (err, got) => {
          if (err) stream.destroy(err);
          else if (got === 0) stream.destroy(new Error('unexpected end of file'));
          else {
            this.bytesRead += got;
            pos += got;
            stream.push(got === n ? buf : buf.subarray(0, got));
          }
        });
      },
    });
    return stream;
  }
  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    cb: (err: Error | null) => void,
  ): void {
    read(this.fd, buffer, offset, length, position, (err, n) => {
      if (err) return cb(err);
      this.bytesRead += n;
      cb(n < length ? new Error('unexpected end of file') : null);
    });
  }
  override close(cb: (err: Error | null) => void): void {
    setImmediate(() => cb(null));
  }
}

const LEGACY_TORCH_MESSAGE =
  'legacy torch.save format (PyTorch < 1.6) is not supported; re-save it with torch.save(..., _use_new_zipfile_serialization=True)';

export class ZipArchive {
  private readonly byName = new Map<string, yauzl.Entry>();
  private readonly dataStart = new Map<string, number>();
  /** Names of the entries whose data has been read (at least partly). */
  readonly entriesRead = new Set<string>();
  private closed = false;

  private constructor(
    readonly path: string,
    readonly fileSize: number,
    private readonly reader: CountingFdReader,
    private readonly zip: yauzl.ZipFile,
    entries: yauzl.Entry[],
  ) {
    for (const e of entries) this.byName.set(e.fileName, e);
  }

  /** Opens `path` and reads its central directory. Errors say whether the file is legacy torch, truncated or not a zip. */
  static async open(path: string): Promise<ZipArchive> {
    const fd = openForReading(path);
    try {
      const fileSize = fstatSync(fd).size;
      const head = Buffer.alloc(Math.min(8, fileSize));
      readSync(fd, head, 0, head.length, 0);
      if (head[0] === 0x80 && head[1] !== undefined && head[1] <= 5)
        throw new CheckpointFormatError(`${path}: ${LEGACY_TORCH_MESSAGE}`);
      const isTar = fileSize > 262 && isTarHeader(fd);
      if (isTar) throw new CheckpointFormatError(`${path}: ${LEGACY_TORCH_MESSAGE}`);
      const reader = new CountingFdReader(fd);
      let zip: yauzl.ZipFile;
      try {
        zip = await yauzl.fromRandomAccessReaderPromise(reader, fileSize, {
          lazyEntries: true,
          autoClose: false,
          decodeStrings: true,
          validateEntrySizes: true,
        });
      } catch (err) {
        const startsLikeZip = head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
        const why = err instanceof Error ? err.message : String(err);
        throw new CheckpointFormatError(
          startsLikeZip
            ? `${path}: the zip archive is truncated or damaged (${why}); download or copy the file again`
            : `${path}: not a zip archive (${why})`,
        );
      }
      const entries = await readAllEntries(zip, path);
      return new ZipArchive(path, fileSize, reader, zip, entries);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Bytes read from the file so far (central directory, headers and entry data). */
  get bytesRead(): number {
    return this.reader.bytesRead;
  }

  entries(): ZipEntryInfo[] {
    return [...this.byName.values()].map((e) => ({
      name: e.fileName,
      compressionMethod: e.compressionMethod,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
      localHeaderOffset: e.relativeOffsetOfLocalHeader,
      crc32: e.crc32,
    }));
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  size(name: string): number {
    return this.entry(name).uncompressedSize;
  }

  private entry(name: string): yauzl.Entry {
    const e = this.byName.get(name);
    if (!e) throw new CheckpointFormatError(`${this.path}: the archive has no entry '${name}'`);
    return e;
  }

  /** Absolute file offset where a stored entry's bytes begin (after its local header). */
  async dataOffset(name: string): Promise<number> {
    const cached = this.dataStart.get(name);
    if (cached !== undefined) return cached;
    const e = this.entry(name);
    const header = Buffer.alloc(30);
    await this.readAt(header, e.relativeOffsetOfLocalHeader);
    if (header.readUInt32LE(0) !== 0x04034b50)
      throw new CheckpointFormatError(`${this.path}: bad local header for '${name}' (damaged archive)`);
    const start = e.relativeOffsetOfLocalHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + e.compressedSize > this.fileSize) {
      throw new CheckpointFormatError(
        `${this.path}: entry '${name}' extends past the end of the file (truncated archive)`,
      );
    }
    this.dataStart.set(name, start);
    return start;
  }

  /**
   * Reads `length` bytes at `start` within entry `name` (whole entry by default) into a fresh, aligned Buffer.
   * Stored entries are read by range; compressed ones are inflated through yauzl and sliced.
   */
  async read(name: string, start = 0, length?: number): Promise<Buffer> {
    if (this.closed) throw new Error(`${this.path}: archive is closed`);
    const e = this.entry(name);
    const len = length ?? e.uncompressedSize - start;
    if (
      !(Number.isSafeInteger(start) && Number.isSafeInteger(len) && start >= 0 && len >= 0) ||
      start + len > e.uncompressedSize
    ) {
      throw new CheckpointFormatError(
        `${this.path}: range ${start}+${len} is outside entry '${name}' (${e.uncompressedSize} bytes)`,
      );
    }
    this.entriesRead.add(name);
    if (e.compressionMethod === 0) {
      const base = await this.dataOffset(name);
      const out = Buffer.allocUnsafeSlow(len);
      await this.readAt(out, base + start);
      return out;
    }
    const chunks: Buffer[] = [];
    try {
      const stream = await this.zip.openReadStreamPromise(e);
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (err) {
      // yauzl's own errors (bad compression method, corrupt deflate data, sizes that do not match)
      const why = err instanceof Error ? err.message : String(err);
      throw new CheckpointFormatError(`${this.path}: cannot read entry '${name}' (${why})`);
    }
    const all = Buffer.concat(chunks);
    const out = Buffer.allocUnsafeSlow(len);
    all.copy(out, 0, start, start + len);
    return out;
  }

  private readAt(buf: Buffer, position: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let done = 0;
      const step = (): void => {
        read(this.reader.fd, buf, done, buf.length - done, position + done, (err, n) => {
          if (err) return reject(err);
          this.reader.bytesRead += n;
          done += n;
          if (done === buf.length) return resolve();
          if (n === 0)
            return reject(
              new CheckpointFormatError(`${this.path}: unexpected end of file (truncated archive)`),
            );
          step();
        });
      };
      if (buf.length === 0) resolve();
      else step();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.zip.close();
    closeSync(this.reader.fd);
  }
}

function isTarHeader(fd: number): boolean {
  const b = Buffer.alloc(8);
  readSync(fd, b, 0, 8, 257);
  return b.toString('latin1', 0, 5) === 'ustar';
}

function readAllEntries(zip: yauzl.ZipFile, path: string): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: Error) =>
      reject(
        new CheckpointFormatError(
          `${path}: the zip central directory is damaged or truncated (${err.message})`,
        ),
      ),
    );
    zip.readEntry();
  });
}
