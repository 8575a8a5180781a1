// Python's round(x) / torch.round: ties go to the even integer (1.5 → 2, 2.5 → 2, 4.5 → 4).

export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}
