import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downstreamChecks } from '../src/verify/downstreamChecks.js';
import { verifyFixtures } from '../src/verify/verifyFixtures.js';
import { needsOracle, ORACLE_DIR } from './oracle-fixtures.js';

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
  skip: needsOracle,
}, async () => {
  const report = await verifyFixtures(ORACLE_DIR, {
    suites: [{ name: 'downstream models', checks: downstreamChecks }],
  });
  assert.deepEqual(Object.keys(report.checks).sort(), [...STEMS].sort());
  assert.deepEqual(report.skipReasons, {});
  for (const [stem, r] of Object.entries(report.results))
    assert.ok(r.pass, `${stem}: ${r.detail ?? ''} (worst ${r.worstAbsErr}, ${r.tolerance})`);
});
