import { type ClassFolderDataset, type ImageFolderOptions, scanImageFolder } from './imageFolder.js';

/**
 * Several roots concatenated (SPEC §6.4: multiple `--finetune_data_path`), samples in root order.
 * Every root must yield the same class → id map, otherwise labels would silently disagree.
 */
export function concatImageFolders(
  roots: readonly string[],
  opts: ImageFolderOptions = {},
): ClassFolderDataset {
  if (roots.length === 0) throw new Error('no dataset roots given');
  const parts = roots.map((r) => scanImageFolder(r, opts));
  const first = parts[0];
  for (const p of parts.slice(1)) {
    if (p.classes.length !== first.classes.length || p.classes.some((c, i) => c !== first.classes[i])) {
      throw new Error(
        `class folders differ between '${first.root}' (${first.classes.join(', ')}) and '${p.root}' (${p.classes.join(', ')}); ` +
          'every root must hold the same class folder names',
      );
    }
  }
  return {
    root: first.root,
    classes: first.classes,
    classToIdx: first.classToIdx,
    samples: parts.flatMap((p) => p.samples),
  };
}
