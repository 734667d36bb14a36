// The Zerops calls as the real API and zcli make them, run as the bundle against the
// simulator under each plausible platform behaviour: the upload host, the project
// search, transient service statuses.
import { describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Simulator, ZeropsScenario } from '../../sim/index.js';
import { RUN_TEST_TIMEOUT, runAction, type ActionRun } from '../helpers/action.js';
import { API, callsOf, mutationList, recordOf } from '../helpers/log.js';
import { makeRepo, zeropsYamlFor } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { baseInputs, DEFAULT_SERVICES, OTHER_PROJECT_ID, world, ZEROPS_TOKEN, type WorldOptions } from '../helpers/world.js';

const TIMEOUT = RUN_TEST_TIMEOUT;

function tail(run: ActionRun): { code: number | null; tail: string } {
  return { code: run.code, tail: run.code === 0 ? '' : `${run.stdout}\n${run.stderr}`.slice(-4000) };
}

describe('zerops calls', () => {
  const sims = simulatorPerTest();

  async function release(o: Partial<WorldOptions> = {}, inputs: Record<string, string> = {}): Promise<{ run: ActionRun; sim: Simulator; target: string }> {
    const repo = makeRepo(DEFAULT_SERVICES);
    const target = repo.shas[2] as string;
    const sim = await sims.start(world({ shas: repo.shas, ...o }));
    const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir, inputs), env: { GITHUB_SHA: target } });
    return { run, sim, target };
  }

  describe.each(['signed', 'lenient'] as const)('upload host %s', (uploadHost) => {
    it(
      'uploads like zcli: no token, no Content-Type, the answer body ignored; the release succeeds',
      async () => {
        const { run, sim, target } = await release({ zerops: { uploadHost } as Partial<ZeropsScenario> });
        expect(tail(run)).toEqual({ code: 0, tail: '' });
        const uploads = sim.log.filter((e) => e.server === 'upload');
        expect(uploads.map((e) => e.status)).toEqual(DEFAULT_SERVICES.map(() => 200));
        for (const e of uploads) expect(e.headers).toEqual({ 'user-agent': expect.any(String) });
        for (const host of DEFAULT_SERVICES) expect(sim.service(host).activeVersion?.name).toBe(target);
      },
      TIMEOUT,
    );
  });

  describe.each(['reject', 'accept'] as const)('scope gate, unfiltered project search: %s', (unfilteredProjectSearch) => {
    const zerops = { unfilteredProjectSearch } as Partial<ZeropsScenario>;

    it(
      'searches per organisation with a clientId filter from user/info; a production-scoped token passes quietly',
      async () => {
        const { run, sim } = await release({ zerops });
        expect(tail(run)).toEqual({ code: 0, tail: '' });
        expect(run.stdout).not.toMatch(/not production-scoped/);
        const clientId = await clientOf(sim);
        const searches = sim.log.filter((e) => e.path === `${API}/project/search`);
        expect(searches.length).toBeGreaterThan(0);
        for (const e of searches) expect(e.body).toMatchObject({ search: [{ name: 'clientId', operator: 'eq', value: clientId }], sort: [] });
      },
      TIMEOUT,
    );

    it(
      'a token reaching another project is flagged loudly, and the run goes on',
      async () => {
        const { run, sim } = await release({ zerops, broadToken: true });
        expect(tail(run)).toEqual({ code: 0, tail: '' });
        expect(run.stdout).toMatch(/The Zerops token reaches 2 projects, not only production: it is not production-scoped/);
        expect(sim.log.filter((e) => e.path.includes(OTHER_PROJECT_ID))).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'cannot tell (the project search is refused): the run stops before any change, saying why',
      async () => {
        const { run, sim } = await release({ zerops, faults: [{ server: 'zerops', method: 'POST', path: '**/project/search', respond: { status: 403, body: '{"error":{"code":"insufficientPrivileges","message":"no","meta":null}}' } }] });
        expect(run.code).toBe(1);
        expect(run.report?.reason).toMatch(/Cannot tell which Zerops projects the token reaches: the project search failed \(.*HTTP 403/);
        expect(sim.mutations()).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'cannot tell (user/info lists no organisation): the run stops before any change',
      async () => {
        const { run, sim } = await release({ zerops, faults: [{ server: 'zerops', method: 'GET', path: '**/user/info', respond: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"user0000000000000000001","email":"a@b.c","clientUserList":[]}' } }] });
        expect(run.code).toBe(1);
        expect(run.report?.reason).toMatch(/Cannot tell which Zerops projects the token reaches: Zerops lists no organisation/);
        expect(sim.mutations()).toEqual([]);
      },
      TIMEOUT,
    );
    it(
      'cannot tell (the search lists nothing, not even the production project it can read): the run stops before any change',
      async () => {
        const { run, sim } = await release({ zerops, faults: [{ server: 'zerops', method: 'POST', path: '**/project/search', respond: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"items":[],"totalHits":0,"limit":5,"offset":0}' } }] });
        expect(run.code).toBe(1);
        expect(run.report?.reason).toMatch(/Cannot tell which Zerops projects the token reaches: the project search lists no project, not even/);
        expect(sim.mutations()).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'a user in more organisations than are searched (bounded): searched up to the cap, then flagged as maybe not scoped',
      async () => {
        const repo = makeRepo(DEFAULT_SERVICES);
        const sim = await sims.start(world({ shas: repo.shas, zerops }));
        const own = await clientOf(sim);
        const clients = [own, ...Array.from({ length: 11 }, (_, i) => `otherClient${String(i).padStart(11, '0')}`)];
        const user = { id: 'user0000000000000000001', email: 'a@b.c', clientUserList: clients.map((clientId) => ({ clientId })) };
        sim.addFault({ server: 'zerops', method: 'GET', path: '**/user/info', respond: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) } });
        const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: repo.shas[2] } });
        expect(tail(run)).toEqual({ code: 0, tail: '' });
        const searched = sim.log.filter((e) => e.path === `${API}/project/search`).map((e) => (e.body as { search: Array<{ value: string }> }).search[0]?.value);
        expect(new Set(searched)).toEqual(new Set(clients.slice(0, 10)));
        expect(run.stdout).toMatch(/belongs to 12 organisations; only 10 were searched, so the token may reach more than production/);
      },
      TIMEOUT,
    );
  });

  it(
    'a malformed project-id (400 invalidUserInput) is explained like an unknown project',
    async () => {
      const { run, sim } = await release({}, { 'project-id': 'short-id' });
      expect(run.code).toBe(1);
      expect(run.report?.reason).toMatch(/The Zerops token cannot reach project short-id: no such project, or no access \(Zerops says the id is not valid/);
      expect(sim.mutations()).toEqual([]);
    },
    TIMEOUT,
  );

  describe('service statuses', () => {
    it(
      'a service RELOADING at the start is waited for (bounded) and then deployed',
      async () => {
        const { run, sim, target } = await release({ service: { api: { status: 'RELOADING', settlesAfterMs: 1500 } } });
        expect(tail(run)).toEqual({ code: 0, tail: '' });
        expect(run.stdout).toMatch(/api: is RELOADING; waiting for it to settle before deploying/);
        for (const host of DEFAULT_SERVICES) expect(sim.service(host).activeVersion?.name).toBe(target);
        // Nothing was sent to api while it was busy: the platform would have refused it.
        expect(sim.log.filter((e) => e.server === 'zerops' && e.status === 400)).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'a service still busy at the stage deadline fails clearly, with no change to it',
      async () => {
        const { run, sim } = await release({ service: { api: { status: 'SCALING' } } }, { 'deploy-timeout': '1s' });
        expect(run.code).toBe(1);
        expect(recordOf(run.report, 'api').reason).toMatch(/api stayed SCALING for [0-9.]+ ?m?s, until the stage deadline \(deploy-timeout\); not deployed/);
        expect(mutationList(sim)).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'a service being created cannot take a deploy: the plan says so before any change',
      async () => {
        const { run, sim } = await release({ service: { api: { status: 'CREATING' } } });
        expect(run.code).toBe(1);
        expect(run.report?.reason).toContain('`api` is CREATING; it cannot take a deploy');
        expect(sim.mutations()).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'a system service is never matched by a glob',
      async () => {
        const { run, sim } = await release({ extraServices: [{ hostname: 'worker-core', category: 'CORE', isSystem: true }] }, { services: 'api,web,worker*,admin' });
        expect(tail(run)).toEqual({ code: 0, tail: '' });
        expect(sim.mutations().filter((e) => e.service === 'worker-core')).toEqual([]);
        expect(JSON.parse(run.outputs.deployed as string)).toEqual(DEFAULT_SERVICES);
      },
      TIMEOUT,
    );
  });

  it(
    'zerops.yaml is validated by the platform before a version is created; a refused one changes nothing',
    async () => {
      const dir = tempDir('zr-yaml-');
      const file = join(dir, 'zerops.yaml');
      // Every setup is fine locally (names match), but api cannot be built: no build.deployFiles.
      writeFileSync(file, zeropsYamlFor(DEFAULT_SERVICES).replace('  - setup: api\n    build:\n      base: nodejs@22\n      deployFiles: ./\n', '  - setup: api\n    build:\n      base: nodejs@22\n'));
      const { run, sim } = await release({}, { 'zerops-yaml': file });
      expect(run.code).toBe(1);
      expect(recordOf(run.report, 'api').reason).toMatch(/Zerops refuses the zerops.yaml for api \(setup `api`\): .*zeropsYamlInvalidParameter.*build\.deployFiles/);
      expect(sim.mutations()).toEqual([]);
      const validation = sim.log.find((e) => e.path === `${API}/service-stack/zerops-yaml-validation`);
      expect(validation?.body).toMatchObject({ serviceStackName: 'api', serviceStackTypeId: expect.any(String), serviceStackTypeVersionName: 'nodejs@22', operation: 'BUILD_AND_DEPLOY', zeropsYamlSetup: 'api' });
    },
    TIMEOUT,
  );

  describe('processes', () => {
    it(
      'a failed build names the platform\'s reason (publicMeta.failReason)',
      async () => {
        const { run } = await release({ service: { api: { deploy: { failAt: 'build' } } } });
        expect(run.code).toBe(1);
        expect(recordOf(run.report, 'api').reason).toMatch(/FAILED after .*: buildCommands failed: command exited with code 1/);
      },
      TIMEOUT,
    );

    it.each(['processAlreadyFinished', 'processIsAlreadyOver', 'nothingToCancel'])(
      'rollback: a cancel refused with %s means nothing runs any more: it re-activates the previous version',
      async (code) => {
        const { run, sim } = await release(
          {
            service: { api: { deploy: { durationMs: 3000, activateMs: 200 } } },
            faults: [{ server: 'zerops', method: 'PUT', path: '**/process/*/cancel', respond: { status: 400, headers: { 'content-type': 'application/json' }, body: `{"error":{"code":"${code}","message":"over","meta":null}}` } }],
          },
          { 'deploy-timeout': '2s', 'verify-timeout': '3s' },
        );
        expect(run.code).toBe(1);
        expect(run.stdout).toContain(`api: the deploy ended before it could be cancelled (${code}); rolling back from there.`);
        const api = recordOf(run.report, 'api');
        expect(api.rollback.status).toBe('done');
        expect(sim.service('api').activeVersion?.id).toBe(api.before.versionId);
      },
      TIMEOUT,
    );

    it(
      'rollback of a deploy past the point of cancelling: waits for it to end (processCanNoLongerBeCanceled), then re-activates; cancel sent as {}',
      async () => {
        // The stage deadline falls in the deploy phase, where cancel is refused; the deploy ends soon after.
        const { run, sim } = await release({ service: { api: { deploy: { durationMs: 3000, activateMs: 200 } } } }, { 'deploy-timeout': '2s', 'verify-timeout': '3s' });
        expect(run.code).toBe(1);
        const cancels = callsOf(sim, 'api', 'cancel');
        expect(cancels.map((e) => e.status)).toEqual([400]);
        expect(cancels[0]?.body).toEqual({});
        expect(run.stdout).toMatch(/api: the deploy can no longer be cancelled; waiting for it to end before rolling back/);
        const api = recordOf(run.report, 'api');
        expect(api.rollback.status).toBe('done');
        expect(api.outcome).toBe('rolled-back');
        expect(sim.service('api').activeVersion?.id).toBe(api.before.versionId);
      },
      TIMEOUT,
    );
  });
});


/** The organisation the simulator's user/info lists (what the action must filter by). */
async function clientOf(sim: Simulator): Promise<string> {
  const res = await fetch(`${sim.urls.zerops}${API}/user/info`, { headers: { authorization: `Bearer ${ZEROPS_TOKEN}` } });
  return ((await res.json()) as { clientUserList: Array<{ clientId: string }> }).clientUserList[0]?.clientId as string;
}
