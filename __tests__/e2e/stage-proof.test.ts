// Proof on stage before production, end to end: the committed bundle against a
// simulated stage project (its own token), stage build-info and GitHub Deployments
// history. Every refusal must leave production untouched and name what was missing.
import { describe, expect, it } from '@jest/globals';
import type { Simulator } from '../../sim/index.js';
import { RUN_TEST_TIMEOUT, runAction, type ActionRun } from '../helpers/action.js';
import { scanForSecrets } from '../../scripts/lib/secret-scan.js';
import { makeRepo } from '../helpers/repo.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { baseInputs, DEFAULT_SERVICES, OTHER_PROJECT_ID, PROJECT_ID, STAGE_ENVIRONMENT, STAGE_ZEROPS_TOKEN, stageInputs, world, ZEROPS_TOKEN, type WorldOptions } from '../helpers/world.js';

const HOSTS = DEFAULT_SERVICES;
const TIMEOUT = RUN_TEST_TIMEOUT;
const MINUTE = 60_000;
const FORGES = ['github', 'gitea'] as const;
type ForgeName = (typeof FORGES)[number];

const repo = makeRepo(HOSTS);
const SECRETS = [STAGE_ZEROPS_TOKEN, ZEROPS_TOKEN];

/** Each token is masked once at start (the runner's contract) and appears in no other form anywhere. */
function expectNoSecrets(run: ActionRun): void {
  const scan = scanForSecrets(run.everything, SECRETS);
  expect(scan.leaks).toEqual([]);
  for (const t of SECRETS) expect(scan.masked[t]).toBe(1);
}
const [, older, target] = repo.shas as [string, string, string];

