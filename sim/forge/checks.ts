// Commit check runs and statuses that change over time. Each row follows a timeline;
// a read shows the last step whose afterPolls / afterMs has been reached. A row whose
// first step is not reached yet does not exist yet.
import type { CheckSpec, StatusSpec, TimelineStep } from '../scenario.js';
import { CHECK_STATUSES } from '../scenario-validate.js';

export interface Step {
  /** Check run status (queued, in_progress, completed, ...). */
  status: string;
  conclusion: string | null;
  /** Commit status state (pending, success, failure, error, ...). */
  state: string;
  description: string | null;
  afterPolls: number;
  afterMs: number;
}

interface Row {
  id: number;
  timeline: Step[];
  /** Wall-clock ms: started_at / created_at. */
  createdAtMs: number;
  /** Index of the step last shown, and when it was first shown (updated_at, completed_at). */
  shownIndex: number;
  shownSinceMs: number;
}

export interface CheckRunRow extends Row {
  name: string;
  suiteId: number;
  app: string;
  detailsUrl: string | null;
}

export interface StatusRow extends Row {
  context: string;
  targetUrl: string | null;
}

export interface Visible<R extends Row> {
  row: R;
  step: Step;
  /** Wall-clock ms when the shown step first appeared. */
  sinceMs: number;
}

/** Runtime change to a check run or status (Simulator.setCheck). */
export interface CheckPatch {
  /** Which system; by default an existing row of that name decides, else the fields do. */
  kind?: 'check-run' | 'status';
  status?: string;
  conclusion?: string | null;
  state?: string;
  description?: string;
  targetUrl?: string;
  suiteId?: number;
  /** Append a new row (a re-run) instead of updating the newest one. */
  newRow?: boolean;
}

export interface Clock {
  elapsedMs(): number;
  readonly startedWallMs: number;
}

type PollKind = 'checkRuns' | 'statuses';

function toStep(step: TimelineStep): Step {
  const status = step.status ?? (step.conclusion ? 'completed' : 'queued');
  return {
    status,
    conclusion: step.conclusion ?? null,
    state: step.state ?? step.status ?? 'pending',
    description: step.description ?? null,
    afterPolls: step.afterPolls ?? 0,
    afterMs: step.afterMs ?? 0,
  };
}

export class CheckBoard {
  private readonly checkRuns = new Map<string, CheckRunRow[]>();
  private readonly statuses = new Map<string, StatusRow[]>();
  private readonly polls = new Map<string, Record<PollKind, number>>();
  private nextCheckRunId: number;
  private nextStatusId: number;
  /** Scenario rows are dated in the past, one second apart in declaration order. */
  private scenarioRows = 0;

  constructor(
    private readonly clock: Clock,
    firstIds: { checkRun: number; status: number },
  ) {
    this.nextCheckRunId = firstIds.checkRun;
    this.nextStatusId = firstIds.status;
  }

  addCheckRun(sha: string, spec: CheckSpec, fromScenario = true): CheckRunRow {
    const id = spec.id ?? this.nextCheckRunId;
    this.nextCheckRunId = Math.max(this.nextCheckRunId, id + 1);
    const row: CheckRunRow = {
      ...this.rowBase(id, spec, fromScenario),
      name: spec.name,
      // Each row is its own suite (a separate workflow run) unless told otherwise.
      suiteId: spec.suiteId ?? 50_000 + id,
      app: spec.app ?? 'github-actions',
      detailsUrl: spec.detailsUrl ?? null,
    };
    this.rowsOf(this.checkRuns, sha).push(row);
    return row;
  }

  addStatus(sha: string, spec: StatusSpec, fromScenario = true): StatusRow {
    const id = spec.id ?? this.nextStatusId;
    this.nextStatusId = Math.max(this.nextStatusId, id + 1);
    const row: StatusRow = { ...this.rowBase(id, spec, fromScenario), context: spec.context, targetUrl: spec.targetUrl ?? null };
    this.rowsOf(this.statuses, sha).push(row);
    return row;
  }

  /**
   * Reads a commit's check runs, newest (highest id) first. A first-page read counts as
   * a poll; later pages see the same state as the read that started the paging.
   */
  readCheckRuns(sha: string, firstPage: boolean): Array<Visible<CheckRunRow>> {
    return this.read(this.checkRuns.get(sha) ?? [], this.notePoll(sha, 'checkRuns', firstPage));
  }

  readStatuses(sha: string, firstPage: boolean): Array<Visible<StatusRow>> {
    return this.read(this.statuses.get(sha) ?? [], this.notePoll(sha, 'statuses', firstPage));
  }

