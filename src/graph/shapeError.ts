/**
 * A shape or type mismatch found while tracing. The message names the op, the shapes, and the first stack frame
 * outside the engine, so the user sees which line of their model code is wrong.
 */
export class ShapeError extends Error {
  constructor(op: string, detail: string) {
    super(`${op}: ${detail}${callerSite()}`);
    this.name = 'ShapeError';
  }
}

/** " (at file:line:col)" of the first frame outside src/graph, or "" when unknown. */
export function callerSite(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const line of stack) {
    if (/[/\\]graph[/\\]/.test(line) || line.includes('node:internal')) continue;
    const m = /\(?([^()\s]+:\d+:\d+)\)?\s*$/.exec(line);
    if (m) return ` (at ${m[1]})`;
  }
  return '';
}
