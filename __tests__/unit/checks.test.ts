import { describe, expect, it } from '@jest/globals';
import { evaluateChecks, newestPerName } from '../../src/gates/checks.js';
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
    expect(newestPerName([newer, older]).get('test')?.state).toBe('success');
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

  it('accepts skipped/neutral only for checks not required by name', () => {
    expect(evaluateChecks([row('test', 'success'), row('docs', 'skipped')], [], []).verdict).toBe('green');
    expect(evaluateChecks([row('docs', 'skipped')], ['docs'], []).verdict).toBe('failed');
    expect(evaluateChecks([row('docs', 'neutral')], ['do*'], []).verdict).toBe('green');
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
