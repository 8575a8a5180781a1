import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { Detector } from '../src/detect/index.js';
import { createScanServer } from '../src/server/index.js';
import { repoRoot } from './faces-media.js';
import { needsOracle, oraclePath } from './oracle-fixtures.js';

const model = oraclePath('checkpoints/finetune-vit.pth');
const chromiumPath = '/usr/bin/chromium';
const skip = needsOracle
  ? needsOracle
  : !existsSync(chromiumPath)
    ? `${chromiumPath} is missing: install the Debian package (apt-get install -y chromium) to run the browser test`
    : false;

// fp32, and int8: /model.onnx is then the int8 graph, which onnxruntime-web's wasm build runs too
for (const precision of ['fp32', 'int8'] as const)
  test(`web page (${precision}): upload a still, see the verdict, score the crop on the device with onnxruntime-web`, {
    skip,
    timeout: 120_000,
  }, async () => {
    const detector = await Detector.create({ model, numHeads: 3, precision });
    const token = 'web-page-test-token';
    const service = createScanServer({ detector, token });
    const port = await service.listen(0, '127.0.0.1');
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // the token comes in the URL fragment, which the page then drops from the address bar
      await page.goto(`http://127.0.0.1:${port}/#token=${token}`);
      await page.waitForFunction(() =>
        document.getElementById('model-info')?.textContent?.includes('finetune-vit'),
      );
      assert.ok(!page.url().includes(token), page.url());
      await page.setInputFiles('#file', join(repoRoot, 'test/fixtures/media/astronaut.png'));
      await page.waitForFunction(
        () => ['real', 'fake'].includes(document.getElementById('verdict')?.textContent ?? ''),
        null,
        {
          timeout: 60_000,
        },
      );
      const serverLine = (await page.textContent('#score-line')) ?? '';
      const serverP = Number(/P\(fake\) ([\d.]+)/.exec(serverLine)?.[1]);
      assert.ok(serverP >= 0 && serverP <= 1, serverLine);
      assert.equal(await page.locator('#faces img').count(), 2, 'crop + attention heatmap');
      await page.click('#device-run');
      await page.waitForFunction(() => document.getElementById('device-result')?.dataset.backend, null, {
        timeout: 60_000,
      });
      const device = await page.locator('#device-result').evaluate((el) => ({
        backend: (el as HTMLElement).dataset.backend,
        model: (el as HTMLElement).dataset.model,
        p: Number((el as HTMLElement).dataset.pFake),
        text: el.textContent,
      }));
      assert.equal(device.backend, 'onnxruntime-web (wasm)');
      assert.match(device.text ?? '', /backend: onnxruntime-web \(wasm\)/);
      // the page says which model ran on the device
      assert.equal(device.model, `finetune-vit.pth ${precision}`);
      assert.match(device.text ?? '', new RegExp(`model finetune-vit\\.pth ${precision}`));
      assert.ok(Math.abs(device.p - serverP) < 1e-3, `device ${device.p} vs server ${serverP}`);
      assert.deepEqual(errors, []);
      if (process.env.FSVFM_SCREENSHOT)
        await page.screenshot({ path: process.env.FSVFM_SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
      await service.close();
      detector.dispose();
    }
  });
