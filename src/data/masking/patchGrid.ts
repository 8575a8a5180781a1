// Patch-grid geometry: patch k = row * cols + col, as in the ViT patch embedding.

export interface PatchGrid {
  patchSize: number;
  rows: number;
  cols: number;
  /** N, the number of patches. */
  count: number;
}

export function patchGrid(height: number, width: number, patchSize: number): PatchGrid {
  if (!Number.isInteger(patchSize) || patchSize < 1)
    throw new Error(`patch size must be a positive integer, got ${patchSize}`);
  if (height % patchSize !== 0 || width % patchSize !== 0) {
    throw new Error(`a ${height}x${width} parsing map does not split into ${patchSize}x${patchSize} patches`);
  }
  const rows = height / patchSize;
  const cols = width / patchSize;
  return { patchSize, rows, cols, count: rows * cols };
}
