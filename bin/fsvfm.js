#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` builds dist/ through the `prepare` script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('fsvfm: dist/ is missing. Run `npm ci` (or `npm run build`) in the fsvfm folder first.');
  process.exit(2);
}
await import(entry.href);
