// Medians, spreads and the one Markdown table the benchmark prints.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function spread(xs: readonly number[]): [number, number] {
  return [Math.min(...xs), Math.max(...xs)];
}

export function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** `median (min–max)` when there is more than one sample. */
export function withSpread(xs: readonly number[], digits: number, unit = ''): string {
  if (xs.length === 0) return '—';
  const m = `${fixed(median(xs), digits)}${unit}`;
  if (xs.length < 2) return m;
  const [lo, hi] = spread(xs);
  return lo === hi ? m : `${m} (${fixed(lo, digits)}–${fixed(hi, digits)})`;
}

export function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
