// Cross-origin access: off unless the operator names one allowed origin (`serve --cors <origin>`). Without it the
// browser's same-origin rule keeps other sites' pages from reading answers; with it only that origin may, with the
// bearer token in the Authorization header.
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Adds the CORS headers for an allowed origin. Returns true when the request was a preflight (OPTIONS) and has
 * been answered.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowedOrigin: string | undefined,
): boolean {
  if (allowedOrigin === undefined) return false;
  const origin = req.headers.origin;
  const allowed = allowedOrigin === '*' || origin === allowedOrigin;
  if (origin !== undefined && allowed) {
    res.setHeader('access-control-allow-origin', allowedOrigin === '*' ? '*' : origin);
    res.setHeader('vary', 'Origin');
  }
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
  if (allowed) {
    res.setHeader('access-control-allow-methods', 'GET, HEAD, POST');
    res.setHeader('access-control-allow-headers', 'authorization, content-type');
    res.setHeader('access-control-max-age', '600');
  }
  res.writeHead(204);
  res.end();
  return true;
}
