import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkLossFixtures } from '../src/verify/lossChecks.js';

const fixtureDir = resolve(fileURLToPath(new URL('..', import.meta.url)), '../shared/fixtures/oracle-v1');
const absent = !existsSync(`${fixtureDir}/expected/pretrain_losses.json`);

test('contrastive losses reproduce pretrain_losses.json and fsadapter_realanchor_losses.json', {
  skip: absent ? `oracle fixtures not found at ${fixtureDir}` : false,
}, async () => {
  const results = await checkLossFixtures(fixtureDir);
  assert.deepEqual(Object.keys(results).sort(), ['fsadapter_realanchor_losses', 'pretrain_losses']);
  for (const [stem, r] of Object.entries(results))
    assert.ok(r.pass, `${stem}: ${r.detail ?? ''} (worst ${r.worstAbsErr}, ${r.tolerance})`);
});
