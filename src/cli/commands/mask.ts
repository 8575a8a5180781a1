// `fsvfm mask`: draw facial masks (CRFR-P and the other strategies) over faces, or measure their statistics.
import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { type MaskOverlayFiles, writeMaskOverlays } from '../../data/masking/maskOverlayFiles.js';
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
import { COVERABLE_REGION_NAMES, type RegionName } from '../../data/masking/regionGroups.js';
import { SeededRng } from '../../data/random/seededRng.js';
import { readNpy } from '../../io/npy.js';
import { intArg, positiveInt } from '../args.js';
import { asUserError, UserError } from '../userError.js';

interface MaskCliOptions {
  parsing: string[];
  strategy: string;
  region?: string;
  patchSize: number;
  maskRatio: string;
  seed: number;
  out: string;
  runs?: number;
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
    .option('--patch-size <px>', 'patch size in parsing-map pixels', positiveInt('--patch-size'), 16)
    .option('--mask-ratio <r>', 'fraction of patches masked (floor(r·N) per image)', '0.75')
    .option('--seed <n>', 'random seed', intArg('--seed', Number.MIN_SAFE_INTEGER), 0)
    .option('--out <dir>', 'folder for the overlay PNGs', 'fsvfm-masks')
    .option(
      '--runs <n>',
      'statistics mode: run the strategy N times on the maps as one batch',
      positiveInt('--runs'),
    )
    .option('--json', 'print one JSON object')
    .action(async (faces: string[], opts: MaskCliOptions) => {
      const maps = opts.parsing.map(loadParsingMap);
      const strategy = buildStrategy(opts, maps);
      const { seed } = opts;
      if (opts.runs !== undefined) {
        if (faces.length > 0)
          throw new UserError(
            '--runs measures mask statistics from the parsing maps only; drop the face images',
          );
        runStatistics(strategy, maps, opts, opts.runs, seed);
        return;
      }
      await writeOverlays(strategy, maps, faces, opts, seed);
    });
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
  const { patchSize } = opts;
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

async function writeOverlays(
  strategy: MaskStrategy,
  maps: ParsingMap[],
  faces: string[],
  opts: MaskCliOptions,
  seed: number,
) {
  let r: MaskOverlayFiles;
  try {
    r = await writeMaskOverlays({
      strategy,
      maps,
      faces,
      parsingFiles: opts.parsing,
      outDir: opts.out,
      seed,
    });
  } catch (err) {
    throw asUserError(err);
  }
  if (opts.json) {
    console.log(
      JSON.stringify({ strategy: strategy.name, region: r.region, sfr_empty: r.sfrEmpty, images: r.images }),
    );
    return;
  }
  console.log(
    `${strategy.name}: covered region ${r.region ?? '(none)'}${r.sfrEmpty ? ' (absent from every map: SFR loss 0)' : ''}`,
  );
  for (const w of r.images) {
    console.log(
      `${w.png}  masked ${w.masked}/${r.patches}, covered ${w.fr}${w.extreme ? ' (region larger than the mask: trimmed)' : ''}`,
    );
  }
}
