// Worker-thread entry of the loader pool: runs each job it is sent and posts the result back (buffers transferred).
import { parentPort } from 'node:worker_threads';
import { type LoaderJob, runLoaderJob, transferList } from './loaderJobs.js';

interface Request {
  id: number;
  job: LoaderJob;
}

const port = parentPort;
if (!port) throw new Error('loaderWorker.ts must run in a worker thread');
port.on('message', async ({ id, job }: Request) => {
  try {
    const result = await runLoaderJob(job);
    port.postMessage({ id, result }, transferList(result));
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
