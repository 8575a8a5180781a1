// Assembles src/data/faces/dlibHog/bilinearRowKernel.wat into a TypeScript module holding its bytes (base64),
// the same way scripts/buildWasm.mjs does for the optimizer kernels. Run after editing the .wat file:
//   node scripts/buildDlibHogWasm.mjs
import { writeFileSync } from 'node:fs';
import { assemble, moduleSource } from './buildWasm.mjs';

const wat = 'src/data/faces/dlibHog/bilinearRowKernel.wat';
const ts = 'src/data/faces/dlibHog/bilinearRowKernelWasm.ts';
const bytes = await assemble(wat);
writeFileSync(ts, moduleSource(wat, bytes));
console.log(`${wat} → ${ts} (${bytes.length} bytes)`);
