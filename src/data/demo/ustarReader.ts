// Minimal reader for gzipped ustar archives (npm package tarballs), used only when no `tar` command exists.
import { gunzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

function text(b: Uint8Array, start: number, len: number): string {
  const end = b.indexOf(0, start);
  return Buffer.from(b.subarray(start, end >= 0 && end < start + len ? end : start + len)).toString('utf8');
}

/** Regular files of a .tgz whose names satisfy `want`. */
export function readTgz(tgz: Uint8Array, want: (name: string) => boolean): TarEntry[] {
  const b = gunzipSync(tgz);
  const out: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= b.length) {
    if (b[off] === 0) break; // end-of-archive block
    const size = Number.parseInt(text(b, off + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(b[off + 156]!);
    const prefix = text(b, off + 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(b, off, 100)}` : text(b, off, 100));
    longName = undefined;
    const body = b.subarray(off + 512, off + 512 + size);
    if (type === 'L') longName = text(body, 0, size);
    else if ((type === '0' || type === '\0') && want(name)) out.push({ name, data: new Uint8Array(body) });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
