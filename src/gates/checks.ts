// The checks gate: the target commit's required checks must all be green. It fails
// closed — a failure stops at once, a missing or pending check is waited for until
// `checks-timeout`, and finding nothing to wait for is never success.
import { NO_REQUIREMENTS, type BranchRequirements, type CheckRow, type CheckState, type Forge } from '../forge/types.js';
import { SECONDARY_LIMIT_WAIT_MS } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../ports.js';
import { formatDuration } from '../util/duration.js';
import { RolloutError } from '../util/errors.js';
import { globToRegExp, hasGlob } from '../util/glob.js';
import type { Clock } from '../util/sleep.js';

export interface RequiredCheck {
  name: string;
  /** Required by its exact name (input or ruleset/branch protection), not only because it was reported. */
  explicit: boolean;
  state: CheckState | 'missing';
  raw: string;
  url: string | null;
}

export type ChecksVerdict = 'green' | 'failed' | 'pending';

export interface ChecksEvaluation {
  verdict: ChecksVerdict;
  required: RequiredCheck[];
}

/**
 * Whether `a` is newer than `b` (same kind, name and source). Check-run ids are monotonic and
 * always set, while `started_at` is null on a queued re-run; statuses are ordered by time
 * (parsed: Gitea sends local offsets, so strings do not sort) and then id.
 */
function isNewer(a: CheckRow, b: CheckRow): boolean {
  if (a.kind === 'check-run' && b.kind === 'check-run') return a.id > b.id;
  const ta = Date.parse(a.at);
  const tb = Date.parse(b.at);
  if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta > tb;
  if (Number.isFinite(ta) !== Number.isFinite(tb)) return !Number.isFinite(ta); // no time yet = just created
  return a.id > b.id;
}

/** Newest row per (kind, name, source): a check run and a status of one name, or check runs of one name from different workflows/apps, are separate checks that must each pass. */
export function newestPerSource(rows: readonly CheckRow[]): CheckRow[] {
  const out = new Map<string, CheckRow>();
  for (const row of rows) {
    const key = `${row.kind}\u0000${row.name}\u0000${row.source ?? ''}`;
    const prev = out.get(key);
    if (!prev || isNewer(row, prev)) out.set(key, row);
  }
  return [...out.values()];
}

const SEVERITY: Record<CheckState, number> = { failure: 3, pending: 2, neutral: 1, skipped: 1, success: 0 };

/** One row per name: the worst of its sources' newest rows (any failure fails, any pending waits). */
export function verdictRowPerName(rows: readonly CheckRow[]): Map<string, CheckRow> {
  const out = new Map<string, CheckRow>();
  for (const row of newestPerSource(rows)) {
    const prev = out.get(row.name);
    if (!prev || SEVERITY[row.state] > SEVERITY[prev.state]) out.set(row.name, row);
  }
  return out;
}

export function evaluateChecks(
  rows: readonly CheckRow[],
  requiredPatterns: readonly string[],
  rulesRequired: readonly string[],
  ignorePatterns: readonly string[] = [],
  /** Glob patterns the branch requires (Gitea branch protection). */
  rulesPatterns: readonly string[] = [],
  /** Context → the only GitHub App whose check runs satisfy it (ruleset integration_id). */
  rulesApps: Readonly<Record<string, number>> = {},
): ChecksEvaluation {
  // Ignored checks never count unless required by name (input or ruleset).
  const ignored = ignorePatterns.map((p) => globToRegExp(p));
  // A context bound to an app counts only that app's check runs; a status cannot be tied to an app, so it does not count.
  const fromRequiredApp = (r: CheckRow) => !(r.name in rulesApps) || (r.kind === 'check-run' && r.appId === rulesApps[r.name]);
  const latest = verdictRowPerName(rows.filter((r) => !r.ownRun && fromRequiredApp(r)));
  const candidates = [...latest.keys()].filter((n) => !ignored.some((re) => re.test(n)));
  const required: RequiredCheck[] = [];
  const add = (name: string, explicit: boolean) => {
    if (required.some((r) => r.name === name)) return;
    const row = latest.get(name);
    const notYet = name in rulesApps ? `not reported yet by app ${rulesApps[name]}` : 'not reported yet';
    required.push(row ? { name, explicit, state: row.state, raw: row.raw, url: row.url } : { name, explicit, state: 'missing', raw: notYet, url: null });
  };

  // A glob waits (as missing) until something matches it.
  const addMatches = (pattern: string, pool: readonly string[]) => {
    const re = globToRegExp(pattern);
    const matches = pool.filter((n) => re.test(n)).sort();
    if (matches.length === 0) add(pattern, false);
    for (const n of matches) add(n, false);
  };
  if (requiredPatterns.length > 0) {
    for (const pattern of requiredPatterns) {
      if (hasGlob(pattern)) addMatches(pattern, candidates);
      else add(pattern, true);
    }
  } else {
    for (const name of rulesRequired) add(name, true);
    // Branch-protection globs are required like names: ignore-checks does not remove their matches.
    for (const pattern of rulesPatterns) addMatches(pattern, [...latest.keys()]);
    for (const name of candidates.sort()) add(name, false);
  }

  // GitHub counts a skipped or neutral required check as passing (a job skipped by `if:` or a path filter).
  const green = (r: RequiredCheck) => r.state === 'success' || r.state === 'skipped' || r.state === 'neutral';
  const failed = (r: RequiredCheck) => r.state === 'failure';
  let verdict: ChecksVerdict = 'pending';
  if (required.some(failed)) verdict = 'failed';
  else if (required.length > 0 && required.every(green)) verdict = 'green';
  return { verdict, required };
}

