// Receives the `file` field of a multipart/form-data upload into a temp file, enforcing a size limit while
// streaming (the body is never held in memory).
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

export async function receiveUpload(
  req: IncomingMessage,
  maxBytes: number,
  parentDir = tmpdir(),
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
  const dir = await mkdtemp(join(parentDir, 'fsvfm-upload-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const upload = await new Promise<Upload>((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 1, fields: 16 } });
      } catch (err) {
        reject(new HttpError(400, `malformed multipart request: ${(err as Error).message}`));
        return;
      }
      let saving: Promise<Upload> | undefined;
      bb.on('file', (field, stream, info) => {
        if (field !== 'file' || saving) {
          stream.resume();
          return;
        }
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
      bb.on('error', (err: Error) =>
        reject(new HttpError(400, `malformed multipart request: ${err.message}`)),
      );
      bb.on('close', () => {
        if (!saving) reject(new HttpError(400, 'the form has no "file" field'));
        else saving.then(resolve, reject);
      });
      req.on('aborted', () => reject(new HttpError(400, 'upload aborted by the client')));
      req.pipe(bb);
    });
    if (upload.bytes === 0) throw new HttpError(400, 'the uploaded file is empty');
    return upload;
  } catch (err) {
    await cleanup();
    // drain what is left so the response can be sent on the same connection
    req.resume();
    throw err;
  }
}
