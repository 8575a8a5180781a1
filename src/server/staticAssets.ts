// Serves the web page (src/web, or dist/web after a build) and onnxruntime-web's dist files under /ort/.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** The folder holding index.html: beside this module's layer (src/web or dist/web). */
export function webRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../web'), resolve(here, '../../src/web')];
  const found = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!found) throw new Error(`web page assets not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function ortDistRoot(): string {
  const require = createRequire(import.meta.url);
  // the package's exports map hides package.json; resolve its main file and walk up to dist/
  const main = require.resolve('onnxruntime-web');
  let dir = dirname(main);
  while (!existsSync(join(dir, 'ort.wasm.min.js')) && dirname(dir) !== dir) dir = dirname(dir);
  if (!existsSync(join(dir, 'ort.wasm.min.js'))) throw new Error('onnxruntime-web dist files not found');
  return dir;
}

/** Streams `root/rel` if it exists inside `root`; returns false otherwise. */
export function serveFile(res: ServerResponse, root: string, rel: string): boolean {
  const path = normalize(join(root, rel));
  if (!path.startsWith(root)) return false;
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  res.writeHead(200, {
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    'content-length': statSync(path).size,
    'cache-control': 'no-cache',
  });
  createReadStream(path).pipe(res);
  return true;
}
