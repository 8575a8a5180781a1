import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { Command } from 'commander';
import sharp from 'sharp';
import { registerMask } from '../src/cli/commands/mask.js';
import { UserError } from '../src/cli/userError.js';
import { encodeNpy } from '../src/io/npy.js';
import { cartoonFace } from './masking-maps.js';
import { scratchDir } from './scratchDir.js';

const dir = scratchDir('fsvfm-mask-');

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'mask', ...args], { encoding: 'utf8' });

/** Runs `fsvfm mask` in this process and returns what it printed (faster than spawning the CLI). */
async function maskInProcess(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerMask(program);
  const lines: string[] = [];
  const log = mock.method(console, 'log', (...parts: unknown[]) => {
    lines.push(parts.join(' '));
  });
  try {
    await program.parseAsync(['node', 'fsvfm', 'mask', ...args]);
  } finally {
    log.mock.restore();
  }
  return lines.join('\n');
}

function writeMap(name: string, labels: Int8Array | Float32Array, shape = [1, 224, 224]): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    encodeNpy({ dtype: labels instanceof Float32Array ? 'float32' : 'int8', shape, data: labels }),
  );
  return path;
}

const a = writeMap('a.npy', cartoonFace().labels as Int8Array);
const b = writeMap('b.npy', cartoonFace({ cx: 90, hairBelow: 160 }).labels as Int8Array);

test('--runs --json prints one JSON object with per-patch frequencies per map and region', async () => {
  const r = cli('--parsing', `${a},${b}`, '--runs', '60', '--seed', '5', '--json');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const report = JSON.parse(lines[0]!);
  assert.equal(report.maps.length, 2);
  assert.deepEqual(Object.keys(report.regions_chosen), [
    'eyebrows',
    'eyes',
    'nose',
    'mouth',
    'facial_boundary',
    'hair',
  ]);
  assert.equal(
    Object.values(report.regions_chosen as Record<string, number>).reduce((s, n) => s + n, 0),
    60,
  );
  for (const m of report.maps) {
    assert.equal(m.freq.length, 196);
    assert.ok(
      Math.abs(m.freq.reduce((s: number, f: number) => s + f, 0) - 147) < 1e-3,
      'frequencies sum to n_mask',
    );
    assert.deepEqual(Object.keys(m.freq_by_region).length, 6);
    assert.deepEqual(m.masked_counts, [147]);
    assert.equal(m.fr_subset_rate, 1);
  }
  assert.equal(report.maps[0].file, a);
  // Same seed, same numbers.
  assert.equal(
    await maskInProcess('--parsing', `${a},${b}`, '--runs', '60', '--seed', '5', '--json'),
    lines[0],
  );
});

test('overlay mode writes one PNG per map, from the face image or the parsing colours', async () => {
  const face = join(dir, 'face.png');
  await sharp({ create: { width: 300, height: 300, channels: 3, background: '#c89070' } })
    .png()
    .toFile(face);
  const out = join(dir, 'out');
  const res = JSON.parse(
    await maskInProcess(
      face,
      face,
      '--parsing',
      a,
      '--parsing',
      b,
      '--out',
      out,
      '--region',
      'nose',
      '--json',
    ),
  );
  assert.equal(res.region, 'nose');
  assert.equal(res.images.length, 2);
  for (const img of res.images) {
    assert.equal(img.masked, 147);
    const meta = await sharp(img.png).metadata();
    assert.deepEqual([meta.width, meta.height, meta.format], [224, 224, 'png']);
  }
  const noFace = await maskInProcess('--parsing', a, '--out', out, '--strategy', 'random');
  assert.match(noFace, /a\.random\.png\s+masked 147\/196/);
});

test('bad input is a UserError saying what was wrong', async () => {
  const floatMap = writeMap('float.npy', new Float32Array(224 * 224));
  const wrongShape = writeMap('shape.npy', new Int8Array(2 * 224 * 224), [2, 224, 224]);
  const badLabel = new Int8Array(224 * 224);
  badLabel[5] = 11;
  const outOfRange = writeMap('label.npy', badLabel);
  const cases: [string[], RegExp][] = [
    [['--parsing', join(dir, 'missing.npy'), '--runs', '2'], /parsing map not found/],
    [['--parsing', floatMap, '--runs', '2'], /integer labels.*float32/],
    [['--parsing', wrongShape, '--runs', '2'], /shape \[1,H,W\] or \[H,W\], got \[2,224,224\]/],
    [['--parsing', outOfRange, '--runs', '2'], /label 11 is outside the LaPa range 0\.\.10/],
    [['--parsing', a, '--patch-size', '15', '--runs', '2'], /--patch-size 15 does not divide/],
    [['--parsing', a, '--strategy', 'crfr-x', '--runs', '2'], /unknown --strategy/],
    [['--parsing', a, '--mask-ratio', '1.2', '--runs', '2'], /--mask-ratio must be in \[0, 1\)/],
    [[join(dir, 'nope.png'), '--parsing', a], /face image not found/],
    [
      ['--parsing', `${a},${writeMap('small.npy', new Int8Array(112 * 112), [112, 112])}`, '--runs', '2'],
      /must share a size/,
    ],
  ];
  for (const [args, message] of cases) {
    await assert.rejects(
      maskInProcess(...args),
      (err: unknown) => err instanceof UserError && message.test(err.message),
      args.join(' '),
    );
  }
});

test('the CLI prints a bad-input message without a stack trace', () => {
  const r = cli('--parsing', join(dir, 'missing.npy'), '--runs', '2', '--json');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^fsvfm: parsing map not found: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
