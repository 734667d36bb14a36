import { describe, expect, it } from '@jest/globals';
import { describeProcessEnd, endOf } from '../../src/rollout/process.js';
import { parseProcess } from '../../src/zerops/types.js';

const at = (status: string, extra: Record<string, unknown> = {}) => parseProcess({ id: 'p1', status, created: '2026-11-30T10:00:00Z', finished: '2026-11-30T10:01:30Z', ...extra });

describe('process end', () => {
  it('reads the SDK statuses: in flight, finished, failed, canceled', () => {
    for (const status of ['PENDING', 'RUNNING', 'ROLLBACKING', 'CANCELING']) expect(endOf(at(status))).toBeNull();
    expect(endOf(at('FINISHED'))?.status).toBe('FINISHED');
    expect(endOf(at('FAILED'))?.status).toBe('FAILED');
    expect(endOf(at('CANCELED'))?.status).toBe('CANCELED');
  });

  it('reads DONE and CANCELLED (seen outside the SDK enum) as FINISHED and CANCELED', () => {
    expect(endOf(at('DONE'))?.status).toBe('FINISHED');
    expect(endOf(at('CANCELLED'))?.status).toBe('CANCELED');
  });

  it('ends at once, as a failure with a clear message, on a status it does not know', () => {
    const end = endOf(at('EXPLODED'));
    expect(end?.status).toBe('UNKNOWN');
    expect(describeProcessEnd(end as NonNullable<typeof end>)).toBe('process p1 ended in an unknown status "EXPLODED" after 1m30s (treated as a failure)');
  });

  it('names why a failed process failed: publicMeta.failReason, else error.message', () => {
    const meta = endOf(at('FAILED', { publicMeta: { failReason: 'buildCommands failed:\n  exit 2' } }));
    expect(describeProcessEnd(meta as NonNullable<typeof meta>)).toMatch(/FAILED after 1m30s: buildCommands failed: exit 2$/);
    const error = endOf(at('FAILED', { error: { code: 'x', message: 'no space left' } }));
    expect(describeProcessEnd(error as NonNullable<typeof error>)).toMatch(/: no space left$/);
    const done = endOf(at('FINISHED', { publicMeta: { failReason: 'stale' } }));
    expect(describeProcessEnd(done as NonNullable<typeof done>)).not.toContain('stale');
  });
});
