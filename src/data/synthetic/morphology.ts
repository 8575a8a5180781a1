/**
 * Binary dilation and erosion with a disc of radius r (pixels whose centres lie within r of the centre).
 * Only boundary pixels stamp the disc, so the cost follows the outline length, not the area.
 */

function discOffsets(r: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const ri = Math.floor(r);
  for (let dy = -ri; dy <= ri; dy++)
    for (let dx = -ri; dx <= ri; dx++) if (dx * dx + dy * dy <= r * r) out.push([dx, dy]);
  return out;
}

/** Sets every pixel within `r` of a set pixel. */
export function dilateBinary(bits: Uint8Array, w: number, h: number, r: number): Uint8Array {
  if (!(r > 0)) return bits.slice();
  return stamp(bits, w, h, r, 1);
}

/** Keeps only pixels whose whole r-disc is set (pixels outside the image count as unset). */
export function erodeBinary(bits: Uint8Array, w: number, h: number, r: number): Uint8Array {
  if (!(r > 0)) return bits.slice();
  return stamp(bits, w, h, r, 0);
}

function stamp(bits: Uint8Array, w: number, h: number, r: number, value: 0 | 1): Uint8Array {
  const out = bits.slice();
  const disc = discOffsets(r);
  const other = value === 1 ? 0 : 1;
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= w || y >= h ? 0 : bits[y * w + x]!);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      // dilation grows from set pixels next to unset ones; erosion eats from unset pixels next to set ones
      if (at(x, y) !== (value === 1 ? 1 : 0)) continue;
      const onEdge =
        at(x - 1, y) === other || at(x + 1, y) === other || at(x, y - 1) === other || at(x, y + 1) === other;
      if (!onEdge) continue;
      for (const [dx, dy] of disc) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h) out[yy * w + xx] = value;
      }
    }
  if (value === 0) {
    // pixels within r of the image border see "outside" as unset
    const ri = Math.floor(r);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        if (x < ri || y < ri || x >= w - ri || y >= h - ri) {
          const d = Math.min(x + 1, y + 1, w - x, h - y);
          if (d <= r) out[y * w + x] = 0;
        }
  }
  return out;
}
