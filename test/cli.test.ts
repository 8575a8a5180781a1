import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

const cli = (...args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

test('fsvfm info --json reports versions and the cpu provider', () => {
  const info = JSON.parse(cli('info', '--json').trim()) as { onnxruntime: string; backends: string[] };
  assert.match(info.onnxruntime, /^\d+\.\d+/);
  assert.ok(info.backends.includes('cpu'));
});
