// Receives the `file` field of a multipart/form-data upload into a temp folder, enforcing a size limit while
// streaming (the body is never held in memory) and time limits (a client that stalls or trickles does not hold a
// temp file and a connection for ever). Whatever happens — limit, malformed body, client gone, timeout — the temp
// folder is removed before the error reaches the caller; on success the caller removes it with `cleanup()`.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { HttpError } from './httpErrors.js';

export interface Upload {
  path: string;
  filename: string;
  bytes: number;
  /** removes the temp folder */
  cleanup(): Promise<void>;
}

export interface UploadTiming {
  /** longest pause between two chunks of the body (default 30 s); 408 after it */
  idleMs?: number;
  /** longest time for the whole body (default 10 min); 408 after it */
  totalMs?: number;
}

/** Prefix of every upload's temp folder (tests and the soak count leftovers by it). */
export const UPLOAD_DIR_PREFIX = 'fsvfm-upload-';

export async function receiveUpload(
  req: IncomingMessage,
  maxBytes: number,
  parentDir = tmpdir(),
  timing: UploadTiming = {},
): Promise<Upload> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    req.resume();
    throw new HttpError(400, 'expected a multipart/form-data body with a "file" field');
  }
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) {
    req.resume(); // drain, so the client reads the answer instead of a reset connection
    throw new HttpError(413, `upload of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  const idleMs = timing.idleMs ?? 30_000;
  const totalMs = timing.totalMs ?? 600_000;
  const dir = await mkdtemp(join(parentDir, UPLOAD_DIR_PREFIX));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  // the file being written, awaited before the folder is removed so no write lands after the removal
  let saving: Promise<Upload> | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let totalTimer: NodeJS.Timeout | undefined;
  let stopReading = false;
  let onData: (() => void) | undefined;
  try {
    const upload = await new Promise<Upload>((resolve, reject) => {
      let settled = false;
      let bb: busboy.Busboy;
      let fileStream: NodeJS.ReadableStream & { destroy?: (e?: Error) => void };
      const fail = (err: HttpError, closeConnection = false): void => {
        if (settled) return;
        settled = true;
        stopReading = closeConnection;
        req.unpipe(bb);
        fileStream?.destroy?.(err);
        reject(err);
      };
      const timeout = (why: string): void => fail(new HttpError(408, why, { connection: 'close' }), true);
      const armIdle = (): void => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => timeout(`upload stalled for ${idleMs} ms`), idleMs);
      };
      totalTimer = setTimeout(() => timeout(`upload took longer than ${totalMs} ms`), totalMs);
      armIdle();
      onData = armIdle;
      req.on('data', onData);
      try {
        bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 1, fields: 16 } });
      } catch (err) {
        fail(new HttpError(400, `malformed multipart request: ${(err as Error).message}`));
        return;
      }
      bb.on('file', (field, stream, info) => {
        if (field !== 'file' || saving) {
          stream.resume();
          return;
        }
        fileStream = stream;
        const path = join(dir, 'upload');
        let bytes = 0;
        let truncated = false;
        stream.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        stream.on('limit', () => {
          truncated = true;
        });
        saving = pipeline(stream, createWriteStream(path)).then(() => {
          if (truncated) throw new HttpError(413, `upload is over the ${maxBytes}-byte limit`);
          return { path, filename: info.filename ?? 'upload', bytes, cleanup };
        });
        saving.catch(() => undefined);
      });
      bb.on('error', (err: Error) => fail(new HttpError(400, `malformed multipart request: ${err.message}`)));
      bb.on('close', () => {
        if (settled) return;
        if (!saving) fail(new HttpError(400, 'the form has no "file" field'));
        else
          saving.then(
            (u) => {
              settled = true;
              resolve(u);
            },
            (err: unknown) =>
              fail(err instanceof HttpError ? err : new HttpError(400, `upload failed: ${String(err)}`)),
          );
      });
      // 'close' before the body is complete: the client went away mid-upload
      req.on('close', () => {
        if (!req.complete) fail(new HttpError(400, 'upload aborted by the client'));
      });
      req.on('error', () => fail(new HttpError(400, 'upload aborted by the client')));
      req.pipe(bb);
    });
    if (upload.bytes === 0) throw new HttpError(400, 'the uploaded file is empty');
    return upload;
  } catch (err) {
    await saving?.catch(() => undefined);
    await cleanup();
    // drain what is left so the response can be sent on the same connection; after a timeout the connection closes
    if (!stopReading) req.resume();
    throw err;
  } finally {
    clearTimeout(idleTimer);
    clearTimeout(totalTimer);
    if (onData) req.off('data', onData);
  }
}
