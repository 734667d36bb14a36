// Human durations: `500ms`, `90s`, `5m`, `1h`, and sums such as `1m30s`.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Parses a duration; returns null when the text is not one. `0` alone means zero. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (s === '0') return 0;
  if (s === '') return null;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(s); m; m = PART.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed = PART.lastIndex;
  }
  if (consumed !== s.length || !Number.isFinite(total)) return null;
  return Math.round(total);
}

/** Formats milliseconds the way people write them: `850ms`, `12.4s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) {
    const s = ms / 1000;
    return `${s < 10 ? s.toFixed(1).replace(/\.0$/, '') : Math.round(s)}s`;
  }
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) {
    const m = Math.floor(totalS / 60);
    const s = totalS % 60;
    return s ? `${m}m${String(s).padStart(2, '0')}s` : `${m}m`;
  }
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  return m ? `${h}h${String(m).padStart(2, '0')}m` : `${h}h`;
}
