export { DEMO_FRAMES_PER_VIDEO, type DemoBuild, demoBuildPlan } from './demoDatasets.js';
export {
  DEMO_PACKAGE,
  DEMO_STILLS,
  DEMO_VIDEOS,
  type DemoMedia,
  demoMediaPaths,
  fetchDemoMedia,
} from './fetchDemoMedia.js';
export { readTgz, type TarEntry } from './ustarReader.js';
