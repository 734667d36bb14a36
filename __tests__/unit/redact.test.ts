import { describe, expect, it } from '@jest/globals';
import { capText, Redactor } from '../../src/util/redact.js';

describe('Redactor', () => {
  it('replaces every registered secret, longest first', () => {
    const r = new Redactor();
    r.add('abcd1234');
    r.add('abcd1234-and-more');
    expect(r.redact('x abcd1234-and-more y abcd1234')).toBe('x *** y ***');
  });
  it('hides authorization headers and bearer credentials it was not told about', () => {
    const r = new Redactor();
    expect(r.redact('authorization: Bearer qwerty123456789012')).not.toContain('qwerty');
    expect(r.redact('sent token 0123456789abcdef0123')).toBe('sent token ***');
  });
  it('leaves prose alone', () => {
    expect(new Redactor().redact('set the ZEROPS_TOKEN environment variable')).toBe('set the ZEROPS_TOKEN environment variable');
  });
  it('ignores secrets too short to redact safely', () => {
    const r = new Redactor();
    r.add('ab');
    expect(r.redact('abc')).toBe('abc');
  });
});

describe('capText', () => {
  it('caps length and strips control characters', () => {
    expect(capText('a\u0007b', 10)).toBe('a b');
    expect(capText('x'.repeat(20), 5)).toBe('xxxxx… (15 more characters)');
  });
});
