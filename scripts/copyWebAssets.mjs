// Copies the static web page (src/web) next to the compiled server (dist/web): tsc only emits .ts sources.
import { cpSync } from 'node:fs';

cpSync(new URL('../src/web', import.meta.url), new URL('../dist/web', import.meta.url), { recursive: true });
