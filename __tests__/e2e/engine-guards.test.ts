// The guards that keep a fleet safe, run as the real bundle against the simulator:
// idempotent re-runs, superseded runs, no silent downgrade, the deploy lock, plan
// errors before any mutation, and deploy calls whose answer is lost (look, never repeat blindly).
import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RequestLogEntry, type Simulator } from '../../sim/index.js';
import { RUN_TEST_TIMEOUT, runAction } from '../helpers/action.js';
import { API, callsOf, kindOf, mutationList, mutationsOf, processListReads, recordOf, whenLogged, zeropsGet } from '../helpers/log.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { tempDir } from '../helpers/temp.js';
import { makeRepo } from '../helpers/repo.js';
import { baseInputs, DEFAULT_SERVICES, OTHER_PROJECT_ID, PROJECT_ID, world, type WorldOptions } from '../helpers/world.js';

const HOSTS = DEFAULT_SERVICES;
const TIMEOUT = RUN_TEST_TIMEOUT;

describe('engine: guards', () => {
  const sims = simulatorPerTest();

  const start = (o: WorldOptions): Promise<Simulator> => sims.start(world(o));

  describe('idempotent re-run', () => {
    it(
      'every service already on the target → noop, exit 0, zero mutations, no checks wait',
      async () => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        const s = await start({ shas: repo.shas, deployed: target });
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('noop');
        expect(s.mutations()).toEqual([]);
        // No checks were read (nothing to wait for) and no deployment was recorded.
        expect(s.log.filter((e) => e.server === 'github' && /\/check-runs|\/status(es)?$|\/deployments/.test(e.path))).toEqual([]);
        expect(JSON.parse(run.outputs.skipped as string)).toEqual(HOSTS);
        for (const host of HOSTS) expect(recordOf(run.report, host).outcome).toBe('skipped');
        expect(run.summary).toContain('noop');
      },
      TIMEOUT,
    );
  });

  describe('superseded', () => {
    it.each(['github', 'gitea'] as const)(
      '%s: a push run whose commit is no longer the tip of main stops before any mutation, naming the newer commit',
      async (forge) => {
        const repo = makeRepo(HOSTS);
        const [, mine, newer] = repo.shas as [string, string, string];
        const s = await start({ shas: repo.shas.slice(0, 2), forge });
        s.addCommit(forge, { sha: newer, message: 'release 3' });
        const run = await runAction({ sim: s, forge, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: mine, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('superseded');
        expect(s.mutations()).toEqual([]);
        expect(run.report?.reason).toContain(newer.slice(0, 12));
        expect(run.report?.reason).toMatch(/main has moved on/);
        expect(run.summary).toContain(newer.slice(0, 12));
      },
      TIMEOUT,
    );

    it(
      'the same run started by hand (workflow_dispatch) is not superseded and releases its commit',
      async () => {
        const repo = makeRepo(HOSTS);
        const [, mine, newer] = repo.shas as [string, string, string];
        const s = await start({ shas: repo.shas.slice(0, 2) });
        s.addCommit('github', { sha: newer, message: 'release 3' });
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: mine, GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REF: 'refs/heads/main' } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('success');
        for (const host of HOSTS) expect(s.service(host).activeVersion?.name).toBe(mine);
      },
      TIMEOUT,
    );

    it(
      'superseded mid-run (a push lands during the canary): stops before the next stage, nothing rolled back',
      async () => {
        const repo = makeRepo(HOSTS);
        const [, mine, newer] = repo.shas as [string, string, string];
        // A slow canary, so the push surely lands while it runs.
        const s = await start({ shas: repo.shas.slice(0, 2), service: { api: { deploy: { durationMs: 800 } } } });
        const stop = whenLogged(
          s,
          (e) => e.mutating && e.service === 'api' && e.path.endsWith('/build-and-deploy'),
          () => s.addCommit('github', { sha: newer, message: 'release 3' }),
        );
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: mine } });
        stop();
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('superseded');
        expect(run.report?.reason).toContain(newer.slice(0, 12));
        expect(run.report?.reason).toMatch(/before its next stage/);
        // The canary was released and left there: no re-activation; no batch started.
        expect(mutationList(s)).toEqual(['create-version api', 'upload api', 'build-and-deploy api']);
        expect(s.service('api').activeVersion?.name).toBe(mine);
        expect(recordOf(run.report, 'api').outcome).toBe('on-target');
        for (const host of ['web', 'worker', 'admin']) expect(recordOf(run.report, host).outcome).toBe('untouched');
        expect(recordOf(run.report, 'api').rollback).toBeNull();
      },
      TIMEOUT,
    );
  });

  describe('downgrade', () => {
    it(
      'refuses to replace a newer deployed commit with an older target, before any mutation, naming the services',
      async () => {
        const repo = makeRepo(HOSTS);
        const [first, older, newest] = repo.shas as [string, string, string];
        const s = await start({ shas: repo.shas, checksOn: older, deployed: { api: newest, web: newest, worker: first, admin: first } });
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { target: older }), env: { GITHUB_SHA: newest } });
        expect(run.code).toBe(1);
        expect(run.outputs.result).toBe('failed');
        expect(run.report?.reasonCode).toBe('downgrade');
        expect(s.mutations()).toEqual([]);
        const reason = run.report?.reason as string;
        expect(reason).toMatch(/Refusing to downgrade/);
        expect(reason).toContain(`api runs ${newest.slice(0, 12)}`);
        expect(reason).toContain(`web runs ${newest.slice(0, 12)}`);
        expect(reason).not.toMatch(/worker|admin/);
        expect(reason).toMatch(/allow-downgrade/);
      },
      TIMEOUT,
    );

    it(
      'allow-downgrade: true proceeds and releases the older commit',
      async () => {
        const repo = makeRepo(HOSTS);
        const [, older, newest] = repo.shas as [string, string, string];
        const s = await start({ shas: repo.shas, checksOn: older, deployed: newest });
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { target: older, 'allow-downgrade': 'true' }), env: { GITHUB_SHA: newest } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('success');
        expect(run.stdout).toContain(`downgrade from ${newest.slice(0, 7)} (allowed)`);
        for (const host of HOSTS) {
          expect(s.service(host).activeVersion?.name).toBe(older);
          expect(s.service(host).buildInfoSha).toBe(older);
          expect(mutationsOf(s, host).map(kindOf)).toEqual(['create-version', 'upload', 'build-and-deploy']);
        }
      },
      TIMEOUT,
    );
  });

  describe('deploy lock', () => {
    it(
      'waits for a process already running on a service, then deploys',
      async () => {
        const repo = makeRepo(HOSTS);
        // Counted from the simulator's start: long enough that the run reaches its lock check first, even on a loaded machine.
        const s = await start({ shas: repo.shas, service: { api: { runningProcess: { finishAfterMs: 2500, actionName: 'stack.build' } } } });
        const apiId = s.service('api').id;
        const external = s.service('api').inFlight[0]?.id as string;
        expect(external).toBeTruthy();
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: repo.shas[2] } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('success');
        expect(run.stdout).toMatch(/api: stack\.build \S+ \(RUNNING\) is already running; waiting/);
        // Repeated reads of api's process list before its first mutation.
        const first = mutationsOf(s, 'api')[0] as RequestLogEntry;
        expect(kindOf(first)).toBe('create-version');
        expect(processListReads(s, apiId).filter((e) => e.seq < first.seq).length).toBeGreaterThanOrEqual(2);
        // It deployed only once the other process had finished (both times on the simulator's clock).
        const finished = Date.parse((await zeropsGet(s, `/process/${external}`)).finished);
        const created = Date.parse(s.service('api').versions[0]?.created as string);
        expect(finished).toBeLessThanOrEqual(created);
        expect(mutationsOf(s, 'api').map(kindOf)).toEqual(['create-version', 'upload', 'build-and-deploy']);
      },
      TIMEOUT,
    );

    it(
      'a process that never finishes fails its stage after lock-timeout, with zero mutations on that stage',
      async () => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        const s = await start({ shas: repo.shas, service: { worker: { runningProcess: { actionName: 'stack.build' } } } });
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { 'lock-timeout': '1s' }), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(1);
        expect(run.outputs.result).toBe('failed');
        // The canary went; batch 1 (web, worker) and batch 2 were never touched.
        expect(mutationList(s)).toEqual(['create-version api', 'upload api', 'build-and-deploy api']);
        expect(processListReads(s, s.service('worker').id).length).toBeGreaterThanOrEqual(2);
        expect(run.report?.reason).toMatch(/worker still has stack\.build .* running after lock-timeout/);
        expect(recordOf(run.report, 'worker').reason).toMatch(/not deployed/);
        expect(recordOf(run.report, 'web').changed).toBe(false);
        // The canary keeps the target (nothing of the failing stage changed, nothing to roll back).
        expect(s.service('api').activeVersion?.name).toBe(target);
        expect(recordOf(run.report, 'api').outcome).toBe('on-target');
      },
      TIMEOUT,
    );
  });

  describe('plan errors, before any mutation', () => {
    async function planFails(o: { world?: Partial<WorldOptions>; setups?: string[]; inputs: Record<string, string> }): Promise<{ reason: string; s: Simulator }> {
      const repo = makeRepo(o.setups ?? HOSTS);
      const s = await start({ shas: repo.shas, ...o.world });
      const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, o.inputs), env: { GITHUB_SHA: repo.shas[2] } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      expect(s.mutations()).toEqual([]);
      return { reason: run.report?.reason as string, s };
    }

    it(
      'an unknown service name',
      async () => {
        const { reason } = await planFails({ inputs: { services: 'api,web,nope' } });
        expect(reason).toContain(`\`nope\` is not a service of project ${PROJECT_ID}`);
        expect(reason).not.toMatch(/`(api|web)`/);
      },
      TIMEOUT,
    );

    it(
      'a glob that matches nothing',
      async () => {
        const { reason } = await planFails({ inputs: { services: 'api,zz-*' } });
        expect(reason).toContain('`zz-*` matches no service');
      },
      TIMEOUT,
    );

    it(
      'a non-runtime (database) service',
      async () => {
        // zerops.yaml even has a `db` setup: only the service's category stops it.
        const { reason } = await planFails({ world: { extraServices: [{ hostname: 'db', type: 'postgresql@16' }] }, setups: [...HOSTS, 'db'], inputs: { services: 'api,db' } });
        expect(reason).toContain('`db` is not a runtime service');
      },
      TIMEOUT,
    );

    it(
      'a service of another project (the token reaches it, under the same hostname)',
      async () => {
        const { reason, s } = await planFails({ world: { services: ['web', 'worker', 'admin'], broadToken: true }, inputs: { services: 'api,web' } });
        expect(reason).toContain(`\`api\` is not a service of project ${PROJECT_ID}`);
        // The staging project's `api` was never touched, nor even read.
        expect(s.log.filter((e) => e.server === 'zerops' && (e.service === 'api' || e.path.includes(OTHER_PROJECT_ID)))).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'a setup missing from zerops.yaml',
      async () => {
        const { reason } = await planFails({ setups: ['api', 'web', 'worker'], inputs: { strategy: 'build' } });
        expect(reason).toContain('zerops.yaml has no setup for: admin (setup `admin`)');
        expect(reason).toContain('It defines: api, web, worker');
      },
      TIMEOUT,
    );

    it(
      'a broken zerops.yaml (with line:col), before any request to Zerops',
      async () => {
        const dir = tempDir('zr-yaml-');
        const file = join(dir, 'zerops.yaml');
        writeFileSync(file, 'zerops:\n  - setup: api\n    run:\n      start: node server.js\n     base: nodejs@22\n');
        const { reason, s } = await planFails({ inputs: { 'zerops-yaml': file } });
        expect(reason).toMatch(/zerops\.yaml is not valid YAML/);
        expect(reason).toContain(`${file}:5:`);
        expect(s.log.filter((e) => e.server === 'zerops')).toEqual([]);
      },
      TIMEOUT,
    );
  });

  describe('lost deploy answers', () => {
    it.each([
      { what: 'build-and-deploy, applied then reset', strategy: 'auto', kind: 'build-and-deploy', call: 'build', fault: { applyThenReset: true } },
      { what: 'build-and-deploy, applied then 502', strategy: 'auto', kind: 'build-and-deploy', call: 'build', fault: { applyThenStatus: 502 } },
      { what: 'activate (PUT …/deploy), applied then 504', strategy: 'activate', kind: 'deploy', call: 'activate', fault: { applyThenStatus: 504 } },
    ] as const)(
      'a deploy call whose answer is lost ($what) is found by looking at the processes, never sent twice',
      async ({ strategy, kind, call, fault }) => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        const s = await start({
          shas: repo.shas,
          kept: strategy === 'activate' ? Object.fromEntries(HOSTS.map((h) => [h, [target]])) : {},
          faults: [{ server: 'zerops', method: 'PUT', path: `${API}/app-version/*/${kind}`, service: 'api', ...fault, times: 1 }],
        });
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { strategy }), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('success');
        const calls = callsOf(s, 'api', kind);
        expect(calls).toHaveLength(1);
        expect(calls[0]?.fault).toBe(Object.keys(fault)[0]);
        // It looked at api's processes after the lost answer.
        expect(processListReads(s, s.service('api').id).some((e) => e.seq > (calls[0] as RequestLogEntry).seq)).toBe(true);
        expect(run.stdout).toContain(`api: the answer to the ${call} call was lost`);
        expect(run.stdout).toMatch(/api: the platform did start process \S+ .*following it instead of sending the call again/);
        expect(s.service('api').activeVersion?.name).toBe(target);
        expect(recordOf(run.report, 'api').outcome).toBe('on-target');
      },
      TIMEOUT,
    );

    it(
      'a 502 that did not apply: after looking, the call is sent exactly once more',
      async () => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        const s = await start({
          shas: repo.shas,
          faults: [
            { server: 'zerops', method: 'PUT', path: `${API}/app-version/*/build-and-deploy`, service: 'api', respond: { status: 502, body: '<html>502 Bad Gateway</html>' }, times: 1 },
          ],
        });
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('success');
        const calls = callsOf(s, 'api', 'build-and-deploy');
        expect(calls.map((e) => e.status)).toEqual([502, 200]);
        const [lost, again] = calls as [RequestLogEntry, RequestLogEntry];
        // Between the two: it looked at the processes and at the version before sending again.
        expect(processListReads(s, s.service('api').id).some((e) => e.seq > lost.seq && e.seq < again.seq)).toBe(true);
        const versionId = lost.path.split('/').at(-2);
        expect(s.log.some((e) => e.method === 'GET' && e.path === `${API}/app-version/${versionId}` && e.seq > lost.seq && e.seq < again.seq)).toBe(true);
        // One version, one upload: only the deploy call was repeated.
        expect(callsOf(s, 'api', 'create-version')).toHaveLength(1);
        expect(callsOf(s, 'api', 'upload')).toHaveLength(1);
        expect(s.service('api').activeVersion?.name).toBe(target);
      },
      TIMEOUT,
    );
  });
});
