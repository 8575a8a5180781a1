// Redis connections for the scan queue. BullMQ's ESM build cannot load ioredis by itself, so every queue, worker
// and event listener gets a client made here: one URL check, and a reconnect policy that keeps retrying (a Redis
// restart must not end a worker or a waiting producer).
import { Redis } from 'ioredis';

/** The `redis://` / `rediss://` URL, checked; throws an Error whose message says what is wrong. */
export function checkRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a Redis URL: "${url}" (expected redis://host:port[/db])`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new Error(`not a Redis URL: "${url}" (expected redis://host:port[/db])`);
  if (!parsed.hostname) throw new Error(`Redis URL "${url}" names no host`);
  return parsed;
}

export interface RedisClientOptions {
  /** called on each connection state change: 'ready', 'reconnecting', 'end' */
  onState?: (state: string, detail?: string) => void;
}

/** Logs a lost connection once and its return, not the retries in between nor the first connect. */
export function connectionLog(log: (line: string) => void): NonNullable<RedisClientOptions['onState']> {
  let connected = false;
  let down = false;
  return (state, detail) => {
    if (state === 'ready') {
      if (down) log('redis connection back');
      connected = true;
      down = false;
    } else if (state === 'reconnecting' && connected && !down) {
      down = true;
      log(`redis connection lost${detail ? ` (${detail})` : ''}; reconnecting`);
    }
  };
}

/** A client that queues commands while disconnected and reconnects every 0.2–2 s for as long as it is open. */
export function redisClient(url: string, opts: RedisClientOptions = {}): Redis {
  checkRedisUrl(url);
  const client = new Redis(url, {
    // BullMQ's blocking commands require it; commands wait for the reconnect instead of failing
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    lazyConnect: false,
  });
  let lastError = '';
  client.on('error', (err: Error) => {
    lastError = err.message;
  });
  client.on('ready', () => opts.onState?.('ready'));
  client.on('reconnecting', () => opts.onState?.('reconnecting', lastError));
  client.on('end', () => opts.onState?.('end'));
  return client;
}

/** Waits until the client is connected, or throws after `timeoutMs` saying the server cannot be reached. */
export async function waitForRedis(client: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  const parsed = checkRedisUrl(url);
  const where = `${parsed.protocol}//${parsed.host}`; // never the password
  let lastError = '';
  const onError = (err: Error): void => {
    lastError = err.message;
  };
  client.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(new Error(`cannot reach Redis at ${where}${lastError ? `: ${lastError}` : ''}`));
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', onReady);
    });
  } finally {
    client.off('error', onError);
  }
}
