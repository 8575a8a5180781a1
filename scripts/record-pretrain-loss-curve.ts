// node --import tsx scripts/record-pretrain-loss-curve.ts: records the tiny pre-training loss curve that
// test/pretrain-loss-curve.test.ts compares against (run it only when the step's numerics change on purpose).
import { writeFileSync } from 'node:fs';
import { tinyPretrainLossCurve } from '../test/pretrain-loss-curve-run.js';

const curve = await tinyPretrainLossCurve(100);
const file = new URL('../test/fixtures/pretrain-loss-curve.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(curve)}\n`);
console.log(`wrote ${file.pathname}: loss ${curve.loss[0]} → ${curve.loss.at(-1)}`);
