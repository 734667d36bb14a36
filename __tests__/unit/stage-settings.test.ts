// The stage-* inputs: each pair complete, an age only where something can prove it, the
// production token and project never reused for stage; every problem reported at once.
import { describe, expect, it } from '@jest/globals';
import { INPUTS } from '../../src/settings/inputs.js';
import { readSettings, type Settings } from '../../src/settings/settings.js';
import { inputs } from '../helpers/fakes.js';

const ENV = { GITHUB_SHA: 'a'.repeat(40), GITHUB_TOKEN: 'gh-token-value' };
const BASE = { 'zerops-token': 'prod-token-value', 'project-id': 'PROD', services: 'api, web, worker-*' };

function read(values: Record<string, string>, env: Record<string, string> = ENV) {
  const defaults: Record<string, string> = {};
  for (const spec of INPUTS) if (spec.actionDefault !== undefined && !spec.actionDefault.includes('${{')) defaults[spec.name] = spec.actionDefault;
  return readSettings(inputs({ ...defaults, ...BASE, ...values }), env);
}

function stage(values: Record<string, string>, env?: Record<string, string>): Settings['stage'] {
  const r = read(values, env);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.settings.stage;
}

function problems(values: Record<string, string>, env?: Record<string, string>): string[] {
  const r = read(values, env);
  if (r.ok) throw new Error('expected problems');
  return r.problems.map((p) => `${p.input}: ${p.message}`);
}

describe('stage settings', () => {
  it('asks for nothing by default, and preflight defaults to warn', () => {
    const r = read({});
    expect(r.ok && r.settings.stage).toBeNull();
    expect(r.ok && r.settings.preflight).toBe('warn');
  });

  it('reads every piece of evidence and the hostname pairs', () => {
    const s = stage({
      'stage-verify-url': 'https://{service}.stage.example.com/build-info',
      'stage-services': 'api=apistage\nweb = webstage',
      'stage-min-age': '30m',
      'stage-environment': 'staging',
      'stage-zerops-token': 'stage-token-value',
      'stage-project-id': 'STAGE',
    });
    expect(s).toMatchObject({ verifyUrl: 'https://{service}.stage.example.com/build-info', minAgeMs: 1_800_000, environment: 'staging', zerops: { token: 'stage-token-value', projectId: 'STAGE' } });
    expect([...(s?.services ?? new Map())]).toEqual([
      ['api', 'apistage'],
      ['web', 'webstage'],
    ]);
  });

  it('takes the stage token from ZEROPS_STAGE_TOKEN', () => {
    expect(stage({ 'stage-project-id': 'STAGE' }, { ...ENV, ZEROPS_STAGE_TOKEN: 'stage-env-token' })?.zerops).toEqual({ token: 'stage-env-token', projectId: 'STAGE' });
  });

  it('refuses stage-min-age when nothing can prove an age', () => {
    expect(problems({ 'stage-verify-url': 'https://{service}.stage.example.com/v', 'stage-min-age': '30m' })).toEqual([expect.stringMatching(/^stage-min-age: needs something that can prove an age/)]);
    expect(problems({ 'stage-min-age': '30m' })).toEqual([expect.stringMatching(/^stage-min-age: needs/)]);
  });

  it('wants the stage token and project together, and never the production ones', () => {
    expect(problems({ 'stage-zerops-token': 'stage-token-value' })).toEqual([expect.stringMatching(/^stage-zerops-token: needs `stage-project-id` too/)]);
    expect(problems({ 'stage-project-id': 'STAGE' })).toEqual([expect.stringMatching(/^stage-project-id: needs `stage-zerops-token` too/)]);
    const reused = problems({ 'stage-zerops-token': 'prod-token-value', 'stage-project-id': 'PROD' });
    expect(reused).toEqual(expect.arrayContaining([expect.stringMatching(/^stage-project-id: is the production/), expect.stringMatching(/^stage-zerops-token: is the production/)]));
    expect(reused.join('\n')).not.toContain('prod-token-value');
  });

  it('refuses Deployments on Gitea', () => {
    expect(problems({ 'stage-environment': 'staging' }, { ...ENV, GITEA_ACTIONS: 'true' })).toEqual([expect.stringMatching(/^stage-environment: names GitHub Deployments/)]);
    expect(problems({ 'stage-environment': 'staging', forge: 'gitea' })).toHaveLength(1);
  });

  it('checks the pairs and the URL template', () => {
    const p = problems({
      'stage-verify-url': 'http://stage.example.com/{service}/{branch}',
      'stage-services': 'api=apistage, api=other, nope, cron=cronstage, worker-1=w1stage, a*=b',
    });
    expect(p).toEqual([
      expect.stringMatching(/^stage-verify-url: has an unknown placeholder `\{branch\}`/),
      expect.stringMatching(/^stage-services: maps `api` twice/),
      expect.stringMatching(/^stage-services: "nope" is not a `production=stage` hostname pair/),
      expect.stringMatching(/^stage-services: `cron` is not among `services`/),
      expect.stringMatching(/^stage-services: "a\*=b" is not/),
    ]);
    expect(problems({ 'stage-verify-url': 'http://stage.example.com/{service}' })).toEqual([expect.stringMatching(/^stage-verify-url: .*https/)]);
    expect(problems({ 'stage-services': 'api=apistage' })).toEqual([expect.stringMatching(/^stage-services: is set, but no stage evidence/)]);
  });

  it('refuses an unknown preflight mode', () => {
    expect(problems({ preflight: 'loose' })).toEqual([expect.stringMatching(/^preflight: "loose" is not one of `warn`, `strict`, `off`/)]);
  });
});
