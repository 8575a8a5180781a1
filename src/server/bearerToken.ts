// Bearer-token check for the service. Both sides are hashed to fixed-length digests before the constant-time
// comparison, so neither the content nor the length of the secret leaks through response timing.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** True when `authorization` is `Bearer <token>` with exactly the expected token. */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  // compare even when the header is absent or malformed, so every refusal costs the same
  const given = match?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) && match !== null;
}
