import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quickstartConfig } from '../src/quickstart/quickstartConfig.js';

test('the quickstart trains both detectors with online SBI by default; onlineSbi: false keeps the pre-made fakes', () => {
  for (const quick of [false, true]) {
    const premade = quickstartConfig({ quick, onlineSbi: false });
    assert.equal('onlineSbi' in premade.adapter, false);
    assert.equal(premade.full && 'onlineSbi' in premade.full, quick ? null : false);
    const online = quickstartConfig({ quick });
    assert.deepEqual(online.adapter.onlineSbi, {
      sbiStrength: premade.sbiStrength,
      wholeJitter: 0.5,
      jpegProb: 0.5,
    });
    // the pairing and post-processing change; the adapter's batch, lr and crops stay
    const { epochs: _e, onlineSbi: _o, ...rest } = online.adapter;
    const { epochs: _pe, onlineSbi: _po, ...premadeRest } = premade.adapter;
    assert.deepEqual(rest, premadeRest);
    if (!quick) {
      assert.ok(online.full?.onlineSbi);
      // measured (docs/experiments.md): fresh blends keep full fine-tuning learning for 12 epochs at lr 1e-3
      assert.deepEqual([online.full?.epochs, online.full?.lr], [12, 1e-3]);
    }
  }
});
