// Flags shared by the commands that talk to the scan queue (`worker`, `scan --queue`, `serve --queue`). Kept apart
// from the queue code so that commands load BullMQ only when a queue is used.
import { InvalidArgumentError } from 'commander';

/** A `redis://host:port[/db]` URL, checked when parsed so a typo is a one-line error. */
export function redisUrl(flag: string) {
  return (v: string): string => {
    if (!/^rediss?:\/\/[^/]/.test(v))
      throw new InvalidArgumentError(
        `${flag} must be a Redis URL such as redis://127.0.0.1:6379, got "${v}"`,
      );
    return v;
  };
}

export function isRedisUrl(v: string): boolean {
  return /^rediss?:\/\//.test(v);
}

/** `serve --queue`: a positive integer (waiting scans, the older meaning) or the Redis URL of the scan queue. */
export function queueLimitOrRedisUrl(flag: string) {
  return (v: string): number | string => {
    if (isRedisUrl(v)) return redisUrl(flag)(v);
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${flag} must be a positive integer or a redis:// URL, got "${v}"`);
    return n;
  };
}
