// 2-D affine maps [a b c; d e f]: x' = a·x + b·y + c, y' = d·x + e·y + f, in continuous pixel
// coordinates (pixel i spans [i, i+1)), the convention of the face mesh and of PIL's resize.

export type Affine2D = readonly [number, number, number, number, number, number];

export const IDENTITY: Affine2D = [1, 0, 0, 0, 1, 0];

export function translate(tx: number, ty: number): Affine2D {
  return [1, 0, tx, 0, 1, ty];
}

export function scale(sx: number, sy = sx): Affine2D {
  return [sx, 0, 0, 0, sy, 0];
}

/** Counter-clockwise rotation by `rad` in image coordinates (y down), i.e. clockwise on screen. */
export function rotate(rad: number): Affine2D {
  const c = Math.cos(rad);
  const s = Math.sin(rad);
  return [c, -s, 0, s, c, 0];
}

/** `then ∘ first`: apply `first`, then `then`. */
export function compose(then: Affine2D, first: Affine2D): Affine2D {
  const [a, b, c, d, e, f] = then;
  const [A, B, C, D, E, F] = first;
  return [a * A + b * D, a * B + b * E, a * C + b * F + c, d * A + e * D, d * B + e * E, d * C + e * F + f];
}

export function invert(m: Affine2D): Affine2D {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error('affine map is singular and cannot be inverted');
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}

export function applyAffine(m: Affine2D, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** Maps [x, y, z] points (face mesh) into the target frame; z is scaled by the map's mean scale. */
export function mapLandmarks(
  m: Affine2D,
  points: ReadonlyArray<readonly [number, number, number]>,
): Array<[number, number, number]> {
  const s = Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
  return points.map(([x, y, z]) => {
    const [u, v] = applyAffine(m, x, y);
    return [u, v, z * s];
  });
}
