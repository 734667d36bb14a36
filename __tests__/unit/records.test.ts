import { describe, expect, it } from '@jest/globals';
import { deriveResult, exitCodeOf, newRecord, type Outcome, type ServiceRecord } from '../../src/rollout/records.js';

function rec(outcome: Outcome): ServiceRecord {
  return { ...newRecord({ hostname: outcome, serviceId: 'id', stage: 'canary', strategy: 'build', before: { versionId: null, sha: null } }), outcome };
}

describe('deriveResult', () => {
  it('is noop when every service was already on the target', () => {
    expect(deriveResult(null, [rec('skipped'), rec('skipped')], null)).toBe('noop');
  });
  it('is success with on-target, skipped and tolerated stragglers', () => {
    expect(deriveResult(null, [rec('on-target'), rec('skipped'), rec('quarantined')], null)).toBe('success');
  });
  it('is rolled-back only when a failure was fully undone', () => {
    const failed = { kind: 'failed' as const, code: 'stage', message: 'x' };
    expect(deriveResult(failed, [rec('rolled-back'), rec('untouched')], true)).toBe('rolled-back');
    expect(deriveResult(failed, [rec('rolled-back'), rec('failed')], false)).toBe('failed');
    expect(deriveResult(failed, [rec('failed'), rec('untouched')], null)).toBe('failed');
  });
  it('passes early stops through', () => {
    for (const kind of ['disabled', 'superseded', 'dry-run', 'halted'] as const) expect(deriveResult({ kind, message: '' }, [], null)).toBe(kind);
  });
  it('never reports success for a service that did not get there', () => {
    expect(deriveResult(null, [rec('on-target'), rec('untouched')], null)).toBe('failed');
  });
});

describe('exitCodeOf', () => {
  it('exits 0 only for success-like results', () => {
    expect(['success', 'noop', 'disabled', 'superseded', 'dry-run'].map((r) => exitCodeOf(r as never))).toEqual([0, 0, 0, 0, 0]);
    expect(['halted', 'failed', 'rolled-back'].map((r) => exitCodeOf(r as never))).toEqual([1, 1, 1]);
  });
});
