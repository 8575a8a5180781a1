import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerTokenMatches } from '../src/server/bearerToken.js';

test('bearerTokenMatches accepts exactly `Bearer <token>` and nothing else', () => {
  const token = 'c0rrect-horse';
  assert.equal(bearerTokenMatches(`Bearer ${token}`, token), true);
  assert.equal(bearerTokenMatches(`bearer ${token}`, token), true);
  assert.equal(bearerTokenMatches(undefined, token), false);
  assert.equal(bearerTokenMatches('', token), false);
  assert.equal(bearerTokenMatches(token, token), false);
  assert.equal(bearerTokenMatches(`Basic ${token}`, token), false);
  assert.equal(bearerTokenMatches(`Bearer ${token}x`, token), false);
  assert.equal(bearerTokenMatches(`Bearer ${token.slice(0, -1)}`, token), false);
  assert.equal(bearerTokenMatches(`Bearer ${token} extra`, token), false);
  assert.equal(bearerTokenMatches('Bearer ', token), false);
});
