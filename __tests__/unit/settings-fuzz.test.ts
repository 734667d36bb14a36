// Every input fuzzed with hostile values: settings never throw, every problem names the
// input it is about, messages stay short and printable, and known-bad values are caught.
import { describe, expect, it } from '@jest/globals';
import { INPUTS } from '../../src/settings/inputs.js';
import { readSettings } from '../../src/settings/settings.js';

const VALID: Record<string, string> = {
  'zerops-token': 'zt-valid-token-1234',
  'github-token': 'gh-valid-token-1234',
  'project-id': 'P1',
  services: 'api,web',
};

const HOSTILE = [
  '',
  '   ',
  '\n\n',
  'x'.repeat(100_000),
  '☃️💥 ünïcødé',
  'a\u0000b',
  '\u001b[31mred\u001b[0m',
  '::error::injected',
  '<script>alert(1)</script>',
  '-1',
  '0',
  '99999999999999999999999',
  '1e9',
  'NaN',
  'Infinity',
  '-5s',
  '999999h',
  'yolo',
  '*',
  '**',
  'api,api',
  '../../etc/passwd',
  'http://169.254.169.254/latest/meta-data',
  'file:///etc/passwd',
  '${{ secrets.X }}',
];

// Values that must be refused for the input they are given to.
const MUST_FAIL: Array<[string, string]> = [
  ['zerops-api-url', 'ftp://api.example.com'],
  ['zerops-api-url', 'http://api.example.com'],
  ['project-id', 'a b'],
  ['services', 'API'],
  ['services', 'api,api'],
  ['services', 'x'.repeat(100)],
  ['canary', 'worker'],
  ['batch-size', '0'],
  ['batch-size', '-1'],
  ['batch-size', '1.5'],
  ['batch-size', '1001'],
  ['soak', '-5s'],
  ['soak', '25h'],
  ['soak', 'forever'],
  ['strategy', 'yolo'],
  ['checks-timeout', '1e9'],
  ['poll-interval', '0'],
  ['poll-interval', '2h'],
  ['kill-switch-variable', 'NOT VALID'],
  ['verify-url', 'http://app.example.com/{service}'],
  ['verify-url', 'https://169.254.169.254/latest'],
  ['verify-url', 'https://[fd00:ec2::254]/'],
  ['verify-url', 'gopher://x'],
  ['verify-url', 'https://x/{unknown}'],
  ['verify-field', 'a..b'],
  ['verify-timeout', 'NaN'],
  ['max-stragglers', '-1'],
  ['max-stragglers', 'many'],
  ['rollback', 'sometimes'],
  ['allowed-refs', 'refs/pull/1/head'],
  ['allow-downgrade', 'maybe'],
  ['dry-run', 'perhaps'],
  ['deploy-timeout', '0'],
  ['http-timeout', '1ms'],
  ['forge', 'bitbucket'],
  ['forge-api-url', 'http://github.example.com'],
  ['sha-variable', '1BAD'],
  ['target', 'has space'],
  ['required-checks', 'a\u0007b'],
  ['zerops-token', 'has space in it'],
];

function read(values: Record<string, string>) {
  return readSettings((name) => values[name] ?? '', { GITHUB_SHA: 'a'.repeat(40) });
}

describe('settings fuzz', () => {
  const names = INPUTS.map((i) => i.name);
  const cases = names.flatMap((name) => HOSTILE.map((value) => [name, value] as const));

  it(`never throws, and names only the fuzzed input (${cases.length} cases)`, () => {
    for (const [name, value] of cases) {
      const result = read({ ...VALID, [name]: value });
      if (result.ok) continue;
      for (const p of result.problems) {
        // Empty required inputs are reported as themselves; nothing else is dragged in.
        expect({ name, value: value.slice(0, 40), input: p.input }).toEqual({ name, value: value.slice(0, 40), input: name });
        expect(p.message.length).toBeLessThan(400);
        // eslint-disable-next-line no-control-regex
        expect(p.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      }
    }
  });

  it.each(MUST_FAIL)('refuses %s = %j, naming it', (name, value) => {
    const result = read({ ...VALID, [name]: value });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.input)).toContain(name);
  });

  it('never echoes a token value in a problem', () => {
    for (const name of ['zerops-token', 'github-token', 'control-token']) {
      for (const value of ['tok en-secret-1', 'x'.repeat(5000), 'tok\u0000secret']) {
        const result = read({ ...VALID, [name]: value });
        expect(JSON.stringify(result)).not.toContain(value.slice(0, 12) === 'x'.repeat(12) ? 'x'.repeat(100) : value.slice(0, 8));
      }
    }
  });
});