  pollCount(sha: string, kind: PollKind): number {
    return this.polls.get(sha)?.[kind] ?? 0;
  }

  /** Changes the newest row named `name` (or appends one); see CheckPatch. */
  patch(sha: string, name: string, patch: CheckPatch, checkRunsAllowed: boolean): void {
    const newestNamed = <R extends Row>(rows: R[] | undefined, matches: (row: R) => boolean): R | undefined =>
      (rows ?? []).filter(matches).sort((a, b) => b.id - a.id)[0];
    const checkRun = checkRunsAllowed ? newestNamed(this.checkRuns.get(sha), (row) => row.name === name) : undefined;
    const status = newestNamed(this.statuses.get(sha), (row) => row.context === name);
    const looksLikeCheckRun = patch.conclusion !== undefined || (patch.status !== undefined && CHECK_STATUSES.includes(patch.status) && patch.state === undefined);
    const kind = !checkRunsAllowed ? 'status' : (patch.kind ?? (checkRun ? 'check-run' : status ? 'status' : looksLikeCheckRun ? 'check-run' : 'status'));

    const fields: TimelineStep = {};
    if (kind === 'check-run') {
      if (patch.status !== undefined) fields.status = patch.status;
      if (patch.conclusion !== undefined) fields.conclusion = patch.conclusion;
      if (patch.conclusion && patch.status === undefined) fields.status = 'completed';
    } else {
      const state = patch.state ?? patch.status;
      if (state !== undefined) fields.state = state;
    }
    if (patch.description !== undefined) fields.description = patch.description;

    if (kind === 'check-run') {
      if (checkRun && !patch.newRow) return this.replaceStep(checkRun, fields);
      const spec: CheckSpec = { name, ...fields };
      if (patch.suiteId !== undefined) spec.suiteId = patch.suiteId;
      this.addCheckRun(sha, spec, false);
    } else {
      if (status && !patch.newRow) {
        if (patch.targetUrl !== undefined) status.targetUrl = patch.targetUrl;
        return this.replaceStep(status, fields);
      }
      const spec: StatusSpec = { context: name, state: fields.state ?? 'pending', ...fields };
      if (patch.targetUrl !== undefined) spec.targetUrl = patch.targetUrl;
      this.addStatus(sha, spec, false);
    }
  }

  private replaceStep(row: Row, fields: TimelineStep): void {
    const current = row.timeline[Math.max(0, row.shownIndex)] ?? row.timeline[0];
    const merged = { ...current, ...fields };
    if (fields.status !== undefined && fields.status !== 'completed' && fields.conclusion === undefined) merged.conclusion = null;
    row.timeline = [toStep({ ...merged, afterPolls: 0, afterMs: 0 })];
    row.shownIndex = -1; // re-dated on the next read
  }

  private rowBase(id: number, spec: CheckSpec | StatusSpec, fromScenario: boolean): Row {
    const createdAtMs = fromScenario ? this.clock.startedWallMs - 3_600_000 + this.scenarioRows++ * 1000 : Date.now();
    return { id, timeline: (spec.timeline ?? [spec]).map(toStep), createdAtMs, shownIndex: -1, shownSinceMs: createdAtMs };
  }

  private rowsOf<R>(map: Map<string, R[]>, sha: string): R[] {
    let rows = map.get(sha);
    if (!rows) map.set(sha, (rows = []));
    return rows;
  }

  /** Returns the polls answered before this one. */
  private notePoll(sha: string, kind: PollKind, firstPage: boolean): number {
    let counts = this.polls.get(sha);
    if (!counts) this.polls.set(sha, (counts = { checkRuns: 0, statuses: 0 }));
    if (firstPage) return counts[kind]++;
    return Math.max(0, counts[kind] - 1);
  }

  private read<R extends Row>(rows: R[], pollsBefore: number): Array<Visible<R>> {
    const elapsed = this.clock.elapsedMs();
    const visible: Array<Visible<R>> = [];
    for (const row of rows) {
      let index = -1;
      for (let i = row.timeline.length - 1; i >= 0; i--) {
        const step = row.timeline[i] as Step;
        if (step.afterPolls <= pollsBefore && step.afterMs <= elapsed) {
          index = i;
          break;
        }
      }
      if (index < 0) continue;
      if (index !== row.shownIndex) {
        row.shownIndex = index;
        row.shownSinceMs = Math.max(row.createdAtMs, Date.now());
      }
      visible.push({ row, step: row.timeline[index] as Step, sinceMs: row.shownSinceMs });
    }
    return visible.sort((a, b) => b.row.id - a.row.id);
  }
}
