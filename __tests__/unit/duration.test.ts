import { describe, expect, it } from '@jest/globals';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    [' 2M ', 120_000],
    ['0', 0],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '90', '5 minutes', '-5s', 's', '1d', '5m abc', '1e3s', 'NaNs'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850ms'],
    [1500, '1.5s'],
    [12_400, '12s'],
    [90_000, '1m30s'],
    [300_000, '5m'],
    [3_720_000, '1h02m'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
