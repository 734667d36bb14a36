// A failing stage stops the rollout and the rollback policy undoes what this run
// changed; verification tells stale from unreachable; stragglers are quarantined
// within max-stragglers. Proven from the simulator's request log and final state.
import { describe, expect, it } from '@jest/globals';
import { type RequestLogEntry, type ServiceSpec, type Simulator } from '../../sim/index.js';
import { annotations, RUN_TEST_TIMEOUT, runAction, type ActionRun } from '../helpers/action.js';
import { callsOf, kindOf, mutationList, mutationsOf, probesOf, recordOf, summaryRow } from '../helpers/log.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { baseInputs, DEFAULT_SERVICES, world } from '../helpers/world.js';

const HOSTS = DEFAULT_SERVICES;
const TIMEOUT = RUN_TEST_TIMEOUT;

describe('engine: failures, rollback, verification', () => {
  const sims = simulatorPerTest();

  /** A release of the repo's last commit over services running its first one. */
  async function release(o: { service?: Record<string, Partial<ServiceSpec>>; inputs?: Record<string, string> }): Promise<{ run: ActionRun; repo: TestRepo; target: string; s: Simulator; prior: Record<string, string> }> {
    const repo = makeRepo(HOSTS);
    const target = repo.shas[2] as string;
    const s = await sims.start(world({ shas: repo.shas, service: o.service }));
    const prior = Object.fromEntries(HOSTS.map((h) => [h, s.service(h).activeVersion?.id as string]));
    const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, o.inputs), env: { GITHUB_SHA: target } });
    return { run, repo, target, s, prior };
  }

  /** The re-activation of the service's previous version: PUT …/{prior}/deploy with no zerops.yaml. */
  function reactivations(s: Simulator, host: string, priorId: string): RequestLogEntry[] {
    return callsOf(s, host, 'deploy').filter((e) => e.path === `/api/rest/public/app-version/${priorId}/deploy`);
  }

  it(
    'a canary whose build-info stays stale is rolled back (verified), and no batch starts',
    async () => {
      const { run, s, prior, repo } = await release({ service: { api: { buildInfo: { staleForever: true } } }, inputs: { 'verify-timeout': '1s' } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('rolled-back');

      // The canary was deployed, then its previous version re-activated; nothing else was touched.
      expect(mutationList(s)).toEqual(['create-version api', 'upload api', 'build-and-deploy api', 'deploy api']);
      for (const host of ['web', 'worker', 'admin']) expect(mutationsOf(s, host)).toEqual([]);
      const [back] = reactivations(s, 'api', prior.api as string);
      expect(back?.body).toEqual({ zeropsYaml: null, zeropsYamlSetup: null });
      expect(s.service('api').activeVersion?.id).toBe(prior.api);
      // The rollback was verified: build-info read again after the re-activation.
      expect(probesOf(s, 'api').some((e) => e.seq > (back as RequestLogEntry).seq && e.status === 200)).toBe(true);

      const api = recordOf(run.report, 'api');
      expect(api.outcome).toBe('rolled-back');
      expect(api.verification.kind).toBe('stale');
      expect(api.reason).toMatch(/stale/);
      expect(api.rollback.status).toBe('done');
      expect(api.after).toEqual({ versionId: prior.api, sha: repo.shas[0] });
      for (const host of ['web', 'worker', 'admin']) expect(recordOf(run.report, host).outcome).toBe('untouched');
      expect(run.report?.timeline.map((t: any) => `${t.name}:${t.status}`)).toEqual(['canary:failed', 'rollback:ok']);
      expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['api']);
      expect(JSON.parse(run.outputs.deployed as string)).toEqual([]);
      expect(summaryRow(run.summary, 'api')).toContain('rolled-back');
      expect(summaryRow(run.summary, 'admin')).toContain('untouched');
      expect(annotations(run.stdout, 'error').join('\n')).toMatch(/api/);
    },
    TIMEOUT,
  );

  it(
    'a batch whose process FAILs is rolled back (rollback: stage); the canary stays on target; later batches never start',
    async () => {
      const { run, s, prior, target } = await release({ service: { worker: { deploy: { failAt: 'build' } } } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('rolled-back');

      // web deployed fine and was re-activated to its previous version; worker's build failed (nothing to undo).
      expect(reactivations(s, 'web', prior.web as string)).toHaveLength(1);
      expect(s.service('web').activeVersion?.id).toBe(prior.web);
      expect(s.service('worker').activeVersion?.id).toBe(prior.worker);
      expect(mutationsOf(s, 'worker').map(kindOf)).toEqual(['create-version', 'upload', 'build-and-deploy']);
      // The canary keeps the target: no re-activation of it.
      expect(mutationsOf(s, 'api').map(kindOf)).toEqual(['create-version', 'upload', 'build-and-deploy']);
      expect(s.service('api').activeVersion?.name).toBe(target);
      expect(s.service('api').buildInfoSha).toBe(target);
      // Batch 2 never started.
      expect(mutationsOf(s, 'admin')).toEqual([]);
      // The rollback came after both of batch 1's deploy calls.
      const lastBatchDeploy = Math.max(...['web', 'worker'].map((h) => (callsOf(s, h, 'build-and-deploy')[0] as RequestLogEntry).seq));
      expect((reactivations(s, 'web', prior.web as string)[0] as RequestLogEntry).seq).toBeGreaterThan(lastBatchDeploy);

      const outcomes = Object.fromEntries(HOSTS.map((h) => [h, recordOf(run.report, h).outcome]));
      expect(outcomes.api).toBe('on-target');
      expect(outcomes.web).toBe('rolled-back');
      expect(outcomes.admin).toBe('untouched');
      // worker never left its previous version: nothing to re-activate, and it says so.
      expect(outcomes.worker).toBe('failed');
      expect(recordOf(run.report, 'worker').reason).toMatch(/FAILED/);
      expect(recordOf(run.report, 'worker').rollback.status).toBe('not-needed');
      expect(callsOf(s, 'worker', 'deploy')).toEqual([]);
      expect(run.report?.reason).toMatch(/batch 1 failed/);
      expect(run.report?.timeline.map((t: any) => `${t.name}:${t.status}`)).toEqual(['canary:ok', 'batch 1:failed', 'rollback:ok']);
      expect(JSON.parse(run.outputs.deployed as string)).toEqual(['api']);
    },
    TIMEOUT,
  );

  it(
    'rollback: all also rolls back the earlier stages',
    async () => {
      const { run, s, prior } = await release({ service: { worker: { deploy: { failAt: 'build' } } }, inputs: { rollback: 'all' } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('rolled-back');
      for (const host of ['api', 'web']) {
        expect(reactivations(s, host, prior[host] as string)).toHaveLength(1);
        expect(s.service(host).activeVersion?.id).toBe(prior[host]);
        expect(recordOf(run.report, host).outcome).toBe('rolled-back');
      }
      expect(mutationsOf(s, 'admin')).toEqual([]);
      expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual(['api', 'web']);
      expect(run.report?.timeline.map((t: any) => `${t.name}:${t.status}`)).toEqual(['canary:ok', 'batch 1:failed', 'rollback:ok']);
      expect(run.report?.timeline.at(-1).services).toEqual(['api', 'web', 'worker']);
    },
    TIMEOUT,
  );

  it(
    'rollback: none leaves what was deployed, result failed',
    async () => {
      const { run, s, target } = await release({ service: { worker: { deploy: { failAt: 'build' } } }, inputs: { rollback: 'none' } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      // No re-activation at all; the deployed services stay on the target.
      expect(s.mutations().filter((e) => kindOf(e) === 'deploy')).toEqual([]);
      for (const host of ['api', 'web']) {
        expect(s.service(host).activeVersion?.name).toBe(target);
        expect(recordOf(run.report, host).outcome).toBe('on-target');
      }
      expect(recordOf(run.report, 'worker').outcome).toBe('failed');
      expect(mutationsOf(s, 'admin')).toEqual([]);
      expect(recordOf(run.report, 'admin').outcome).toBe('untouched');
      expect(run.report?.timeline.map((t: any) => t.name)).toEqual(['canary', 'batch 1']);
    },
    TIMEOUT,
  );

  it(
    'a build-info that is stale, then correct within verify-timeout, passes',
    async () => {
      const { run, s, target } = await release({ service: { api: { buildInfo: { staleMs: 1200 } } }, inputs: { 'verify-timeout': '10s' } });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('success');
      const deploy = callsOf(s, 'api', 'build-and-deploy')[0] as RequestLogEntry;
      // Retried: several probes after the deploy (the first ones answered the old SHA with 200).
      const after = probesOf(s, 'api').filter((e) => e.seq > deploy.seq);
      expect(after.length).toBeGreaterThanOrEqual(2);
      expect(after.every((e) => e.status === 200)).toBe(true);
      expect(run.stdout).toMatch(/api: verified .*\(after \d+ checks\)/);
      expect(recordOf(run.report, 'api').outcome).toBe('on-target');
      expect(s.service('api').buildInfoSha).toBe(target);
      expect(s.mutations().filter((e) => kindOf(e) === 'deploy')).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'stale beyond verify-timeout fails the canary, reported as stale (not unreachable)',
    async () => {
      const { run, s, repo } = await release({ service: { api: { buildInfo: { staleMs: 60_000 } } }, inputs: { 'verify-timeout': '1s' } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('rolled-back');
      const api = recordOf(run.report, 'api');
      expect(api.verification.kind).toBe('stale');
      expect(api.reason).toContain('build-info stale');
      expect(api.reason).toContain(`still serving ${repo.shas[0]?.slice(0, 12)}`);
      expect(api.reason).not.toMatch(/unreachable/);
      expect(mutationsOf(s, 'web')).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'an unreachable build-info fails the canary, reported as unreachable (not stale)',
    async () => {
      const { run, s } = await release({ service: { api: { buildInfo: { unreachable: true } } }, inputs: { 'verify-timeout': '1s' } });
      expect(run.code).toBe(1);
      const api = recordOf(run.report, 'api');
      expect(api.verification.kind).toBe('unreachable');
      expect(api.reason).toContain('build-info unreachable');
      expect(api.reason).toMatch(/503/);
      expect(api.reason).not.toMatch(/stale/);
      // Every probe was answered 503, and nothing beyond the canary was touched.
      expect(probesOf(s, 'api').every((e) => e.status === 503)).toBe(true);
      for (const host of ['web', 'worker', 'admin']) expect(mutationsOf(s, host)).toEqual([]);
      // Its rollback cannot be verified either (the app stays unreachable): the run says failed, not rolled-back.
      expect(run.outputs.result).toBe('failed');
      expect(api.rollback.status).toBe('failed');
    },
    TIMEOUT,
  );

  it(
    'a straggler within max-stragglers is quarantined, loudly; the rollout completes',
    async () => {
      const { run, s, target } = await release({ service: { worker: { buildInfo: { staleForever: true } } }, inputs: { 'verify-timeout': '1s', 'max-stragglers': '1' } });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('success');
      const worker = recordOf(run.report, 'worker');
      expect(worker.outcome).toBe('quarantined');
      expect(worker.reason).toMatch(/quarantined straggler/);
      expect(annotations(run.stdout, 'warning').some((a) => /worker .*QUARANTINED/.test(a))).toBe(true);
      expect(JSON.parse(run.outputs.failed as string)).toEqual(['worker']);
      expect(JSON.parse(run.outputs.deployed as string)).toEqual(['api', 'web', 'admin']);
      expect(summaryRow(run.summary, 'worker')).toContain('quarantined');
      // Deployed (on Zerops it runs the target) and not rolled back; batch 2 went on.
      expect(s.service('worker').activeVersion?.name).toBe(target);
      expect(s.mutations().filter((e) => kindOf(e) === 'deploy')).toEqual([]);
      expect(mutationsOf(s, 'admin').map(kindOf)).toEqual(['create-version', 'upload', 'build-and-deploy']);
    },
    TIMEOUT,
  );

  it(
    'a straggler beyond max-stragglers (0) fails its batch, which is rolled back',
    async () => {
      const { run, s, prior } = await release({ service: { worker: { buildInfo: { staleForever: true } } }, inputs: { 'verify-timeout': '1s', 'max-stragglers': '0' } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('rolled-back');
      for (const host of ['web', 'worker']) {
        expect(reactivations(s, host, prior[host] as string)).toHaveLength(1);
        expect(s.service(host).activeVersion?.id).toBe(prior[host]);
        expect(recordOf(run.report, host).outcome).toBe('rolled-back');
      }
      expect(recordOf(run.report, 'worker').verification.kind).toBe('stale');
      expect(recordOf(run.report, 'api').outcome).toBe('on-target');
      expect(mutationsOf(s, 'admin')).toEqual([]);
      expect(annotations(run.stdout, 'warning').some((a) => /QUARANTINED/.test(a))).toBe(false);
    },
    TIMEOUT,
  );
});
