// FAS leave-one-out protocols (SPEC §5.5, §7.5): the source domains of each target and their training lists
// (`<root>/txt/<dataset>_{real,fake}_train.txt`, paths relative to `<root>/frame/`); CelebA-Spoof (`celeb`) is always
// the extra source.
import type { LabeledSample } from '../../data/folders/index.js';
import { readFasSplit } from '../../data/folders/index.js';

export interface FasProtocol {
  target: string;
  sources: string[];
  family: 'MCIO' | 'WCS';
}

export const FAS_PROTOCOLS: Readonly<Record<string, FasProtocol>> = {
  M: { target: 'msu', sources: ['oulu', 'casia', 'replay'], family: 'MCIO' },
  C: { target: 'casia', sources: ['oulu', 'replay', 'msu'], family: 'MCIO' },
  I: { target: 'replay', sources: ['oulu', 'casia', 'msu'], family: 'MCIO' },
  O: { target: 'oulu', sources: ['replay', 'casia', 'msu'], family: 'MCIO' },
  cefa: { target: 'cefa', sources: ['wmca', 'surf'], family: 'WCS' },
  surf: { target: 'surf', sources: ['wmca', 'cefa'], family: 'WCS' },
  wmca: { target: 'wmca', sources: ['cefa', 'surf'], family: 'WCS' },
};

export interface FasDomain {
  name: string;
  real: LabeledSample[];
  fake: LabeledSample[];
}

export function fasProtocol(config: string): FasProtocol {
  const p = FAS_PROTOCOLS[config];
  if (!p)
    throw new Error(`unknown FAS --config '${config}'; use one of ${Object.keys(FAS_PROTOCOLS).join(', ')}`);
  return p;
}

/** The training domains of a protocol (sources + celeb unless `withCeleb` is false), each split by class. */
export function fasSourceDomains(root: string, config: string, withCeleb = true): FasDomain[] {
  const p = fasProtocol(config);
  const names = withCeleb ? [...p.sources, 'celeb'] : p.sources;
  return names.map((name) => {
    const samples = readFasSplit(root, name, 'train');
    const real = samples.filter((s) => s.label === 1);
    const fake = samples.filter((s) => s.label === 0);
    if (!real.length || !fake.length)
      throw new Error(
        `FAS source '${name}' under '${root}' needs both real and fake training images (${real.length} real, ${fake.length} fake)`,
      );
    return { name, real, fake };
  });
}
