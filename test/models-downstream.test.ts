import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkDownstreamFixtures } from '../src/verify/downstreamChecks.js';

const fixtureDir = resolve(fileURLToPath(new URL('..', import.meta.url)), '../shared/fixtures/oracle-v1');
const absent = !existsSync(`${fixtureDir}/checkpoints/fas-vit.pth.tar`);

const STEMS = [
  'finetune_features',
  'finetune_logits',
  'finetune_probs',
  'fsadapter_features',
  'fsadapter_bottleneck',
  'fsadapter_adapter_out',
  'fsadapter_logits',
  'fsadapter_proj_normalized',
  'fas_backbone_tokens',
  'fas_cls_out',
  'fas_embedder_features',
  'fas_checkpoint',
  'pos_embed_interp_14_to_12',
  'pos_embed_interp_14_to_16',
  'pos_embed_sincos_64_g14',
  'pos_embed_sincos_96_g14',
  'pos_embed_sincos_192_g14',
  'pos_embed_sincos_512_g14',
  'pos_embed',
];

test('fine-tuned ViT, FS-Adapter, FAS model and positional tables reproduce the oracle outputs', {
  skip: absent ? `oracle fixtures not found at ${fixtureDir}` : false,
}, async () => {
  const results = await checkDownstreamFixtures(fixtureDir);
  assert.deepEqual(Object.keys(results).sort(), [...STEMS].sort());
  for (const [stem, r] of Object.entries(results))
    assert.ok(r.pass, `${stem}: ${r.detail ?? ''} (worst ${r.worstAbsErr}, ${r.tolerance})`);
});
