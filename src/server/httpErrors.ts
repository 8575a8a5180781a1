// Errors that map to an HTTP status and a JSON body `{"error": message}`.
import type { ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** extra response headers, e.g. `www-authenticate` on 401 */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError)
    sendJson(res, err.status, { error: err.message, status: err.status }, err.headers);
  else
    sendJson(res, 500, { error: `internal error: ${(err as Error)?.message ?? String(err)}`, status: 500 });
}
