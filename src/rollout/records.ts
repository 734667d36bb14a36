// Outcomes are data: every service ends with one record, and the run's result is
// derived from the records and the one reason the run stopped (if it did). The
// summary, the JSON report and the outputs are three views of the same records.

export type StrategyUsed = 'skip' | 'build' | 'artifact' | 'activate';

export type Outcome =
  | 'on-target' // deployed (or activated) and verified
  | 'skipped' // already on the target; nothing done
  | 'failed' // could not be brought to the target (and not rolled back)
  | 'rolled-back' // changed by this run, then restored to its previous version
  | 'quarantined' // deployed but missed verification; tolerated by max-stragglers
  | 'untouched' // never reached: an earlier stage failed, or the run stopped
  | 'in-flight'; // a deploy was under way when the run was cancelled

export interface VersionRef {
  versionId: string | null;
  sha: string | null;
}

export interface ServiceRecord {
  hostname: string;
  serviceId: string;
  stage: string;
  strategy: StrategyUsed;
  before: VersionRef;
  /** What the service runs at the end, as last observed. */
  after: VersionRef;
  outcome: Outcome;
  reason: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** The version this run deployed or activated. */
  deployedVersionId: string | null;
  processId: string | null;
  /** A deploy call that may have taken effect was sent: rollback applies. */
  changed: boolean;
  verification: { kind: string; detail: string } | null;
  rollback: { status: 'done' | 'failed' | 'not-needed' | 'impossible' | 'held'; detail: string } | null;
}

export type RunResult = 'success' | 'noop' | 'disabled' | 'superseded' | 'dry-run' | 'halted' | 'failed' | 'rolled-back';

export const SUCCESS_RESULTS: readonly RunResult[] = ['success', 'noop', 'disabled', 'superseded', 'dry-run'];

/** Why the run stopped early, when it did. */
export type Stop =
  | { kind: 'disabled'; message: string }
  | { kind: 'superseded'; message: string }
  | { kind: 'dry-run'; message: string }
  | { kind: 'halted'; message: string }
  | { kind: 'failed'; message: string; code: string };

export function deriveResult(stop: Stop | null, records: readonly ServiceRecord[], rollbackComplete: boolean | null): RunResult {
  if (stop && stop.kind !== 'failed') return stop.kind;
  if (stop?.kind === 'failed') {
    const rolledBack = records.some((r) => r.outcome === 'rolled-back');
    return rolledBack && rollbackComplete ? 'rolled-back' : 'failed';
  }
  if (records.length > 0 && records.every((r) => r.outcome === 'skipped')) return 'noop';
  if (records.some((r) => r.outcome !== 'on-target' && r.outcome !== 'skipped' && r.outcome !== 'quarantined')) return 'failed';
  return 'success';
}

export function exitCodeOf(result: RunResult): number {
  return SUCCESS_RESULTS.includes(result) ? 0 : 1;
}

export function newRecord(init: { hostname: string; serviceId: string; stage: string; strategy: StrategyUsed; before: VersionRef }): ServiceRecord {
  return {
    ...init,
    after: { ...init.before },
    outcome: 'untouched',
    reason: null,
    startedAt: null,
    finishedAt: null,
    deployedVersionId: null,
    processId: null,
    changed: false,
    verification: null,
    rollback: null,
  };
}

export function hostnamesWith(records: readonly ServiceRecord[], ...outcomes: Outcome[]): string[] {
  return records.filter((r) => outcomes.includes(r.outcome)).map((r) => r.hostname);
}
