// `fsvfm mask`: draw facial masks (CRFR-P and the other strategies) over faces, or measure their statistics.
import { existsSync, mkdirSync, writeSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import sharp from 'sharp';
import { createRgbImage, type RgbImage } from '../../data/image/rgbImage.js';
import { maskOverlay, parsingColourImage } from '../../data/masking/maskOverlay.js';
import { maskRunReport } from '../../data/masking/maskRunReport.js';
import { collectMaskStatistics } from '../../data/masking/maskRunStatistics.js';
import {
  createMaskStrategy,
  isMaskStrategyName,
  MASK_STRATEGY_NAMES,
} from '../../data/masking/maskStrategies.js';
import type { MaskStrategy } from '../../data/masking/maskStrategy.js';
import { type ParsingMap, parsingMapFromNpy } from '../../data/masking/parsingMap.js';
import { patchLabelSets } from '../../data/masking/patchLabels.js';
import { countOnes } from '../../data/masking/patchMembership.js';
import { COVERABLE_REGION_NAMES, type RegionName } from '../../data/masking/regionGroups.js';
import { SeededRng } from '../../data/random/seededRng.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { readNpy } from '../../io/npy.js';
import { UserError } from '../userError.js';

interface MaskCliOptions {
  parsing: string[];
  strategy: string;
  region?: string;
  patchSize: string;
  maskRatio: string;
  seed: string;
  out: string;
  runs?: string;
  json?: boolean;
}

const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
];

export function registerMask(program: Command): void {
  program
    .command('mask')
    .description(
      'draw facial masks (CRFR-P, CRFR-R, facial-region, random) over faces, or measure their statistics',
    )
    .argument(
      '[faces...]',
      'face images aligned with the parsing maps (optional: without them the parsing colours are drawn)',
    )
    .requiredOption(
      '--parsing <files>',
      'parsing maps (.npy, [1,H,W] or [H,W] LaPa labels), comma-separated or repeated',
      collectList,
    )
    .option('--strategy <name>', `masking strategy: ${MASK_STRATEGY_NAMES.join(', ')}`, 'crfr-p')
    .option('--region <name>', `covered region instead of a random one: ${COVERABLE_REGION_NAMES.join(', ')}`)
    .option('--patch-size <px>', 'patch size in parsing-map pixels', '16')
    .option('--mask-ratio <r>', 'fraction of patches masked (floor(r·N) per image)', '0.75')
    .option('--seed <n>', 'random seed', '0')
    .option('--out <dir>', 'folder for the overlay PNGs', 'fsvfm-masks')
    .option('--runs <n>', 'statistics mode: run the strategy N times on the maps as one batch')
    .option('--json', 'print one JSON object')
    .action(async (faces: string[], opts: MaskCliOptions) => {
      const maps = opts.parsing.map(loadParsingMap);
      const strategy = buildStrategy(opts, maps);
      const seed = parseIntOption(opts.seed, '--seed', Number.MIN_SAFE_INTEGER);
      if (opts.runs !== undefined) {
        if (faces.length > 0)
          throw new UserError(
            '--runs measures mask statistics from the parsing maps only; drop the face images',
          );
        const runs = parseIntOption(opts.runs, '--runs', 1);
        runStatistics(strategy, maps, opts, runs, seed);
        return;
      }
      await writeOverlays(strategy, maps, faces, opts, seed);
    });
}

function parseIntOption(text: string, flag: string, min: number): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min)
    throw new UserError(`${flag} must be an integer${min > 0 ? ` >= ${min}` : ''}, got '${text}'`);
  return v;
}

function loadParsingMap(path: string): ParsingMap {
  if (!existsSync(path)) throw new UserError(`parsing map not found: ${path}`);
  try {
    return parsingMapFromNpy(readNpy(path), path);
  } catch (err) {
    throw new UserError(
      `${err instanceof Error ? err.message : String(err)} (expected a .npy LaPa parsing map, int8 [1,H,W])`,
    );
  }
}

