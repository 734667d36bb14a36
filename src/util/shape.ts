// Defensive reading of JSON answers: unknown fields are ignored, missing optional
// ones tolerated, and a missing required one is a clear error rather than `undefined`.

export class ShapeError extends Error {
  constructor(what: string, detail: string) {
    super(`${what}: unexpected answer (${detail})`);
    this.name = 'ShapeError';
  }
}

export type Json = Record<string, unknown>;

export function obj(value: unknown, what: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ShapeError(what, 'not an object');
  return value as Json;
}

export function arr(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(what, 'not a list');
  return value;
}

export function reqStr(o: Json, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new ShapeError(what, `no \`${key}\``);
  return v;
}

export function optStr(o: Json | null | undefined, key: string): string | null {
  const v = o?.[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

export function optNum(o: Json | null | undefined, key: string): number | null {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function optObj(o: Json | null | undefined, key: string): Json | null {
  const v = o?.[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}

/** Reads a dot path (`build.commit`) out of parsed JSON. */
export function atPath(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}
