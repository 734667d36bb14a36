import { describe, expect, it } from '@jest/globals';
import { evaluateChecks, verdictRowPerName } from '../../src/gates/checks.js';
import type { CheckRow } from '../../src/forge/types.js';

let nextId = 1;
function row(name: string, state: CheckRow['state'], extra: Partial<CheckRow> = {}): CheckRow {
  return { name, kind: 'check-run', state, raw: state, url: null, id: nextId++, at: '2026-11-22T10:00:00Z', ownRun: false, ...extra };
}

describe('evaluateChecks', () => {
  it('is never green with nothing reported', () => {
    expect(evaluateChecks([], [], []).verdict).toBe('pending');
  });

  it('requires every reported check except this run\'s own', () => {
    const rows = [row('test', 'success'), row('lint', 'success'), row('deploy', 'pending', { ownRun: true })];
    const e = evaluateChecks(rows, [], []);
    expect(e.verdict).toBe('green');
    expect(e.required.map((r) => r.name)).toEqual(['lint', 'test']);
  });

  it('keeps the newest row per name', () => {
    const older = row('test', 'failure', { at: '2026-11-22T10:00:00Z' });
    const newer = row('test', 'success', { at: '2026-11-22T10:05:00Z' });
    expect(verdictRowPerName([newer, older]).get('test')?.state).toBe('success');
    expect(evaluateChecks([older, newer], ['test'], []).verdict).toBe('green');
    const sameTimeLowerId = row('build', 'success', { id: 1 });
    const sameTimeHigherId = row('build', 'failure', { id: 2 });
    expect(evaluateChecks([sameTimeHigherId, sameTimeLowerId], ['build'], []).verdict).toBe('failed');
  });

  it('waits for a required check that has not appeared', () => {
    const e = evaluateChecks([row('lint', 'success')], ['test'], []);
    expect(e.verdict).toBe('pending');
    expect(e.required).toEqual([expect.objectContaining({ name: 'test', state: 'missing' })]);
  });

  it('fails at once on a failed required check', () => {
    expect(evaluateChecks([row('test', 'failure'), row('lint', 'pending')], [], []).verdict).toBe('failed');
  });

  it('counts skipped/neutral as passing, also when required by name, as GitHub does (M7)', () => {
    expect(evaluateChecks([row('test', 'success'), row('docs', 'skipped')], [], []).verdict).toBe('green');
    expect(evaluateChecks([row('docs', 'skipped')], ['docs'], []).verdict).toBe('green');
    expect(evaluateChecks([row('e2e', 'neutral')], [], ['e2e']).verdict).toBe('green');
    expect(evaluateChecks([row('docs', 'neutral')], ['do*'], []).verdict).toBe('green');
    // Never reported is still not green.
    expect(evaluateChecks([row('lint', 'success')], [], ['e2e']).verdict).toBe('pending');
  });

  it('requires a check run and a commit status of the same name to both pass (M6)', () => {
    const run = row('ci', 'failure', { kind: 'check-run', source: 'app:1/suite:7', at: '2026-11-22T10:00:00Z' });
    const status = row('ci', 'success', { kind: 'status', at: '2026-11-22T10:05:00Z' });
    expect(evaluateChecks([run, status], [], []).verdict).toBe('failed');
    expect(evaluateChecks([run, status], ['ci'], []).verdict).toBe('failed');
    const pendingStatus = row('ci', 'pending', { kind: 'status' });
    const greenRun = row('ci', 'success', { kind: 'check-run', source: 'app:1/suite:7' });
    expect(evaluateChecks([greenRun, pendingStatus], ['ci'], []).verdict).toBe('pending');
  });

  it('requires same-named check runs from different workflows (suites) to each pass (M6)', () => {
    const a = row('build', 'failure', { source: 'app:15368/suite:1' });
    const b = row('build', 'success', { source: 'app:15368/suite:2' });
    expect(evaluateChecks([a, b], ['build'], []).verdict).toBe('failed');
    // A re-run inside the same suite replaces the earlier run.
    const rerun = row('build', 'success', { source: 'app:15368/suite:1' });
    expect(evaluateChecks([a, b, rerun], ['build'], []).verdict).toBe('green');
  });

  it('counts only the named app\'s check runs for a context bound to an app (m14)', () => {
    const other = row('ci/test', 'success', { kind: 'check-run', appId: 2, source: 'app:2/suite:1' });
    const status = row('ci/test', 'success', { kind: 'status' });
    const e = evaluateChecks([other, status], [], ['ci/test'], [], [], { 'ci/test': 15368 });
    expect(e.verdict).toBe('pending');
    expect(e.required[0]).toMatchObject({ state: 'missing', raw: 'not reported yet by app 15368' });
    const fromApp = row('ci/test', 'success', { kind: 'check-run', appId: 15368, source: 'app:15368/suite:3' });
    expect(evaluateChecks([other, status, fromApp], [], ['ci/test'], [], [], { 'ci/test': 15368 }).verdict).toBe('green');
  });

  it('orders check runs by id, not by a nullable started_at (M9)', () => {
    const old = row('build', 'success', { id: 100, at: '2026-11-22T10:00:00Z', source: 's' });
    const queuedRerun = row('build', 'pending', { id: 200, at: '', source: 's' });
    expect(evaluateChecks([old, queuedRerun], ['build'], []).verdict).toBe('pending');
    const oldFail = row('build', 'failure', { id: 100, at: '2026-11-22T10:00:00Z', source: 's' });
    expect(evaluateChecks([oldFail, queuedRerun], ['build'], []).verdict).toBe('pending');
  });

  it('orders statuses by parsed time, not by the timestamp text (m5)', () => {
    // Across a DST change: 02:10+01:00 is later than 02:59+02:00.
    const newerFail = row('ci', 'failure', { kind: 'status', id: 1, at: '2024-10-27T02:10:00+01:00' });
    const olderOk = row('ci', 'success', { kind: 'status', id: 2, at: '2024-10-27T02:59:00+02:00' });
    expect(evaluateChecks([newerFail, olderOk], ['ci'], []).verdict).toBe('failed');
  });

  it('treats ruleset-required contexts as required by name', () => {
    const e = evaluateChecks([row('lint', 'success')], [], ['ci/test']);
    expect(e.verdict).toBe('pending');
    expect(e.required[0]).toMatchObject({ name: 'ci/test', explicit: true, state: 'missing' });
  });

  it('matches globs and waits while a glob matches nothing', () => {
    expect(evaluateChecks([row('e2e (node 20)', 'success'), row('e2e (node 24)', 'pending')], ['e2e *'], []).verdict).toBe('pending');
    expect(evaluateChecks([row('lint', 'success')], ['e2e *'], []).verdict).toBe('pending');
  });

  it('leaves ignored checks out of the default set, but not out of required names', () => {
    const rows = [row('test', 'success'), row('Release to production', 'in_progress' as never)];
    expect(evaluateChecks(rows, [], [], ['Release *']).verdict).toBe('green');
    expect(evaluateChecks(rows, [], [], []).verdict).not.toBe('green');
    // Required by name (ruleset) wins over ignore: its row still counts.
    expect(evaluateChecks([row('ci/test', 'success')], [], ['ci/test'], ['ci/*']).verdict).toBe('green');
    expect(evaluateChecks([row('ci/test', 'failure')], [], ['ci/test'], ['ci/*']).verdict).toBe('failed');
  });
});