export function describeRequired(required: readonly RequiredCheck[]): string {
  if (required.length === 0) return '  (no checks or statuses reported on the commit)';
  const shown = (r: RequiredCheck) => (r.state !== 'missing' ? r.raw : r.raw === 'not reported yet' ? 'missing' : `missing (${r.raw})`);
  return required.map((r) => `  - ${r.name}: ${shown(r)}${r.url ? ` (${r.url})` : ''}`).join('\n');
}

export interface WaitForChecksOptions {
  forge: Forge;
  sha: string;
  requiredPatterns: readonly string[];
  ignorePatterns?: readonly string[];
  /** Branch whose rulesets / protection name required checks, when the required list is implicit. */
  rulesBranch: string | null;
  timeoutMs: number;
  pollIntervalMs: number;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  /** Called once per poll (the live kill-switch read during this long wait). */
  onPoll?: () => Promise<void>;
  /** Evaluate once and return, without waiting (dry run). */
  once?: boolean;
  /** Every evaluation, so the report has the last one even when the gate fails. */
  onEvaluation?: (result: ChecksResult) => void;
}

export interface ChecksResult extends ChecksEvaluation {
  polls: number;
  waitedMs: number;
}

export async function waitForChecks(o: WaitForChecksOptions): Promise<ChecksResult> {
  const started = o.clock.now();
  const deadline = started + o.timeoutMs;
  // What the branch requires (rulesets, branch protection) is read once; without it the gate cannot know what to wait for.
  let branchRequires: BranchRequirements | null = o.requiredPatterns.length === 0 && o.rulesBranch ? null : NO_REQUIREMENTS;
  let lastPicture = '';
  let polls = 0;
  for (;;) {
    polls++;
    await o.onPoll?.();
    let evaluation: ChecksEvaluation;
    try {
      if (branchRequires === null) {
        branchRequires = await o.forge.requiredChecks(o.rulesBranch as string);
        const all = [...branchRequires.contexts, ...branchRequires.patterns];
        if (all.length > 0) o.log.info(`The ${branchRequires.sources.join(' and ')} of ${o.rulesBranch} require${branchRequires.sources.length > 1 ? '' : 's'}: ${all.join(', ')}`);
      }
      evaluation = evaluateChecks(await o.forge.readChecks(o.sha), o.requiredPatterns, branchRequires.contexts, o.ignorePatterns, branchRequires.patterns, branchRequires.apps);
    } catch (err) {
      // A rate limit whose reset falls inside the deadline is waited out; anything else fails closed.
      const rateLimited = err instanceof HttpError && err.rateLimited;
      const wait = rateLimited ? (err.retryAfterMs ?? SECONDARY_LIMIT_WAIT_MS) : 0;
      if (rateLimited && o.clock.now() + wait < deadline && !o.once) {
        o.log.warning(`Forge rate limit reached while reading checks; waiting ${formatDuration(wait)} for it to reset.`, 'Rate limited');
        await o.clock.sleep(wait, o.signal);
        continue;
      }
      const what = branchRequires === null ? `the checks ${o.rulesBranch} requires (rulesets, branch protection)` : `the checks of ${o.sha.slice(0, 12)}`;
      const why = rateLimited ? `rate limited for ${formatDuration(wait)}, past \`checks-timeout\`` : err instanceof Error ? err.message : String(err);
      throw new RolloutError('checks', `Could not read ${what}: ${why}`, 'Nothing was deployed.', { cause: err });
    }
    const picture = evaluation.required.map((r) => `${r.name}=${r.state === 'missing' ? 'missing' : r.raw}`).join(', ');
    if (picture !== lastPicture) {
      lastPicture = picture;
      const counts = countStates(evaluation.required);
      o.log.info(`Checks on ${o.sha.slice(0, 7)}: ${counts}${evaluation.required.length ? ` — ${picture}` : ''}`);
    }
    const waitedMs = o.clock.now() - started;
    o.onEvaluation?.({ ...evaluation, polls, waitedMs });
    o.log.progress?.(`waiting for checks on ${o.sha.slice(0, 7)}: ${countStates(evaluation.required)} (${formatDuration(waitedMs)} of ${formatDuration(o.timeoutMs)})`);
    if (evaluation.verdict === 'green' || o.once) return { ...evaluation, polls, waitedMs };
    if (evaluation.verdict === 'failed') {
      throw new RolloutError('checks', `Required checks failed on ${o.sha.slice(0, 12)}:\n${describeRequired(evaluation.required)}`, 'Nothing was deployed. Fix the failing check and release again.');
    }
    const now = o.clock.now();
    if (now >= deadline) {
      const why = evaluation.required.length === 0 ? 'no check or status was ever reported on the commit' : 'not all required checks went green';
      throw new RolloutError(
        'checks',
        `Timed out after ${formatDuration(o.timeoutMs)} waiting for checks on ${o.sha.slice(0, 12)} (${why}):\n${describeRequired(evaluation.required)}`,
        'Nothing was deployed. Raise `checks-timeout`, or name the checks that matter in `required-checks`.',
      );
    }
    await o.clock.sleep(Math.min(o.pollIntervalMs, deadline - now), o.signal);
  }
}

function countStates(required: readonly RequiredCheck[]): string {
  if (required.length === 0) return 'nothing reported yet';
  const by = new Map<string, number>();
  for (const r of required) {
    const k = r.state === 'success' || r.state === 'neutral' || r.state === 'skipped' ? 'done' : r.state;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return [...by.entries()].map(([k, n]) => `${n} ${k}`).join(', ');
}
