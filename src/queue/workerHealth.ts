// `GET /health` for a queue worker, on loopback: 200 while it takes jobs, 503 once it is shutting down. The body
// says whether Redis is reachable and what the worker has done.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScanWorker } from './scanWorker.js';

export interface WorkerHealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startWorkerHealth(
  worker: ScanWorker,
  port: number,
  host = '127.0.0.1',
): Promise<WorkerHealthServer> {
  const started = Date.now();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/health' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `no route ${req.method} ${path}; use GET /health` }));
      return;
    }
    const state = worker.state;
    const body = JSON.stringify({
      status: state,
      queue: worker.queueName,
      ...worker.counts,
      uptime_s: Math.round((Date.now() - started) / 1000),
    });
    res.writeHead(state === 'closing' ? 503 : 200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
