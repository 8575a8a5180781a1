// Named SBI strengths (`fsvfm fakes --sbi_strength`, the quickstart). A light module: the CLI lists the names
// without loading the generators.
import type { SbiOptions } from './selfBlendedImage.js';

/**
 * A stronger SBI for soft, low-resolution footage (the demo webcam videos), where the original ranges leave a
 * median pixel difference of under 2/255 between a fake and its real twin: the colour change always, with a clear
 * RGB shift (10–25 levels per channel, random sign), mostly opaque blends, and the change put on the face copy or on
 * the image it is pasted into at random, so only the mismatch at the blend tells a fake. Training and test fakes
 * use the same strength.
 */
export const SBI_STRONG: Readonly<SbiOptions> = {
  colourProbability: 1,
  rgbShiftProbability: 1,
  rgbShiftRange: [10, 25],
  blendRatios: [0.75, 1, 1],
  targetProbability: 0.5,
};

export const SBI_STRENGTHS = { default: {}, strong: SBI_STRONG } as const satisfies Record<
  string,
  Readonly<SbiOptions>
>;
export type SbiStrength = keyof typeof SBI_STRENGTHS;
export const SBI_STRENGTH_NAMES = Object.keys(SBI_STRENGTHS) as SbiStrength[];
