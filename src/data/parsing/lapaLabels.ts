/**
 * LaPa face-parsing label ids (SPEC §3.1), as produced by FACER `farl/lapa/448` in the official pipeline.
 * "right"/"left" are the subject's own sides (the right eye is on the image's left in a frontal photo).
 */
export const LapaLabel = {
  background: 0,
  skin: 1,
  rightBrow: 2,
  leftBrow: 3,
  rightEye: 4,
  leftEye: 5,
  nose: 6,
  upperLip: 7,
  innerMouth: 8,
  lowerLip: 9,
  hair: 10,
} as const;

export type LapaLabelId = (typeof LapaLabel)[keyof typeof LapaLabel];

/** LaPa's own names, indexed by label id. */
export const LAPA_LABEL_NAMES = [
  'background',
  'face',
  'rb',
  'lb',
  're',
  'le',
  'nose',
  'ulip',
  'imouth',
  'llip',
  'hair',
] as const;

/** Overlay colour per label id (RGB); background is left uncoloured. */
export const LAPA_LABEL_COLOURS: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0],
  [255, 150, 90],
  [0, 200, 0],
  [0, 120, 255],
  [255, 255, 0],
  [0, 255, 255],
  [255, 0, 255],
  [255, 60, 60],
  [120, 0, 0],
  [200, 0, 120],
  [140, 70, 20],
];
