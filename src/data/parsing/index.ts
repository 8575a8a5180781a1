export { FaceParser } from './faceParser.js';
export { landmarksInCrop } from './landmarksInCrop.js';
export { LAPA_LABEL_COLOURS, LAPA_LABEL_NAMES, LapaLabel, type LapaLabelId } from './lapaLabels.js';
export { type FaceParsing, rasterizeFaceParsing } from './meshParsing.js';
export { parsingOverlayPng } from './parsingOverlay.js';
export { PersonSegmenter } from './personSegmenter.js';
export { fillPolygon, type LabelRaster, type Point2, strokePolygon } from './polygonFill.js';
