// The rollout engine's stage order, run as the real bundle against the simulator:
// the canary first and alone, then batches of `batch-size` in a stable order, each
// service verified after its deploy; outputs, summary and report written.
import { describe, expect, it } from '@jest/globals';
import { type RequestLogEntry, type Simulator } from '../../sim/index.js';
import { annotations, RUN_TEST_TIMEOUT, runAction } from '../helpers/action.js';
import { callsOf, kindOf, mutationList, probesOf, recordOf, summaryRow, zeropsGet } from '../helpers/log.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { makeRepo } from '../helpers/repo.js';
import { baseInputs, DEFAULT_SERVICES, world } from '../helpers/world.js';

const HOSTS = DEFAULT_SERVICES;
const TIMEOUT = RUN_TEST_TIMEOUT;

describe('engine: stages', () => {
  const sims = simulatorPerTest();

  it(
    'deploys the canary alone first, then batches of batch-size in a stable order, verifying every service',
    async () => {
      const repo = makeRepo(HOSTS);
      const target = repo.shas[2] as string;
      // The plan's order is the order of `services`, not the project's listing order.
      const sim = await sims.start(world({ shas: repo.shas, services: ['admin', 'worker', 'web', 'api'] }));
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: target } });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('success');

      const stages = [['api'], ['web', 'worker'], ['admin']];
      const muts = sim.mutations();
      // Three mutating calls per service (create version, upload, build-and-deploy), stage by stage.
      expect(muts).toHaveLength(12);
      let at = 0;
      for (const stage of stages) {
        const slice = muts.slice(at, at + 3 * stage.length);
        expect(new Set(slice.map((e) => e.service))).toEqual(new Set(stage));
        for (const host of stage) {
          expect(slice.filter((e) => e.service === host).map(kindOf)).toEqual(['create-version', 'upload', 'build-and-deploy']);
        }
        at += 3 * stage.length;
      }
      // The batch really ran concurrently: its second service started before the first one's deploy call finished its stage.
      const batch1 = muts.slice(3, 9);
      expect(batch1.map((e) => e.service)).not.toEqual(['web', 'web', 'web', 'worker', 'worker', 'worker']);

      // The canary's process had FINISHED before batch 1 created its first version (both times on the simulator's clock).
      const report = run.report as Record<string, any>;
      const canaryProcess = await zeropsGet(sim, `/process/${recordOf(report, 'api').processId}`);
      expect(canaryProcess.status).toBe('FINISHED');
      const firstBatchVersion = [sim.service('web'), sim.service('worker')].map((s) => Date.parse(s.versions[0]?.created as string));
      expect(Date.parse(canaryProcess.finished)).toBeLessThanOrEqual(Math.min(...firstBatchVersion));
      // And batch 1's processes before batch 2's first call.
      for (const host of ['web', 'worker']) {
        const p = await zeropsGet(sim, `/process/${recordOf(report, host).processId}`);
        expect(Date.parse(p.finished)).toBeLessThanOrEqual(Date.parse(sim.service('admin').versions[0]?.created as string));
      }

      // Every service was verified: its build-info was read after its deploy call, and it serves the target.
      for (const host of HOSTS) {
        const deploy = callsOf(sim, host, 'build-and-deploy')[0] as RequestLogEntry;
        const probes = probesOf(sim, host).filter((e) => e.seq > deploy.seq && e.status === 200);
        expect(probes.length).toBeGreaterThanOrEqual(1);
        expect(sim.service(host).buildInfoSha).toBe(target);
        expect(sim.service(host).activeVersion?.name).toBe(target);
      }
      // ...and the probe of a stage precedes the next stage's first mutation.
      const firstOf = (host: string) => sim.mutations().find((e) => e.service === host) as RequestLogEntry;
      const lastProbe = (host: string) => probesOf(sim as Simulator, host).at(-1) as RequestLogEntry;
      expect(lastProbe('api').seq).toBeLessThan(Math.min(firstOf('web').seq, firstOf('worker').seq));
      expect(Math.max(lastProbe('web').seq, lastProbe('worker').seq)).toBeLessThan(firstOf('admin').seq);

      // Outputs, report and summary.
      expect(run.outputs['target-sha']).toBe(target);
      expect(JSON.parse(run.outputs.deployed as string)).toEqual(['api', 'web', 'worker', 'admin']);
      expect(JSON.parse(run.outputs.failed as string)).toEqual([]);
      expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual([]);
      expect(JSON.parse(run.outputs.skipped as string)).toEqual([]);
      expect(report.plan.stages.map((s: any) => s.services.map((p: any) => p.hostname))).toEqual(stages);
      for (const host of HOSTS) {
        const r = recordOf(report, host);
        expect(r.outcome).toBe('on-target');
        expect(r.strategy).toBe('build');
        expect(r.before.sha).toBe(repo.shas[0]);
        expect(r.after.sha).toBe(target);
        expect(r.verification.kind).toBe('ok');
        const row = summaryRow(run.summary, host);
        expect(row).toContain('on-target');
        expect(row).toContain(repo.shas[0]?.slice(0, 7));
        expect(row).toContain(target.slice(0, 7));
      }
      expect(report.timeline.map((t: any) => t.name)).toEqual(['canary', 'batch 1', 'batch 2']);
      expect(run.summary).toContain('success');
      expect(annotations(run.stdout, 'error')).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'soaks the verified canary, re-checking it, before batch 1 starts',
    async () => {
      const repo = makeRepo(HOSTS);
      const sim = await sims.start(world({ shas: repo.shas }));
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir, { soak: '600ms' }), env: { GITHUB_SHA: repo.shas[2] } });
      expect(run.code).toBe(0);
      const deploy = callsOf(sim, 'api', 'build-and-deploy')[0] as RequestLogEntry;
      const batchStart = Math.min(...['web', 'worker'].map((h) => (sim.mutations().find((e) => e.service === h) as RequestLogEntry).seq));
      // The verification, then several soak re-checks, all before any batch mutation.
      const during = probesOf(sim, 'api').filter((e) => e.seq > deploy.seq && e.seq < batchStart);
      expect(during.length).toBeGreaterThanOrEqual(3);
      expect(during.every((e) => e.status === 200)).toBe(true);
      expect(run.report?.timeline.map((t: any) => t.name)).toEqual(['canary', 'soak', 'batch 1', 'batch 2']);
      expect(run.stdout).toMatch(/Canary healthy through the soak \(\d+ checks?\)/);
    },
    TIMEOUT,
  );

  it(
    'a canary that fails a check during the soak fails its stage: rolled back, no batch starts',
    async () => {
      const repo = makeRepo(HOSTS);
      const s = await sims.start(world({ shas: repo.shas }));
      const prior = s.service('api').activeVersion?.id as string;
      const run = await runAction({
        sim: s,
        inputs: baseInputs(s, repo.dir, { soak: '5s' }),
        env: { GITHUB_SHA: repo.shas[2] },
        // Once the canary is verified and the soak begins, its app answers 503 once.
        onStdout: [{ line: /Soaking api/, run: () => s.addFault({ server: 'buildinfo', path: '/api/build-info', respond: { status: 503, body: '{"error":"down"}' }, times: 1 }) }],
      });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('rolled-back');
      expect(mutationList(s)).toEqual(['create-version api', 'upload api', 'build-and-deploy api', 'deploy api']);
      expect(callsOf(s, 'api', 'deploy')[0]?.path).toBe(`/api/rest/public/app-version/${prior}/deploy`);
      expect(s.service('api').activeVersion?.id).toBe(prior);
      expect(probesOf(s, 'api').filter((e) => e.status === 503)).toHaveLength(1);
      const api = recordOf(run.report, 'api');
      expect(api.outcome).toBe('rolled-back');
      expect(api.reason).toMatch(/failed a soak check/);
      expect(api.verification.kind).toBe('unreachable');
      expect(run.report?.timeline.map((t: any) => `${t.name}:${t.status}`)).toEqual(['canary:ok', 'soak:failed', 'rollback:ok']);
    },
    TIMEOUT,
  );

  it(
    'names the canary explicitly and resolves globs in a stable (sorted) order',
    async () => {
      const hosts = ['app-c', 'app-a', 'app-d', 'app-b', 'edge'];
      const repo = makeRepo(hosts);
      const sim = await sims.start(world({ shas: repo.shas, services: hosts }));
      const run = await runAction({
        sim,
        inputs: baseInputs(sim, repo.dir, { services: 'app-*\nedge', canary: 'edge', 'batch-size': '3', strategy: 'build' }),
        env: { GITHUB_SHA: repo.shas[2] },
      });
      expect(run.code).toBe(0);
      const order = mutationList(sim).filter((m) => m.startsWith('build-and-deploy')).map((m) => m.split(' ')[1]);
      expect(order[0]).toBe('edge');
      expect(new Set(order.slice(1, 4))).toEqual(new Set(['app-a', 'app-b', 'app-c']));
      expect(order.slice(4)).toEqual(['app-d']);
      expect(run.report?.plan.stages.map((s: any) => s.services.map((p: any) => p.hostname))).toEqual([['edge'], ['app-a', 'app-b', 'app-c'], ['app-d']]);
    },
    TIMEOUT,
  );
});
