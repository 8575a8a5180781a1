export { DEMO_FRAMES_PER_VIDEO, type DemoBuild, demoBuildPlan } from './demoDatasets.js';
export {
  DEMO_PACKAGE,
  DEMO_PHOTOS,
  DEMO_STILLS,
  DEMO_VIDEOS,
  type DemoMedia,
  type DemoPhotos,
  demoMediaPaths,
  fetchDemoMedia,
} from './fetchDemoMedia.js';
export { readTgz, type TarEntry } from './ustarReader.js';
