// What `fsvfm demo build` builds from the demo media: a pre-training set from every frame source, and an
// imagefolder set split by identity (no person appears in two splits). The media hold only real faces,
// so the imagefolder set has the single class real_demo.
import { join } from 'node:path';
import type { DatasetLayout } from '../datasets/faceDatasetManifest.js';
import { demoMediaPaths } from './fetchDemoMedia.js';

export interface DemoBuild {
  name: string;
  inputs: string[];
  out: string;
  layout: DatasetLayout;
  className?: string;
  /** keep every detected face (the group photos), not only the first */
  allFaces: boolean;
}

export const DEMO_FRAMES_PER_VIDEO = 32;

export function demoBuildPlan(dir: string): DemoBuild[] {
  const { videos, stills, photos } = demoMediaPaths(dir);
  const [cap12, cap13, franck] = videos as [string, string, string];
  const ds = join(dir, 'datasets');
  const split = (s: string, inputs: string[]): DemoBuild => ({
    name: `imagefolder/${s}`,
    inputs,
    out: join(ds, 'imagefolder', s),
    layout: 'imagefolder',
    className: 'real_demo',
    allFaces: true,
  });
  return [
    {
      name: 'pretrain',
      inputs: [...videos, ...stills, ...photos.train, ...photos.heldout, ...photos.groups],
      out: join(ds, 'pretrain'),
      layout: 'pretrain',
      allFaces: true,
    },
    // cap12 and cap13 show the same person; franck, each still and the held-out photos are other people; the group
    // photos hold more training people
    split('train', [cap12, cap13, ...photos.train, ...photos.groups]),
    split('val', [franck]),
    split('test', [...stills, ...photos.heldout]),
  ];
}
