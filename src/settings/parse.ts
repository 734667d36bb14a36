// Small parsers for input values. Each returns a value or records a problem that
// names the input and says how to fix it; nothing here throws on bad input.
import { parseDuration } from '../util/duration.js';
import { capText } from '../util/redact.js';

export interface Problem {
  input: string;
  message: string;
}

export class ProblemList {
  readonly items: Problem[] = [];

  add(input: string, message: string): void {
    this.items.push({ input, message });
  }

  get empty(): boolean {
    return this.items.length === 0;
  }
}

/** Quotes a user value for an error message: capped, control characters made visible. */
export function shown(value: string): string {
  return JSON.stringify(capText(value, 80));
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControl(value: string): boolean {
  return CONTROL.test(value);
}

/** Splits a newline- or comma-separated list; trims and drops empty items. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function parseBool(p: ProblemList, input: string, raw: string, fallback: boolean): boolean {
  const v = raw.trim();
  if (v === '') return fallback;
  if (/^(true|yes|on|1)$/i.test(v)) return true;
  if (/^(false|no|off|0)$/i.test(v)) return false;
  p.add(input, `${shown(v)} is not a boolean — use \`true\` or \`false\`.`);
  return fallback;
}

export function parseInteger(p: ProblemList, input: string, raw: string, fallback: number, min: number, max: number): number {
  const v = raw.trim();
  if (v === '') return fallback;
  if (!/^[+-]?\d+$/.test(v)) {
    p.add(input, `${shown(v)} is not a whole number — use a number from ${min} to ${max}, e.g. \`${fallback}\`.`);
    return fallback;
  }
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    p.add(input, `${shown(v)} is out of range — use a number from ${min} to ${max}.`);
    return fallback;
  }
  return n;
}

export function parseDurationInput(
  p: ProblemList,
  input: string,
  raw: string,
  fallback: string,
  minMs: number,
  maxMs: number,
): number {
  const v = raw.trim() === '' ? fallback : raw.trim();
  const ms = parseDuration(v);
  if (ms === null) {
    p.add(input, `${shown(v)} is not a duration — write it like \`90s\`, \`5m\`, \`1h\` or \`500ms\`.`);
    return parseDuration(fallback) ?? 0;
  }
  if (ms < minMs || ms > maxMs) {
    p.add(input, `${shown(v)} is out of range — use between ${describeMs(minMs)} and ${describeMs(maxMs)}.`);
    return parseDuration(fallback) ?? 0;
  }
  return ms;
}

function describeMs(ms: number): string {
  if (ms === 0) return '0';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function parseEnum<T extends string>(p: ProblemList, input: string, raw: string, values: readonly T[], fallback: T): T {
  const v = raw.trim().toLowerCase();
  if (v === '') return fallback;
  if ((values as readonly string[]).includes(v)) return v as T;
  p.add(input, `${shown(raw.trim())} is not one of ${values.map((x) => `\`${x}\``).join(', ')}.`);
  return fallback;
}
