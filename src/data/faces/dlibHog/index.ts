export {
  type DlibFaceRectOptions,
  type DlibFaceRectResult,
  DlibFaceScanner,
  dlibFaceRect,
} from './dlibFaceRect.js';
export { type DlibRect, rectIou } from './dlibGeometry.js';
