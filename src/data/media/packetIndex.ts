// The timestamps and keyframes of a video stream, read from ffmpeg's `framecrc` listing of its packets (a stream
// copy: nothing is decoded). Seeking decoders use it to start at the keyframe before a wanted frame and to pick
// frames by their exact timestamp.

export interface PacketIndex {
  /** the stream's time base: seconds = pts × num / den */
  timeBase: { num: number; den: number };
  /** presentation timestamp of every frame, in presentation order (the order frame indices count) */
  pts: number[];
  /** presentation indices of the keyframes, ascending */
  keyframes: number[];
}

/**
 * Parses `ffmpeg -i f -map 0:v:0 -c copy -f framecrc -` output. Returns null when the listing cannot index frames
 * exactly: no time base, a packet without a timestamp, or two frames with the same timestamp.
 */
export function parsePacketIndex(framecrc: string): PacketIndex | null {
  const tb = /^#tb 0: (\d+)\/(\d+)$/m.exec(framecrc);
  if (!tb) return null;
  const packets: { pts: number; key: boolean }[] = [];
  for (const line of framecrc.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    // stream, dts, pts, duration, size, checksum[, F=0x<flags>] (the flags are listed only when not just "key")
    const f = line.split(',').map((s) => s.trim());
    if (f[0] !== '0' || f.length < 6) continue;
    const pts = Number(f[2]);
    if (!Number.isSafeInteger(pts)) return null;
    const flags = f[6]?.startsWith('F=') ? Number.parseInt(f[6].slice(2), 16) : 1;
    packets.push({ pts, key: (flags & 1) === 1 });
  }
  if (packets.length === 0) return null;
  const pts = packets.map((p) => p.pts).sort((a, b) => a - b);
  for (let i = 1; i < pts.length; i++) if (pts[i] === pts[i - 1]) return null;
  const position = new Map(pts.map((p, i) => [p, i]));
  const keyframes = packets
    .filter((p) => p.key)
    .map((p) => position.get(p.pts)!)
    .sort((a, b) => a - b);
  return { timeBase: { num: Number(tb[1]), den: Number(tb[2]) }, pts, keyframes };
}
