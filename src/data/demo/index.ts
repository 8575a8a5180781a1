export { DEMO_FRAMES_PER_VIDEO, type DemoBuild, demoBuildPlan } from './demoDatasets.js';
export {
  DEMO_GROUP_PHOTOS,
  DEMO_PACKS,
  DEMO_PHOTOS,
  DEMO_STILLS,
  DEMO_VIDEOS,
  type DemoMedia,
  type DemoPack,
  type DemoPhotos,
  demoMediaPaths,
  fetchDemoMedia,
  packedMediaPaths,
} from './fetchDemoMedia.js';
export { readTgz, type TarEntry } from './ustarReader.js';
