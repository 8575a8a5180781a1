// The scanning HTTP service (node:http):
//   POST /scan        multipart field `file` → the ScanItem JSON (crops always, heatmaps with ?explain=1)
//   GET  /health      liveness and load
//   GET  /model       detector facts (kind, size, recipe, threshold, normalisation, limits)
//   GET  /model.onnx  the detector exported for onnxruntime-web (batch 1)
//   GET  /            the web page; /ort/* onnxruntime-web's files
// With a token, /scan, /model and /model.onnx need `Authorization: Bearer <token>` (401 otherwise); /health and the
// page's static files (the same for every install, no data) stay open so probes and the page itself can load.
// Limits: upload size (413), a stalled or too slow upload (408), video duration (422), concurrency (503 when the
// queue is full), time per request (504). Every upload's temp folder is removed whatever the outcome.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Detector, MediaLimitError } from '../detect/index.js';
import { bearerTokenMatches } from './bearerToken.js';
import { applyCors } from './corsPolicy.js';
import { HttpError, sendError, sendJson } from './httpErrors.js';
import { receiveUpload } from './multipartUpload.js';
import type { ScanFileFn } from './queuedScan.js';
import { RequestQueue } from './requestQueue.js';
import { inProcessEngine, type ScanEngine } from './scanEngine.js';
import { ortDistRoot, serveFile, webRoot } from './staticAssets.js';

export interface ScanServerOptions {
  /** scores uploads and describes the model: a `DetectorThread` keeps model runs off the HTTP thread */
  detector: Detector | ScanEngine;
  /** largest accepted upload in bytes (default 200 MB) */
  maxUploadBytes?: number;
  /** longest accepted video in seconds (default 600) */
  maxVideoSeconds?: number;
  /** scans running at once (default 2) */
  concurrency?: number;
  /** scans waiting beyond those (default 32) */
  maxQueue?: number;
  /** time limit per scan request in ms (default 120 000) */
  requestTimeoutMs?: number;
  /** frames sampled per video (default 32) */
  frames?: number;
  /** scores an uploaded file (default: `detector`, wherever it runs; `queuedScanFile` hands it to workers) */
  scanFile?: ScanFileFn;
  /** folder for uploads while they are scanned (default: the system temp folder); workers must read it */
  uploadDir?: string;
  /** longest pause while receiving an upload, in ms (default 30 000; 408 after it) */
  uploadIdleMs?: number;
  /** longest time to receive one upload, in ms (default 600 000; 408 after it) */
  uploadTimeoutMs?: number;
  /** bearer token required on the API routes (default: none, for a service on the loopback only) */
  token?: string;
  /** the one origin allowed to call the API from a browser (`*` for any); default: none (no CORS headers) */
  corsOrigin?: string;
  log?: (line: string) => void;
}

const API_PATHS = new Set(['/scan', '/model', '/model.onnx']);

export interface ScanServer {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  /** stops accepting connections, lets running scans finish, then resolves */
  close(): Promise<void>;
}

