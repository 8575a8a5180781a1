import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quickstartConfig } from '../src/quickstart/quickstartConfig.js';

test('the quickstart recipe keeps pre-made fakes by default; --online-sbi switches both detectors to online SBI', () => {
  for (const quick of [false, true]) {
    const plain = quickstartConfig({ quick });
    assert.equal('onlineSbi' in plain.adapter, false);
    assert.equal(plain.full && 'onlineSbi' in plain.full, quick ? null : false);
    const online = quickstartConfig({ quick, onlineSbi: true });
    assert.deepEqual(online.adapter.onlineSbi, {
      sbiStrength: plain.sbiStrength,
      wholeJitter: 0.5,
      jpegProb: 0.5,
    });
    // the rest of the recipe is the same
    assert.deepEqual({ ...online.adapter, onlineSbi: undefined }, { ...plain.adapter, onlineSbi: undefined });
    if (!quick) assert.ok(online.full?.onlineSbi);
  }
});