describe('stage proof', () => {
  const sims = simulatorPerTest();
  const start = (o: Omit<WorldOptions, 'shas'>): Promise<Simulator> => sims.start(world({ shas: repo.shas, ...o }));

  /** Every stage source the forge offers: build-info and stage Zerops everywhere, Deployments on GitHub. */
  function release(s: Simulator, forge: ForgeName, extra: Record<string, string> = {}): Promise<ActionRun> {
    const deployments: Record<string, string> = forge === 'github' ? { 'stage-environment': STAGE_ENVIRONMENT } : {};
    return runAction({ sim: s, forge, inputs: baseInputs(s, repo.dir, { ...stageInputs(s), ...deployments, 'stage-min-age': '30m', ...extra }), env: { GITHUB_SHA: target } });
  }

  function expectRefused(run: ActionRun, s: Simulator): void {
    expect(run.code).not.toBe(0);
    expect(run.outputs.result).toBe('failed');
    expect(run.report?.reasonCode).toBe('stage-proof');
    expect(run.report?.stageProof?.status).toBe('refused');
    expect(s.mutations()).toEqual([]);
    expect(run.report?.reason).toMatch(/Nothing was changed/);
    expectNoSecrets(run);
  }

  it.each(FORGES)(
    '%s: a target proven on stage (every source, old enough) is released; the proof is checked twice and reported',
    async (forge) => {
      const s = await start({ forge, stage: { ageMs: 60 * MINUTE } });
      const run = await release(s, forge);
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('success');
      const proof = run.report?.stageProof;
      expect(proof).toMatchObject({ status: 'proven', checks: 2, minAgeMs: 30 * MINUTE, stageProject: { id: OTHER_PROJECT_ID, name: 'staging' } });
      expect(proof.services.map((r: { service: string }) => r.service).sort()).toEqual([...HOSTS].sort());
      for (const r of proof.services) {
        expect(r).toMatchObject({ ok: true, buildInfo: { ok: true, observed: target }, zerops: { ok: true, sha: target } });
        expect(r.zerops.ageMs).toBeGreaterThanOrEqual(60 * MINUTE);
      }
      if (forge === 'github') expect(proof.deployment).toMatchObject({ environment: STAGE_ENVIRONMENT, state: 'success', ok: true });
      else expect(proof.deployment).toBeNull();
      expect(run.summary).toContain('### Stage proof');
      expect(run.summary).toMatch(/✅ \*\*proven\*\*/);
      expectNoSecrets(run);
      // Each token stays in its own project: the stage token reads stage only, the production token never goes there.
      const zerops = s.log.filter((e) => e.server === 'zerops');
      const stageCalls = zerops.filter((e) => e.headers.authorization === `Bearer ${STAGE_ZEROPS_TOKEN}`);
      expect(stageCalls.length).toBeGreaterThan(0);
      expect(stageCalls.filter((e) => e.mutating)).toEqual([]);
      expect(stageCalls.filter((e) => e.path.includes(PROJECT_ID))).toEqual([]);
      expect(zerops.filter((e) => e.headers.authorization === `Bearer ${ZEROPS_TOKEN}` && e.path.includes(OTHER_PROJECT_ID))).toEqual([]);
      // Stage build-info is asked anonymously.
      expect(s.log.filter((e) => e.server === 'buildinfo' && e.path.startsWith('/staging/') && e.headers.authorization)).toEqual([]);
    },
    TIMEOUT,
  );

  it.each(FORGES)(
    '%s: stage-services maps production hostnames to stage ones; an unmapped service is looked up under its own name',
    async (forge) => {
      const stageHosts = HOSTS.map((h) => `${h}stage`);
      const s = await start({ forge, stage: { hostnames: stageHosts } });
      const mapping = HOSTS.map((h) => `${h}=${h}stage`);
      const proven = await release(s, forge, { 'stage-services': mapping.join('\n') });
      expect(proven.outputs.result).toBe('success');
      expect(proven.report?.stageProof.services.map((r: { service: string; stageService: string }) => `${r.service}=${r.stageService}`).sort()).toEqual([...mapping].sort());
      expect(s.log.filter((e) => e.server === 'buildinfo' && e.path.startsWith('/staging/')).map((e) => e.path.split('/')[2]).sort()).toEqual(expect.arrayContaining(stageHosts));

      const s2 = await start({ forge, stage: { hostnames: stageHosts } });
      const run = await release(s2, forge, { 'stage-services': mapping.filter((m) => !m.startsWith('admin=')).join(',') });
      expectRefused(run, s2);
      expect(run.report?.reason).toMatch(/- admin: build-info unreachable: HTTP 404.*; Zerops has no service `admin` in stage project staging/);
    },
    TIMEOUT,
  );

  it.each(FORGES)(
    '%s: one stage service on another commit refuses the release, naming it and what each source saw',
    async (forge) => {
      const s = await start({ forge, stage: { services: { web: { sha: older } } } });
      const run = await release(s, forge);
      expectRefused(run, s);
      const reason = run.report?.reason as string;
      expect(reason).toMatch(new RegExp(`- web: build-info serves ${older.slice(0, 12)}, not the target; Zerops web runs ${older.slice(0, 12)}, not the target`));
      for (const ok of ['api', 'worker', 'admin']) expect(reason).not.toMatch(new RegExp(`- ${ok}:`));
      const web = run.report?.stageProof.services.find((r: { service: string }) => r.service === 'web');
      expect(web).toMatchObject({ ok: false, buildInfo: { observed: older, ok: false }, zerops: { sha: older, ok: false } });
      expect(run.summary).toMatch(/❌ \*\*refused\*\*/);
      expect(run.summary).toContain(older.slice(0, 12));
    },
    TIMEOUT,
  );

  it.each(FORGES)(
    '%s: a target live on stage for less than stage-min-age is refused as too young',
    async (forge) => {
      const s = await start({ forge, stage: { ageMs: 5 * MINUTE } });
      const run = await release(s, forge);
      expectRefused(run, s);
      const reason = run.report?.reason as string;
      expect(reason).toMatch(/- api: Zerops api is too young: live 5m\d*s?, needs 30m/);
      if (forge === 'github') expect(reason).toMatch(/deployment to staging: deployment \d+ is too young: success 5m\d*s? ago, needs 30m/);
    },
    TIMEOUT,
  );

  it.each(FORGES)(
    '%s: an unreachable stage build-info fails closed, never counted as proven',
    async (forge) => {
      const s = await start({ forge, stage: { services: { api: { buildInfo: { unreachable: true } } } } });
      const run = await release(s, forge, { 'stage-min-age': '' });
      expectRefused(run, s);
      expect(run.report?.reason).toMatch(/- api: build-info unreachable: HTTP 503/);
    },
    TIMEOUT,
  );

  it.each(FORGES)(
    '%s: a stage token that cannot read the stage project refuses, saying so',
    async (forge) => {
      const s = await start({ forge, stage: {} });
      const run = await release(s, forge, { 'stage-project-id': 'someOtherProject000000Z', 'stage-min-age': '' });
      expectRefused(run, s);
      expect(run.report?.reason).toMatch(/the stage token cannot read stage project someOtherProject000000Z \(HTTP (403|404)\)/);
    },
    TIMEOUT,
  );

  it(
    'github: a forge token that may not read deployments (403) refuses with the permission to add',
    async () => {
      const s = await start({ forge: 'github', stage: { deploymentsForbidden: true } });
      const run = await release(s, 'github');
      expectRefused(run, s);
      expect(run.report?.reason).toMatch(/deployment to staging: the github-token cannot read deployments \(HTTP 403\); give the job `deployments: read`/);
    },
    TIMEOUT,
  );

  it(
    'github: no deployment of the target to the stage environment refuses',
    async () => {
      const s = await start({ forge: 'github', stage: { deployments: [{ sha: older, environment: STAGE_ENVIRONMENT, agoMs: 90 * MINUTE, statuses: [{ state: 'success', agoMs: 89 * MINUTE }] }] } });
      const run = await release(s, 'github');
      expectRefused(run, s);
      expect(run.report?.reason).toContain(`deployment to staging: no deployment of ${target.slice(0, 12)} to staging`);
    },
    TIMEOUT,
  );

  it.each(FORGES)(
    '%s: stage proven after the checks gate but moved on before the canary → refused at the re-check',
    async (forge) => {
      // The first stage read of api's build-info answers the target; the re-check sees another commit.
      const s = await start({
        forge,
        stage: {},
        faults: [{ server: 'buildinfo', path: '/staging/api/build-info', skip: 1, respond: { status: 200, body: JSON.stringify({ git_sha: older }) } }],
      });
      const run = await release(s, forge, { 'stage-min-age': '' });
      expectRefused(run, s);
      expect(run.report?.stageProof.checks).toBe(2);
      expect(run.report?.reason).toMatch(new RegExp(`- api: build-info serves ${older.slice(0, 12)}`));
      // Read twice: the first answer proved it, the second (the re-check) did not.
      expect(s.log.filter((e) => e.server === 'buildinfo' && e.path === '/staging/api/build-info').map((e) => e.fault ?? 'real')).toEqual(['real', 'respond']);
    },
    TIMEOUT,
  );

  it.each(FORGES)(
    '%s: a rollback (allow-downgrade) skips the stage proof and says so',
    async (forge) => {
      // Production runs the newest commit; the rollback goes back to `older`, which stage no longer runs.
      const s = await start({ forge, deployed: target, checksOn: older, kept: Object.fromEntries(HOSTS.map((h) => [h, [older]])), stage: { services: { api: { sha: target } } } });
      const run = await runAction({
        sim: s,
        forge,
        inputs: baseInputs(s, repo.dir, { ...stageInputs(s), 'stage-min-age': '30m', target: older, 'allow-downgrade': 'true' }),
        env: { GITHUB_SHA: target },
      });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('success');
      expect(run.report?.stageProof).toMatchObject({ status: 'skipped', checks: 0 });
      expect(run.report?.stageProof.note).toMatch(/rollback \(`allow-downgrade: true`\)/);
      expect(run.stdout).toMatch(/Stage proof skipped/);
      expect(s.log.filter((e) => e.server === 'buildinfo' && e.path.startsWith('/staging/'))).toEqual([]);
      expect(s.log.filter((e) => e.headers.authorization === `Bearer ${STAGE_ZEROPS_TOKEN}`)).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'github: a dry run reports missing stage proof without refusing (nothing is changed either way)',
    async () => {
      const s = await start({ forge: 'github', stage: { services: { web: { sha: older } } } });
      const run = await release(s, 'github', { 'dry-run': 'true' });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('dry-run');
      expect(run.report?.reason).toMatch(/stage proof: MISSING \(a real run would be refused\)/);
      expect(run.report?.stageProof.status).toBe('refused');
      expect(s.mutations()).toEqual([]);
    },
    TIMEOUT,
  );
});
