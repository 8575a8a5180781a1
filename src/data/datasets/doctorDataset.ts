// `fsvfm doctor`: checks a prepared dataset folder before a long training run. Pre-training layout
// (images/ + parsing_maps/, SPEC §6.2-6.3) or imagefolder layout (class folders, optionally under
// train/val/test; SPEC §6.4): unreadable images, empty classes, class-id order, frames per video,
// missing or malformed parsing maps.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { readNpy } from '../../io/npy.js';
import { CROP_SIZE } from '../crops/cropRecipes.js';
import { byCodePoint } from './listInputFiles.js';

export interface DoctorIssue {
  level: 'error' | 'warning';
  path: string;
  message: string;
}

export interface DoctorClass {
  name: string;
  /** the index torchvision's ImageFolder (and our loader) gives this folder: code-point order */
  id: number;
  images: number;
  videos: number;
  framesPerVideo: { min: number; max: number; mean: number } | null;
}

export interface DoctorReport {
  root: string;
  layout: 'pretrain' | 'imagefolder';
  images: number;
  splits: Array<{ name: string; classes: DoctorClass[] }>;
  issues: DoctorIssue[];
  errors: number;
  warnings: number;
}

const IMAGE_EXTS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.tif', '.tiff']);
const SPLITS = ['train', 'val', 'test'];
const MAX_LABEL = 10;

function dirs(p: string): string[] {
  return readdirSync(p)
    .filter((n) => !n.startsWith('.') && statSync(join(p, n)).isDirectory())
    .sort(byCodePoint);
}

function files(p: string): string[] {
  return readdirSync(p)
    .filter((n) => !n.startsWith('.') && statSync(join(p, n)).isFile())
    .sort(byCodePoint);
}

/** Video id of a frame file: its name up to the first `_frame_` (SPEC §6.4), else the file itself. */
export function videoIdOf(fileName: string): string {
  const i = fileName.indexOf('_frame_');
  return i >= 0 ? fileName.slice(0, i) : fileName;
}

async function checkImage(path: string, issues: DoctorIssue[], expectSize?: number): Promise<void> {
  try {
    const meta = await sharp(path).metadata();
    if (expectSize && (meta.width !== expectSize || meta.height !== expectSize)) {
      issues.push({
        level: 'error',
        path,
        message: `image is ${meta.width}x${meta.height}, expected ${expectSize}x${expectSize}`,
      });
    }
  } catch (err) {
    issues.push({
      level: 'error',
      path,
      message: `unreadable image (${(err as Error).message.split('\n')[0]})`,
    });
  }
}