function buildStrategy(opts: MaskCliOptions, maps: ParsingMap[]): MaskStrategy {
  if (!isMaskStrategyName(opts.strategy)) {
    throw new UserError(
      `unknown --strategy '${opts.strategy}' (choose one of ${MASK_STRATEGY_NAMES.join(', ')})`,
    );
  }
  const patchSize = parseIntOption(opts.patchSize, '--patch-size', 1);
  const maskRatio = Number(opts.maskRatio);
  if (!(maskRatio >= 0 && maskRatio < 1))
    throw new UserError(`--mask-ratio must be in [0, 1), got '${opts.maskRatio}'`);
  if (opts.region !== undefined && !(COVERABLE_REGION_NAMES as readonly string[]).includes(opts.region)) {
    throw new UserError(
      `unknown --region '${opts.region}' (choose one of ${COVERABLE_REGION_NAMES.join(', ')})`,
    );
  }
  const first = maps[0]!;
  maps.forEach((m, i) => {
    if (m.height !== first.height || m.width !== first.width) {
      throw new UserError(
        `parsing maps of one batch must share a size: ${opts.parsing[i]} is ${m.height}x${m.width}, ${opts.parsing[0]} is ${first.height}x${first.width}`,
      );
    }
  });
  if (first.height % patchSize !== 0 || first.width % patchSize !== 0) {
    throw new UserError(
      `--patch-size ${patchSize} does not divide the ${first.height}x${first.width} parsing maps`,
    );
  }
  return createMaskStrategy(opts.strategy, {
    patchSize,
    maskRatio,
    region: opts.region as RegionName | undefined,
  });
}

function runStatistics(
  strategy: MaskStrategy,
  maps: ParsingMap[],
  opts: MaskCliOptions,
  runs: number,
  seed: number,
): void {
  const labels = maps.map((m) => patchLabelSets(m, strategy.options.patchSize));
  const bar =
    !opts.json && process.stderr.isTTY && runs >= 2000
      ? new cliProgress.SingleBar({}, cliProgress.Presets.shades_classic)
      : null;
  bar?.start(runs, 0);
  const stats = collectMaskStatistics(strategy, labels, new SeededRng(seed), runs, (r) => {
    if (r % 100 === 99) bar?.update(r + 1);
  });
  bar?.update(runs);
  bar?.stop();
  const report = maskRunReport(stats, opts.parsing, strategy.name);
  if (opts.json) {
    console.log(JSON.stringify(report));
    return;
  }
  console.log(
    `${strategy.name}: ${runs} runs of a batch of ${maps.length}, ${report.n_mask}/${report.num_patches} patches masked`,
  );
  const chosen = Object.entries(report.regions_chosen).filter(([, n]) => n > 0);
  if (chosen.length) console.log(`regions chosen: ${chosen.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  for (const m of report.maps) {
    console.log(
      `${m.file}: masked counts ${m.masked_counts.join(',')}, FR ⊆ mask in ${(100 * m.fr_subset_rate).toFixed(1)}% of runs`,
    );
  }
}

async function loadFace(path: string, map: ParsingMap): Promise<RgbImage> {
  if (!existsSync(path)) throw new UserError(`face image not found: ${path}`);
  try {
    const { data, info } = await sharp(path)
      .removeAlpha()
      .resize(map.width, map.height, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return createRgbImage(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.length));
  } catch (err) {
    throw new UserError(`cannot decode image ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function writeOverlays(
  strategy: MaskStrategy,
  maps: ParsingMap[],
  faces: string[],
  opts: MaskCliOptions,
  seed: number,
) {
  if (faces.length > 0 && faces.length !== maps.length) {
    throw new UserError(
      `got ${faces.length} face images for ${maps.length} parsing maps; give one image per map, or none`,
    );
  }
  const batch = strategy.generate(maps, new SeededRng(seed));
  const N = batch.grid.count;
  mkdirSync(opts.out, { recursive: true });
  const written: { file: string; png: string; masked: number; fr: number; extreme: boolean }[] = [];
  for (let i = 0; i < maps.length; i++) {
    const base = faces.length > 0 ? await loadFace(faces[i]!, maps[i]!) : parsingColourImage(maps[i]!);
    const mask = batch.masks.subarray(i * N, (i + 1) * N);
    const sfr = batch.sfr.subarray(i * N, (i + 1) * N);
    const img = maskOverlay(base, mask, sfr, batch.grid);
    const source = faces[i] ?? opts.parsing[i]!;
    const png = join(opts.out, `${basename(source, extname(source))}.${strategy.name}.png`);
    const bytes = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
      .png()
      .toBuffer();
    await writeFileAtomic(png, (fd) => {
      writeSync(fd, bytes);
    });
    written.push({
      file: opts.parsing[i]!,
      png,
      masked: countOnes(mask),
      fr: countOnes(sfr),
      extreme: batch.extreme[i]!,
    });
  }
  if (opts.json) {
    console.log(
      JSON.stringify({
        strategy: strategy.name,
        region: batch.region,
        sfr_empty: batch.sfrEmpty,
        images: written,
      }),
    );
    return;
  }
  console.log(
    `${strategy.name}: covered region ${batch.region ?? '(none)'}${batch.sfrEmpty ? ' (absent from every map: SFR loss 0)' : ''}`,
  );
  for (const w of written) {
    console.log(
      `${w.png}  masked ${w.masked}/${N}, covered ${w.fr}${w.extreme ? ' (region larger than the mask: trimmed)' : ''}`,
    );
  }
}
