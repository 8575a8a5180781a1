export {
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  type DecodeImageOptions,
  decodeImage,
} from './decodeImage.js';
export { ffmpegBinary } from './ffmpegBinary.js';
export { allFrames, type FrameSampler, fps, uniform, type VideoTiming } from './frameSamplers.js';
export { isImage, isVideo, type MediaKind, mediaKind } from './mediaKind.js';
export {
  NotAVideoError,
  type ProbeVideoOptions,
  probeVideo,
  TruncatedVideoError,
  type VideoInfo,
} from './probeVideo.js';
export { type FrameDecoding, readVideoFrames, type VideoFrame } from './readVideoFrames.js';
