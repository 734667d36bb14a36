// Violations, the known-divergence allowlist and the coverage summary shared by the
// per-platform conformance tests.
import { KNOWN_DIVERGENCES, type KnownDivergence } from './known-divergences.js';

export type Platform = 'zerops' | 'upload' | 'github' | 'gitea';

export interface Violation {
  platform: Platform;
  /** The matched operation (e.g. `GET /repos/{owner}/{repo}`), or the request when none matched. */
  operation: string;
  /** What went wrong, without per-request values, so equal problems group together. */
  message: string;
  /** One request that showed it. */
  example: string;
}

export class Coverage {
  readonly operations = new Set<string>();
  requests = 0;
  responsesValidated = 0;
  readonly notes = new Set<string>();
  private readonly grouped = new Map<string, Violation & { count: number }>();

  constructor(readonly platform: Platform) {}

  violate(operation: string, message: string, example: string): void {
    const key = `${operation}\u0000${message}`;
    const seen = this.grouped.get(key);
    if (seen) seen.count++;
    else this.grouped.set(key, { platform: this.platform, operation, message, example, count: 1 });
  }

  violations(): Array<Violation & { count: number }> {
    return [...this.grouped.values()];
  }
}

export interface Triage {
  unexpected: Array<Violation & { count: number }>;
  known: Array<{ violation: Violation & { count: number }; divergence: KnownDivergence }>;
}

/** Splits violations into those an allowlist entry (naming its audit finding) explains, and the rest. */
export function triage(violations: Array<Violation & { count: number }>, allowlist: readonly KnownDivergence[] = KNOWN_DIVERGENCES): Triage {
  const result: Triage = { unexpected: [], known: [] };
  for (const violation of violations) {
    const divergence = allowlist.find((d) => d.platform === violation.platform && d.match.test(`${violation.operation} ${violation.message}`));
    if (divergence) result.known.push({ violation, divergence });
    else result.unexpected.push(violation);
  }
  return result;
}

export function describeViolation(v: Violation & { count: number }): string {
  return `${v.operation}: ${v.message} (${v.count}× e.g. ${v.example})`;
}

/** The lines printed after a platform's checks: what was covered and what diverged. */
export function summary(coverage: Coverage, result: Triage): string {
  const lines = [
    `[conformance] ${coverage.platform}: ${coverage.operations.size} operations, ${coverage.requests} requests checked, ${coverage.responsesValidated} responses validated`,
    ...[...coverage.operations].sort().map((op) => `    ${op}`),
  ];
  for (const note of coverage.notes) lines.push(`  note: ${note}`);
  for (const { violation, divergence } of result.known) lines.push(`  known divergence (${divergence.finding}): ${describeViolation(violation)}`);
  for (const violation of result.unexpected) lines.push(`  VIOLATION: ${describeViolation(violation)}`);
  return lines.join('\n');
}

/** Allowlist entries of a platform that explained nothing this run: the fix landed, remove them. */
export function staleEntries(platform: Platform, result: Triage, allowlist: readonly KnownDivergence[] = KNOWN_DIVERGENCES): KnownDivergence[] {
  const used = new Set(result.known.map((k) => k.divergence));
  return allowlist.filter((d) => d.platform === platform && !used.has(d));
}

/**
 * A platform's checks ended: triages its violations, notes stale allowlist entries, adds the
 * summary to `printed` and returns the unexpected violations (the test expects none).
 */
export function verdict(coverage: Coverage, printed: string[]): string[] {
  const result = triage(coverage.violations());
  for (const stale of staleEntries(coverage.platform, result)) coverage.notes.add(`allowlist entry ${stale.finding} (${stale.match}) explained nothing: remove it`);
  printed.push(summary(coverage, result));
  return result.unexpected.map(describeViolation);
}

/** Required operations (or groups of alternatives) no captured request matched. */
export function missingOperations(coverage: Coverage, required: ReadonlyArray<string | readonly string[]>): Array<string | readonly string[]> {
  const seen = new Set([...coverage.operations].map((label) => label.split(' ')[0]));
  return required.filter((ids) => ![ids].flat().some((id) => seen.has(id)));
}
