import { describe, expect, it } from '@jest/globals';
import { INPUTS } from '../../src/settings/inputs.js';
import { fillVerifyUrl, readSettings, type Settings } from '../../src/settings/settings.js';
import { inputs } from '../helpers/fakes.js';

const ENV = { GITHUB_SHA: 'a'.repeat(40), GITHUB_TOKEN: 'gh-token-value' };
const MINIMAL = { 'zerops-token': 'zt-secret-value', 'project-id': 'P1', services: 'api' };

/** The runner passes every input with a default as INPUT_*; emulate it. */
function withDefaults(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of INPUTS) if (spec.actionDefault !== undefined && !spec.actionDefault.includes('${{')) out[spec.name] = spec.actionDefault;
  return { ...out, ...values };
}

function ok(values: Record<string, string>, env: Record<string, string> = ENV): Settings {
  const r = readSettings(inputs(withDefaults(values)), env);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.settings;
}

function problems(values: Record<string, string>, env: Record<string, string> = ENV) {
  const r = readSettings(inputs(withDefaults(values)), env);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

describe('readSettings', () => {
  it('applies the documented defaults', () => {
    const s = ok(MINIMAL);
    expect(s).toMatchObject({
      zeropsApiUrl: 'https://api.app-prg1.zerops.io',
      batchSize: 3,
      soakMs: 60_000,
      strategy: 'auto',
      checksTimeoutMs: 3_600_000,
      pollIntervalMs: 10_000,
      verifyField: ['git_sha'],
      verifyTimeoutMs: 240_000,
      maxStragglers: 0,
      rollback: 'stage',
      allowDowngrade: false,
      dryRun: false,
      deploymentEnvironment: 'production',
      killSwitchVariable: 'ZEROPS_DEPLOY_DISABLED',
      githubToken: 'gh-token-value',
      controlToken: null,
      target: null,
    });
  });

  it('falls back to ZEROPS_TOKEN and strips a trailing API path', () => {
    const s = ok({ ...MINIMAL, 'zerops-token': '', 'zerops-api-url': 'https://api.example.com/api/rest/public/' }, { ...ENV, ZEROPS_TOKEN: 'from-env-token' });
    expect(s.zeropsToken).toBe('from-env-token');
    expect(s.zeropsApiUrl).toBe('https://api.example.com');
  });

  it('splits service lists on newlines and commas', () => {
    expect(ok({ ...MINIMAL, services: 'api, web\nworker-*\n\n' }).services).toEqual(['api', 'web', 'worker-*']);
  });

  it('reports every problem together, each naming its input', () => {
    const p = problems({
      'zerops-token': '',
      'project-id': '',
      services: 'api,api,Bad!',
      'batch-size': '0',
      soak: '5 minutes',
      strategy: 'yolo',
      'poll-interval': '1ms',
      'max-stragglers': '-1',
      rollback: 'some',
      'dry-run': 'perhaps',
      'verify-url': 'ftp://x/{service}',
      'verify-field': 'a..b',
    });
    const names = p.map((x) => x.input);
    for (const n of ['zerops-token', 'project-id', 'services', 'batch-size', 'soak', 'strategy', 'poll-interval', 'max-stragglers', 'rollback', 'dry-run', 'verify-url', 'verify-field']) {
      expect(names).toContain(n);
    }
    expect(p.find((x) => x.input === 'services' && /twice/.test(x.message))).toBeTruthy();
  });

  it('never echoes a token, even a malformed one', () => {
    const p = problems({ ...MINIMAL, 'zerops-token': 'secret with spaces-123' });
    expect(JSON.stringify(p)).not.toContain('secret with');
    expect(p[0]?.input).toBe('zerops-token');
  });

  it('refuses a canary that is not among the services', () => {
    const p = problems({ ...MINIMAL, services: 'api,web', canary: 'worker' });
    expect(p).toEqual([expect.objectContaining({ input: 'canary' })]);
    expect(ok({ ...MINIMAL, services: 'app-*', canary: 'app-1' }).canary).toEqual(['app-1']);
  });

  it('requires artifact for strategy artifact and refuses it where it would be ignored', () => {
    expect(problems({ ...MINIMAL, strategy: 'artifact' })[0]?.input).toBe('artifact');
    expect(problems({ ...MINIMAL, strategy: 'build', artifact: 'dist' })[0]?.input).toBe('artifact');
  });

  it.each([
    ['http://app.example.com/{service}', /https/],
    ['https://169.254.169.254/latest', /metadata/],
    ['http://[fe80::1]/x', /metadata/],
    ['https://metadata.google.internal/', /metadata/],
    ['https://user:pw@example.com/', /credentials/],
    ['https://example.com/{commit}', /placeholder/],
    ['javascript:alert(1)', /http\(s\)/],
  ])('refuses verify-url %s', (url, why) => {
    const p = problems({ ...MINIMAL, 'verify-url': url });
    expect(p[0]?.input).toBe('verify-url');
    expect(p[0]?.message).toMatch(why);
  });

  it('accepts http on loopback, or with the explicit opt-in', () => {
    expect(ok({ ...MINIMAL, 'verify-url': 'http://127.0.0.1:8080/{service}/build-info' }).verifyUrl).toContain('127.0.0.1');
    expect(ok({ ...MINIMAL, 'verify-url': 'http://app.internal/{service}', 'verify-allow-http': 'true' }).verifyAllowHttp).toBe(true);
  });

  it('needs a target when GITHUB_SHA is missing', () => {
    expect(problems(MINIMAL, { GITHUB_TOKEN: 'x'.repeat(10) })[0]?.input).toBe('target');
  });

  it('treats an empty deployment-environment as disabled', () => {
    expect(ok({ ...MINIMAL, 'deployment-environment': '' }).deploymentEnvironment).toBeNull();
  });
});

describe('fillVerifyUrl', () => {
  it('fills and encodes placeholders', () => {
    expect(fillVerifyUrl('https://{service}.example.com/v?sha={sha}&s={short_sha}', 'api', 'abcdef0123456789')).toBe(
      'https://api.example.com/v?sha=abcdef0123456789&s=abcdef0',
    );
    expect(fillVerifyUrl('https://x/{service}', 'a/b?c', 'f')).toBe('https://x/a%2Fb%3Fc');
  });
});
