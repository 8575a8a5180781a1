// The one way training options get their defaults: every option left undefined takes the task's default.

export type Defaulted<O, D> = Omit<O, keyof D> & {
  [K in keyof D]-?: K extends keyof O ? Exclude<O[K], undefined> | D[K] : D[K];
};

export function withDefaults<O extends object, D extends object>(options: O, defaults: D): Defaulted<O, D> {
  const out = { ...options } as Record<string, unknown>;
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined) out[k] = v;
  return out as Defaulted<O, D>;
}
