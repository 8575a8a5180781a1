// The pre-training dataset: one or more `<root>/images/*.png` + `<root>/parsing_maps/*.npy` folders (the layout
// `fsvfm faces --layout pretrain` writes, SPEC §6.3), concatenated in root order, images paired with maps by stem.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

export interface PretrainSample {
  stem: string;
  image: string;
  map: string;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp']);

/** Files of a folder in code-point order (stable across platforms and locales). */
function sortedFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Lists the samples of every root; throws an Error that names the folder and the fix when a root is unusable. */
export function scanPretrainDataset(roots: readonly string[]): PretrainSample[] {
  if (roots.length === 0) throw new Error('no pre-training data folder given (--data <dir>)');
  const out: PretrainSample[] = [];
  for (const r of roots) {
    const root = resolve(r);
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new Error(`data folder ${root} does not exist`);
    const imgDir = join(root, 'images');
    const mapDir = join(root, 'parsing_maps');
    if (!existsSync(imgDir))
      throw new Error(
        `${root} has no images/ folder: pre-training data needs images/ and parsing_maps/ (build it with \`fsvfm faces --layout pretrain\`)`,
      );
    const images = sortedFiles(imgDir).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()));
    if (images.length === 0) throw new Error(`${imgDir} holds no images (.png, .jpg)`);
    if (!existsSync(mapDir))
      throw new Error(
        `${root} has no parsing_maps/ folder: CRFR-P masking needs one .npy parsing map per image (run \`fsvfm faces --layout pretrain\`)`,
      );
    const maps = new Set(sortedFiles(mapDir).filter((f) => f.endsWith('.npy')));
    const missing: string[] = [];
    for (const f of images) {
      const stem = f.slice(0, f.length - extname(f).length);
      if (!maps.has(`${stem}.npy`)) missing.push(f);
      else out.push({ stem, image: join(imgDir, f), map: join(mapDir, `${stem}.npy`) });
    }
    if (missing.length)
      throw new Error(
        `${missing.length} of ${images.length} images in ${imgDir} have no parsing map in ${mapDir} (e.g. ${missing
          .slice(0, 3)
          .join(', ')}); re-run the face parser or remove those images`,
      );
  }
  return out;
}
