// Per-patch label sets: bit l of sets[k] is set iff patch k holds at least one pixel of label l.
// Every membership rule of SPEC §3.3 is a test on these bits, so a map is scanned once per patch size.
import { LAPA_LABEL_NAMES } from '../parsing/lapaLabels.js';

import type { ParsingMap } from './parsingMap.js';
import { type PatchGrid, patchGrid } from './patchGrid.js';

const LAPA_LABEL_COUNT = LAPA_LABEL_NAMES.length;

export interface PatchLabels {
  grid: PatchGrid;
  sets: Uint16Array;
}

export function patchLabelSets(map: ParsingMap, patchSize: number): PatchLabels {
  const grid = patchGrid(map.height, map.width, patchSize);
  const sets = new Uint16Array(grid.count);
  const { labels, width } = map;
  for (let y = 0; y < map.height; y++) {
    const rowBase = Math.floor(y / patchSize) * grid.cols;
    let x = y * width;
    for (let c = 0; c < grid.cols; c++) {
      let bits = 0;
      for (const end = x + patchSize; x < end; x++) {
        const l = labels[x]!;
        // Labels outside 0..10 belong to no group (SPEC §3.4), so they set no bit.
        if (l >= 0 && l < LAPA_LABEL_COUNT) bits |= 1 << l;
      }
      sets[rowBase + c]! |= bits;
    }
  }
  return { grid, sets };
}