export async function doctorDataset(root: string): Promise<DoctorReport> {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${root} is not a folder`);
  const issues: DoctorIssue[] = [];
  if (existsSync(join(root, 'images'))) return doctorPretrain(root, issues);
  const splitNames = dirs(root).filter((d) => SPLITS.includes(d));
  const splits: DoctorReport['splits'] = [];
  let images = 0;
  for (const split of splitNames.length > 0 ? splitNames : ['']) {
    const dir = join(root, split);
    const classNames = dirs(dir);
    if (classNames.length === 0) {
      issues.push({
        level: 'error',
        path: dir,
        message: 'no class folders (expected e.g. fake_*/ and real_*/)',
      });
    }
    const stray = files(dir).filter((f) => IMAGE_EXTS.has(extname(f).toLowerCase()));
    if (stray.length > 0) {
      issues.push({
        level: 'warning',
        path: dir,
        message: `${stray.length} images outside any class folder are ignored`,
      });
    }
    const classes: DoctorClass[] = [];
    for (const [id, name] of classNames.entries()) {
      const cdir = join(dir, name);
      const imgs = files(cdir).filter((f) => IMAGE_EXTS.has(extname(f).toLowerCase()));
      if (imgs.length === 0)
        issues.push({ level: 'error', path: cdir, message: 'class folder has no images' });
      for (const f of imgs) await checkImage(join(cdir, f), issues);
      const perVideo = new Map<string, number>();
      for (const f of imgs)
        if (f.includes('_frame_')) perVideo.set(videoIdOf(f), (perVideo.get(videoIdOf(f)) ?? 0) + 1);
      const counts = [...perVideo.values()];
      classes.push({
        name,
        id,
        images: imgs.length,
        videos: counts.length,
        framesPerVideo:
          counts.length > 0
            ? {
                min: Math.min(...counts),
                max: Math.max(...counts),
                mean: counts.reduce((a, b) => a + b, 0) / counts.length,
              }
            : null,
      });
      images += imgs.length;
    }
    checkClassOrder(classes, dir, issues);
    splits.push({ name: split || '.', classes });
  }
  return finish({ root, layout: 'imagefolder', images, splits, issues });
}

/** FS-VFM's binary heads read class 0 as fake and 1 as real (SPEC §6.4); folder sorting must give that. */
function checkClassOrder(classes: DoctorClass[], dir: string, issues: DoctorIssue[]): void {
  if (classes.length === 0) return;
  const order = classes.map((c) => `${c.name}→${c.id}`).join(', ');
  const isFake = (n: string) => /^(fake|spoof|attack)/i.test(n);
  const isReal = (n: string) => /^(real|live|bona)/i.test(n);
  if (classes.length !== 2) {
    issues.push({
      level: 'warning',
      path: dir,
      message: `${classes.length} classes (${order}); binary detection expects 2`,
    });
  } else if (!(isFake(classes[0]!.name) && isReal(classes[1]!.name))) {
    issues.push({
      level: 'warning',
      path: dir,
      message: `class ids follow code-point order of the folder names (${order}); FS-VFM expects fake_* → 0 and real_* → 1`,
    });
  }
}

async function doctorPretrain(root: string, issues: DoctorIssue[]): Promise<DoctorReport> {
  const imgDir = join(root, 'images');
  const mapDir = join(root, 'parsing_maps');
  const imgs = files(imgDir).filter((f) => IMAGE_EXTS.has(extname(f).toLowerCase()));
  if (imgs.length === 0) issues.push({ level: 'error', path: imgDir, message: 'no images' });
  if (!existsSync(mapDir))
    issues.push({ level: 'error', path: mapDir, message: 'missing parsing_maps/ folder' });
  const maps = existsSync(mapDir) ? new Set(files(mapDir)) : new Set<string>();
  const stems = new Set<string>();
  for (const f of imgs) {
    const stem = f.slice(0, f.length - extname(f).length);
    stems.add(stem);
    await checkImage(join(imgDir, f), issues, CROP_SIZE);
    const mapName = `${stem}.npy`;
    if (!maps.has(mapName)) {
      if (existsSync(mapDir))
        issues.push({
          level: 'error',
          path: join(imgDir, f),
          message: `missing parsing map parsing_maps/${mapName}`,
        });
      continue;
    }
    checkParsingMap(join(mapDir, mapName), issues);
  }
  for (const m of maps) {
    if (m.endsWith('.npy') && !stems.has(m.slice(0, -4))) {
      issues.push({ level: 'warning', path: join(mapDir, m), message: 'parsing map without an image' });
    }
  }
  return finish({ root, layout: 'pretrain', images: imgs.length, splits: [], issues });
}

function checkParsingMap(path: string, issues: DoctorIssue[]): void {
  try {
    const a = readNpy(path);
    const want = [1, CROP_SIZE, CROP_SIZE];
    if (a.dtype !== 'int8') issues.push({ level: 'error', path, message: `dtype ${a.dtype}, expected int8` });
    if (a.shape.join() !== want.join()) {
      issues.push({
        level: 'error',
        path,
        message: `shape [${a.shape.join(', ')}], expected [${want.join(', ')}]`,
      });
    }
    let bad = 0;
    for (let i = 0; i < a.data.length; i++) {
      const v = Number(a.data[i]);
      if (v < 0 || v > MAX_LABEL) bad++;
    }
    if (bad > 0)
      issues.push({ level: 'error', path, message: `${bad} labels outside the LaPa range 0..${MAX_LABEL}` });
  } catch (err) {
    issues.push({ level: 'error', path, message: `unreadable parsing map (${(err as Error).message})` });
  }
}

function finish(r: Omit<DoctorReport, 'errors' | 'warnings'>): DoctorReport {
  const errors = r.issues.filter((i) => i.level === 'error').length;
  return { ...r, errors, warnings: r.issues.length - errors };
}

/** Human-readable report; at most `maxIssues` issue lines per level. */
export function formatDoctorReport(r: DoctorReport, maxIssues = 20): string {
  const lines = [`${r.root}: ${r.layout} layout, ${r.images} images`];
  for (const s of r.splits) {
    lines.push(`  ${s.name}/`);
    for (const c of s.classes) {
      const fpv = c.framesPerVideo
        ? `, ${c.videos} videos (${c.framesPerVideo.min}–${c.framesPerVideo.max} frames, mean ${c.framesPerVideo.mean.toFixed(1)})`
        : '';
      lines.push(`    [${c.id}] ${c.name}: ${c.images} images${fpv}`);
    }
  }
  for (const level of ['error', 'warning'] as const) {
    const list = r.issues.filter((i) => i.level === level);
    for (const i of list.slice(0, maxIssues)) lines.push(`${level}: ${i.path}: ${i.message}`);
    if (list.length > maxIssues) lines.push(`${level}: ... and ${list.length - maxIssues} more`);
  }
  lines.push(`${r.errors} errors, ${r.warnings} warnings`);
  return lines.join('\n');
}
