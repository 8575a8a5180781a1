// Tells images from videos by probing the content (sharp's header read, then ffmpeg), not the extension.
import sharp from 'sharp';
import { probeStreamHeader } from './probeVideo.js';

export type MediaKind = 'image' | 'video' | 'other';

/** Still formats we decode with sharp. GIF, SVG and PDF are not face photos and are left to ffmpeg or refused. */
const IMAGE_FORMATS = new Set(['jpeg', 'png', 'webp', 'tiff', 'heif', 'avif', 'jp2']);

export async function isImage(path: string): Promise<boolean> {
  try {
    const meta = await sharp(path, { limitInputPixels: false }).metadata();
    return meta.format !== undefined && IMAGE_FORMATS.has(meta.format);
  } catch {
    return false;
  }
}

export async function isVideo(path: string): Promise<boolean> {
  try {
    const h = await probeStreamHeader(path);
    return !h.isStill;
  } catch {
    return false;
  }
}

export async function mediaKind(path: string): Promise<MediaKind> {
  if (await isImage(path)) return 'image';
  if (await isVideo(path)) return 'video';
  return 'other';
}
