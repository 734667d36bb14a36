// Seeded pseudo-random numbers. Each stream is derived from the scenario seed plus a
// label (e.g. a service hostname), so adding a service never shifts another service's
// draws and a scenario replays identically.
import { createHash } from 'node:crypto';

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  intBetween(min: number, max: number): number;
}

/** A 32-bit seed from any mix of labels. */
export function seedFrom(...parts: ReadonlyArray<string | number>): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0);
}

/** mulberry32: tiny, fast and good enough for durations and jitter. */
export function createPrng(...parts: ReadonlyArray<string | number>): Prng {
  let state = seedFrom(...parts);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    intBetween: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/** A fixed duration, or one drawn from [min, max]. */
export function drawDuration(spec: number | readonly [number, number], prng: Prng): number {
  return typeof spec === 'number' ? spec : prng.intBetween(spec[0], spec[1]);
}
