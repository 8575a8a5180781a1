// Which frame indices of a video to decode, given its frame count and rate.

export interface VideoTiming {
  frameCount: number;
  fps: number;
}

/** Picks sorted, de-duplicated 0-based frame indices. */
export type FrameSampler = (video: VideoTiming) => number[];

/**
 * `n` frames spread evenly: trunc(numpy.linspace(0, total − 1, n)), first and last frame included (SPEC §6.1).
 * Duplicates (n > total) are collapsed, as the official code overwrites the same file name.
 */
export function uniform(n: number): FrameSampler {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`uniform sampler needs a positive integer count, got ${n}`);
  return ({ frameCount }) => {
    if (frameCount <= 0) return [];
    const last = frameCount - 1;
    if (n === 1) return [0];
    const step = last / (n - 1);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = i === n - 1 ? last : Math.trunc(i * step);
      if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
    }
    return out;
  };
}

/** `k` frames per second of video time: the frame shown at t = 0, 1/k, 2/k, ... */
export function fps(k: number): FrameSampler {
  if (!(k > 0)) throw new Error(`fps sampler needs a positive rate, got ${k}`);
  return ({ frameCount, fps: rate }) => {
    const out: number[] = [];
    const r = rate > 0 ? rate : k;
    for (let i = 0; ; i++) {
      const v = Math.floor((i * r) / k + 1e-9);
      if (v >= frameCount) break;
      if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
    }
    return out;
  };
}

/** Every frame. */
export function allFrames(): FrameSampler {
  return ({ frameCount }) => Array.from({ length: Math.max(frameCount, 0) }, (_, i) => i);
}
