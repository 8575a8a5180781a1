/**
 * Landmark index lists of the MediaPipe Face Mesh topology (468 points; 468..477 are iris points) used to
 * rasterise LaPa regions. Indices follow the canonical face model published with MediaPipe Face Mesh
 * (canonical_face_model / face_mesh_connections: FACE_OVAL, LIPS, *_EYE, *_EYEBROW); the nose outline is
 * ours, chosen on the canonical mesh to run along both sides of the nasal bridge down around the nostrils.
 * Each list is a closed polygon in drawing order. "Right" is the subject's right (MediaPipe's "right eye"
 * contains point 33, which lies on the image's left in a frontal, non-mirrored photo), the LaPa convention.
 */

/** Face silhouette: forehead (10) clockwise in image space over the subject's left temple, chin (152), back. */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149,
  150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];

/** Eyebrows: upper edge outer→inner, then lower edge inner→outer. */
export const RIGHT_BROW = [70, 63, 105, 66, 107, 55, 65, 52, 53, 46];
export const LEFT_BROW = [300, 293, 334, 296, 336, 285, 295, 282, 283, 276];

/** Eye openings (eyelid margins): outer corner, upper lid, inner corner, lower lid. */
export const RIGHT_EYE = [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7];
export const LEFT_EYE = [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249];

/** Nose: bridge top (168), down the subject's right side, around the nostrils through subnasale (2), up the left. */
export const NOSE = [
  168, 122, 188, 114, 217, 198, 209, 49, 48, 64, 98, 97, 2, 326, 327, 294, 278, 279, 429, 420, 437, 343, 412,
  351,
];

/** Lip contours, each from the right mouth corner (61 outer / 78 inner) to the left corner (291 / 308). */
export const LIPS_UPPER_OUTER = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291];
export const LIPS_LOWER_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291];
export const LIPS_UPPER_INNER = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308];
export const LIPS_LOWER_INNER = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308];

/** Upper lip: outer upper contour, then the inner upper contour back. */
export const UPPER_LIP = [...LIPS_UPPER_OUTER, ...[...LIPS_UPPER_INNER].reverse()];
/** Lower lip: outer lower contour, then the inner lower contour back. */
export const LOWER_LIP = [...LIPS_LOWER_OUTER, ...[...LIPS_LOWER_INNER].reverse()];
/** Mouth opening between the inner lip contours (empty when the lips are closed). */
export const INNER_MOUTH = [...LIPS_UPPER_INNER, ...[...LIPS_LOWER_INNER].reverse().slice(1, -1)];

/** Skin reference points for the colour model: both cheeks and mid-forehead. */
export const SKIN_SAMPLE_POINTS = [205, 425, 151];
/** Chin bottom, the lowest row hair is looked for (neck and clothes are LaPa background). */
export const CHIN = 152;