export function createScanServer(opts: ScanServerOptions): ScanServer {
  const detector = opts.detector instanceof Detector ? inProcessEngine(opts.detector) : opts.detector;
  const limits = {
    maxUploadBytes: opts.maxUploadBytes ?? 200 * 1024 * 1024,
    maxVideoSeconds: opts.maxVideoSeconds ?? 600,
    requestTimeoutMs: opts.requestTimeoutMs ?? 120_000,
    frames: opts.frames ?? 32,
  };
  const queue = new RequestQueue(opts.concurrency ?? 2, opts.maxQueue ?? 32);
  const web = webRoot();
  let ort: string | undefined;
  let onnx: Promise<Uint8Array> | undefined;
  let closing = false;
  const inFlight = new Set<Promise<unknown>>();
  const log = opts.log ?? (() => {});
  const scanFile: ScanFileFn = opts.scanFile ?? ((path, o) => detector.scanFile(path, o));

  async function scan(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (closing) throw new HttpError(503, 'server is shutting down');
    const explain = url.searchParams.get('explain') === '1';
    const crops = url.searchParams.get('crops') !== '0';
    const upload = await receiveUpload(req, limits.maxUploadBytes, opts.uploadDir, {
      idleMs: opts.uploadIdleMs,
      totalMs: opts.uploadTimeoutMs,
    });
    // a client that leaves while its scan waits or runs gives its place back (and its upload is deleted below)
    const clientGone = new AbortController();
    const onClose = (): void => {
      if (!res.writableEnded) clientGone.abort(new HttpError(499, 'client closed the connection'));
    };
    res.on('close', onClose);
    try {
      const item = await queue.run(async () => {
        clientGone.signal.throwIfAborted();
        const controller = new AbortController();
        const timer = setTimeout(
          () => controller.abort(new HttpError(504, `scan took longer than ${limits.requestTimeoutMs} ms`)),
          limits.requestTimeoutMs,
        );
        const stop = (): void => controller.abort(clientGone.signal.reason);
        clientGone.signal.addEventListener('abort', stop, { once: true });
        try {
          return await scanFile(upload.path, {
            signal: controller.signal,
            crops: crops || explain,
            explain,
            frames: limits.frames,
            maxDurationS: limits.maxVideoSeconds,
          });
        } catch (err) {
          if (controller.signal.aborted) throw controller.signal.reason;
          if (err instanceof MediaLimitError) throw new HttpError(422, err.message);
          throw err;
        } finally {
          clearTimeout(timer);
          clientGone.signal.removeEventListener('abort', stop);
        }
      });
      item.input = upload.filename;
      sendJson(res, 200, item);
      log(`POST /scan ${upload.filename} (${upload.bytes} B): ${item.status} ${item.p_fake ?? ''}`);
    } finally {
      res.off('close', onClose);
      await upload.cleanup();
    }
  }

  function model(): unknown {
    return {
      ...detector.info,
      limits: {
        max_upload_bytes: limits.maxUploadBytes,
        max_video_seconds: limits.maxVideoSeconds,
        request_timeout_ms: limits.requestTimeoutMs,
        frames_per_video: limits.frames,
        concurrency: queue.active,
        max_queue: queue.waiting,
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    if (applyCors(req, res, opts.corsOrigin)) return;
    if (opts.token !== undefined && API_PATHS.has(url.pathname)) {
      if (!bearerTokenMatches(req.headers.authorization, opts.token)) {
        req.resume(); // drain, so the client reads the answer instead of a reset connection
        throw new HttpError(401, 'missing or wrong bearer token (Authorization: Bearer <token>)', {
          'www-authenticate': 'Bearer realm="fsvfm"',
        });
      }
    }
    if (route === 'POST /scan') return scan(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (url.pathname === '/scan') throw new HttpError(405, 'use POST /scan with a multipart "file" field');
      throw new HttpError(404, `no route ${route}`);
    }
    if (url.pathname === '/health')
      return sendJson(res, 200, { status: closing ? 'closing' : 'ok', ...queue.load });
    if (url.pathname === '/model') return sendJson(res, 200, model());
    if (url.pathname === '/model.onnx') {
      onnx ??= detector.exportOnnx();
      onnx.catch(() => {
        onnx = undefined; // a failed export is tried again on the next request
      });
      const bytes = await onnx;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.byteLength });
      res.end(req.method === 'HEAD' ? undefined : bytes);
      return;
    }
    if (url.pathname.startsWith('/ort/')) {
      ort ??= ortDistRoot();
      if (serveFile(res, ort, url.pathname.slice(5))) return;
      throw new HttpError(404, `no file ${url.pathname}`);
    }
    const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    if (serveFile(res, web, rel)) return;
    throw new HttpError(404, `no route ${route}`);
  }

  const server = createServer((req, res) => {
    const task = handle(req, res).catch((err: unknown) => {
      if (!(err instanceof HttpError)) log(`error: ${(err as Error)?.stack ?? String(err)}`);
      // after a timed-out upload the rest of the body is not read: answer, then drop the connection
      if (err instanceof HttpError && err.headers.connection === 'close')
        res.once('finish', () => req.destroy());
      sendError(res, err);
    });
    inFlight.add(task);
    task.finally(() => inFlight.delete(task));
  });
  server.requestTimeout = 0; // uploads of large videos may be slow; scans have their own limit

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
}
