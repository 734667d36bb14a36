// Which commit a Zerops version holds, and which versions may be re-activated, under
// each plausible shape of the real API: GET/list answers carry no version `name`; the
// stamped SHA may or may not show in `userDataList`; a process may or may not name its
// version; list endpoints have no defined order. Runs the committed bundle.
import { describe, expect, it } from '@jest/globals';
import { type RequestLogEntry, type Simulator, type ZeropsScenario } from '../../sim/index.js';
import { RUN_TEST_TIMEOUT, runAction } from '../helpers/action.js';
import { API, callsOf, kindOf, mutationsOf, processListReads, recordOf } from '../helpers/log.js';
import { makeRepo } from '../helpers/repo.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { baseInputs, DEFAULT_SERVICES, world, type WorldOptions } from '../helpers/world.js';

const HOSTS = DEFAULT_SERVICES;
const TIMEOUT = RUN_TEST_TIMEOUT;
const UNKNOWN_TO_FORGE = 'dead0000beef0000dead0000beef0000dead0000';

/**
 * The API shapes the action must cope with. Each option value appears at least twice.
 * `searchDown`: the version search answers 500, so the named source must carry the case.
 */
const MODES: Array<{ mode: string; zerops: Partial<ZeropsScenario>; searchDown: boolean }> = [
  { mode: 'userData filled, process names absent, oldest first (default)', zerops: {}, searchDown: true },
  { mode: 'userData empty, process names present, oldest first', zerops: { userDataList: false, processVersionNames: true }, searchDown: true },
  { mode: 'userData empty, process names absent (search only), newest first', zerops: { userDataList: false, processVersionNames: false, listOrder: 'newest-first' }, searchDown: false },
  { mode: 'userData filled, process names present, newest first', zerops: { processVersionNames: true, listOrder: 'newest-first' }, searchDown: true },
];

const searchFault = { server: 'zerops' as const, method: 'POST', path: `${API}/app-version/search`, respond: { status: 500, body: '{"error":{"code":"internal","message":"down"}}' } };

describe('zerops versions', () => {
  const sims = simulatorPerTest();
  const start = (o: WorldOptions, m: (typeof MODES)[number]): Promise<Simulator> =>
    sims.start(world({ ...o, zerops: { ...m.zerops, ...o.zerops }, faults: [...(m.searchDown ? [searchFault] : []), ...(o.faults ?? [])] }));

  describe.each(MODES)('$mode', (m) => {
    it(
      'a re-run after a release skips every service (the running commit is known from what this run stamped)',
      async () => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        const s = await start({ shas: repo.shas }, m);
        const first = await runAction({ sim: s, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: target } });
        expect(first.code).toBe(0);
        expect(first.outputs.result).toBe('success');
        const before = s.mutations().length;
        const again = await runAction({ sim: s, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: target } });
        expect(again.code).toBe(0);
        expect(again.outputs.result).toBe('noop');
        expect(s.mutations()).toHaveLength(before);
        for (const host of HOSTS) {
          expect(recordOf(again.report, host).outcome).toBe('skipped');
          expect(recordOf(again.report, host).before.sha).toBe(target);
        }
      },
      TIMEOUT,
    );

    it(
      'auto re-activates the kept BACKUP version of the target, never a failed one of the same commit',
      async () => {
        const repo = makeRepo(HOSTS);
        const [first, , target] = repo.shas as [string, string, string];
        // api: a BACKUP of the target (older) and a BUILD_FAILED one (newer); the rest: only the BACKUP.
        const s = await start(
          {
            shas: repo.shas,
            kept: Object.fromEntries(HOSTS.map((h) => [h, [target]])),
            service: { api: { versions: [{ sha: target }, { sha: target, status: 'BUILD_FAILED' }, { sha: first, status: 'ACTIVE' }] } },
          },
          m,
        );
        const backupOf = (h: string) => s.service(h).versions.find((v) => v.sha === target && v.status === 'BACKUP')?.id;
        const ids = Object.fromEntries(HOSTS.map((h) => [h, backupOf(h)]));
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('success');
        for (const host of HOSTS) {
          expect(recordOf(run.report, host).strategy).toBe('activate');
          expect(mutationsOf(s, host).map(kindOf)).toEqual(['deploy']);
          expect(callsOf(s, host, 'deploy')[0]?.path).toBe(`${API}/app-version/${ids[host]}/deploy`);
          expect(s.service(host).activeVersion?.id).toBe(ids[host]);
        }
      },
      TIMEOUT,
    );

    it(
      'refuses to downgrade a service running a newer commit, before any mutation',
      async () => {
        const repo = makeRepo(HOSTS);
        const [first, older, newest] = repo.shas as [string, string, string];
        const s = await start({ shas: repo.shas, checksOn: older, deployed: { api: newest, web: first, worker: first, admin: first } }, m);
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { target: older }), env: { GITHUB_SHA: newest } });
        expect(run.code).toBe(1);
        expect(run.report?.reasonCode).toBe('downgrade');
        expect(run.report?.reason).toContain(`api runs ${newest.slice(0, 12)}, a descendant of the target`);
        expect(s.mutations()).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'a build-and-deploy whose answer is lost is found among many processes in any list order, never sent twice',
      async () => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        // One row per page, and an older process on api: a single unsorted page never shows ours.
        const s = await start(
          {
            shas: repo.shas,
            zerops: { maxLimit: 1 },
            service: { api: { runningProcess: { finishAfterMs: 50 } } },
            faults: [{ server: 'zerops', method: 'PUT', path: `${API}/app-version/*/build-and-deploy`, service: 'api', applyThenStatus: 502, times: 1 }],
          },
          m,
        );
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('success');
        const calls = callsOf(s, 'api', 'build-and-deploy');
        expect(calls).toHaveLength(1);
        expect(processListReads(s, s.service('api').id).some((e) => e.seq > (calls[0] as RequestLogEntry).seq)).toBe(true);
        expect(run.stdout).toMatch(/api: the platform did start process \S+ .*following it instead of sending the call again/);
        expect(recordOf(run.report, 'api').outcome).toBe('on-target');
      },
      TIMEOUT,
    );
  });

  const DEFAULT_MODE = MODES[0] as (typeof MODES)[number];

  describe('activate picks only BACKUP versions (audit F1)', () => {
    it.each([
      { names: 'named only by its user data', zerops: {} },
      { names: 'named by its build process too', zerops: { processVersionNames: true } },
    ])(
      'auto: a BUILD_FAILED version of the target ($names) is not activated; the target is built instead',
      async ({ zerops }) => {
        const repo = makeRepo(HOSTS);
        const [first, second, target] = repo.shas as [string, string, string];
        const s = await start(
          { shas: repo.shas, services: ['api'], zerops, service: { api: { versions: [{ sha: first }, { sha: target, status: 'BUILD_FAILED' }, { sha: second, status: 'ACTIVE' }] } } },
          DEFAULT_MODE,
        );
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { services: 'api' }), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(0);
        expect(run.outputs.result).toBe('success');
        expect(recordOf(run.report, 'api').strategy).toBe('build');
        expect(mutationsOf(s, 'api').map(kindOf)).toEqual(['create-version', 'upload', 'build-and-deploy']);
        expect(s.service('api').buildInfoSha).toBe(target);
      },
      TIMEOUT,
    );

    it(
      'strategy activate: only non-BACKUP versions of the target (failed, cancelled) → the plan fails, naming them, before any mutation',
      async () => {
        const repo = makeRepo(HOSTS);
        const [first, , target] = repo.shas as [string, string, string];
        const versions = [{ sha: target, status: 'CANCELLED' }, { sha: target, status: 'BUILD_FAILED' }, { sha: target, status: 'DEPLOY_FAILED' }, { sha: first, status: 'ACTIVE' }];
        const s = await start({ shas: repo.shas, services: ['api'], service: { api: { versions } } }, DEFAULT_MODE);
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { services: 'api', strategy: 'activate' }), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(1);
        expect(s.mutations()).toEqual([]);
        const reason = run.report?.reason as string;
        expect(reason).toContain('`api` keeps no BACKUP version of');
        expect(reason).toMatch(/is CANCELLED/);
        expect(reason).toMatch(/is BUILD_FAILED/);
        expect(reason).toMatch(/is DEPLOY_FAILED/);
        expect(reason).not.toMatch(/10 most recent/);
      },
      TIMEOUT,
    );
  });

  describe('downgrade guard never switches off silently (audit F2)', () => {
    it(
      'the forge cannot place the running commit → the release holds with a clear reason; allow-downgrade proceeds with a warning',
      async () => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        const s = await start({ shas: repo.shas, services: ['api', 'web'], deployed: { api: UNKNOWN_TO_FORGE, web: repo.shas[0] as string } }, DEFAULT_MODE);
        const inputs = baseInputs(s, repo.dir, { services: 'api,web' });
        const held = await runAction({ sim: s, inputs, env: { GITHUB_SHA: target } });
        expect(held.code).toBe(1);
        expect(held.report?.reasonCode).toBe('downgrade');
        expect(held.report?.reason).toContain(`api runs ${UNKNOWN_TO_FORGE.slice(0, 12)}, and acme/shop cannot tell whether the target is older`);
        expect(held.report?.reason).not.toMatch(/web/);
        expect(s.mutations()).toEqual([]);

        const allowed = await runAction({ sim: s, inputs: { ...inputs, 'allow-downgrade': 'true' }, env: { GITHUB_SHA: target } });
        expect(allowed.code).toBe(0);
        expect(allowed.outputs.result).toBe('success');
        expect(allowed.stdout).toMatch(/::warning[^\n]*api runs dead000, which acme\/shop cannot place: downgrade not ruled out \(allowed\)/);
        expect(s.service('api').buildInfoSha).toBe(target);
      },
      TIMEOUT,
    );

    it(
      'no source names the running commit → a warning says the guard cannot check that service (never silent)',
      async () => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        // No stamp in user data, no process history, and the version search is down.
        const s = await start({ shas: repo.shas, services: ['api'], zerops: { userDataList: false } }, DEFAULT_MODE);
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { services: 'api' }), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(0);
        const activeId = recordOf(run.report, 'api').before.versionId as string;
        expect(activeId).toBeTruthy();
        expect(recordOf(run.report, 'api').before.sha).toBeNull();
        expect(run.stdout).toMatch(new RegExp(`::warning[^\\n]*api runs version ${activeId}, whose commit is unknown[^\\n]*the downgrade guard cannot check it`));
        expect(run.stdout).toMatch(/::warning[^\n]*api: the version search failed/);
      },
      TIMEOUT,
    );
  });

  it(
    'the version search lags and nothing else names the running version → the re-run warns and rebuilds instead of skipping blindly',
    async () => {
      const repo = makeRepo(HOSTS);
      const target = repo.shas[2] as string;
      const lagging = { userDataList: false, processVersionNames: false, versionSearchLagMs: 60_000 };
      const s = await start({ shas: repo.shas, services: ['api'], zerops: lagging }, { mode: 'lagging search', zerops: {}, searchDown: false });
      const inputs = baseInputs(s, repo.dir, { services: 'api' });
      const first = await runAction({ sim: s, inputs, env: { GITHUB_SHA: target } });
      expect(first.code).toBe(0);
      const released = s.service('api').activeVersion?.id as string;
      const again = await runAction({ sim: s, inputs, env: { GITHUB_SHA: target } });
      expect(again.code).toBe(0);
      expect(recordOf(again.report, 'api').before).toEqual({ versionId: released, sha: null });
      expect(recordOf(again.report, 'api').strategy).toBe('build');
      expect(again.stdout).toMatch(new RegExp(`::warning[^\\n]*api runs version ${released}, whose commit is unknown`));
    },
    TIMEOUT,
  );

  describe('abandoned versions are deleted, best effort (audit F16)', () => {
    it(
      'a refused build-and-deploy: the unused version is deleted and the service fails with the refusal',
      async () => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        const s = await start(
          {
            shas: repo.shas,
            services: ['api'],
            faults: [{ server: 'zerops', method: 'PUT', path: `${API}/app-version/*/build-and-deploy`, service: 'api', respond: { status: 400, body: '{"error":{"code":"zeropsYamlInvalidParameter","message":"refused"}}' }, times: 1 }],
          },
          DEFAULT_MODE,
        );
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { services: 'api' }), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(1);
        const [refused] = callsOf(s, 'api', 'build-and-deploy') as [RequestLogEntry];
        expect(refused.status).toBe(400);
        const versionId = refused.path.split('/').at(-2) as string;
        const deletes = s.mutations().filter((e) => e.method === 'DELETE');
        expect(deletes.map((e) => e.path)).toEqual([`${API}/app-version/${versionId}`]);
        expect(deletes[0]?.status).toBe(200);
        expect(s.service('api').versions.some((v) => v.id === versionId)).toBe(false);
        expect(run.stdout).toContain(`api: deleted unused version ${versionId} (the build call was refused)`);
      },
      TIMEOUT,
    );

    it(
      'an upload that keeps failing: the version it was for is deleted; the service fails with the upload error',
      async () => {
        const repo = makeRepo(HOSTS);
        const target = repo.shas[2] as string;
        const s = await start(
          { shas: repo.shas, services: ['api'], faults: [{ server: 'upload', method: 'PUT', path: '/storage/upload/*', respond: { status: 403, body: 'signature expired' } }] },
          DEFAULT_MODE,
        );
        const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { services: 'api' }), env: { GITHUB_SHA: target } });
        expect(run.code).toBe(1);
        const uploads = callsOf(s, 'api', 'upload');
        expect(uploads.length).toBeGreaterThan(0);
        const versionId = (uploads[0] as RequestLogEntry).path.split('/').at(-1) as string;
        const deletes = s.mutations().filter((e) => kindOf(e) === 'delete-version');
        expect(deletes.map((e) => [e.path, e.status])).toEqual([[`${API}/app-version/${versionId}`, 200]]);
        expect(callsOf(s, 'api', 'build-and-deploy')).toHaveLength(0);
        expect(s.service('api').versions.some((v) => v.id === versionId)).toBe(false);
        expect(run.stdout).toContain(`api: deleted unused version ${versionId} (its upload did not complete)`);
      },
      TIMEOUT,
    );

    it(
      'a lost "create version" answer: the orphan it made is found and deleted; when Zerops refuses the delete it is only a warning',
      async () => {
        for (const deleteUploading of ['allowed', 'refused'] as const) {
          const repo = makeRepo(HOSTS);
          const target = repo.shas[2] as string;
          const s = await start(
            {
              shas: repo.shas,
              services: ['api'],
              zerops: { deleteUploading },
              faults: [{ server: 'zerops', method: 'POST', path: `${API}/service-stack/*/app-version`, service: 'api', applyThenStatus: 502, times: 1 }],
            },
            DEFAULT_MODE,
          );
          const run = await runAction({ sim: s, inputs: baseInputs(s, repo.dir, { services: 'api' }), env: { GITHUB_SHA: target } });
          expect(run.code).toBe(0);
          expect(run.outputs.result).toBe('success');
          expect(callsOf(s, 'api', 'create-version')).toHaveLength(2);
          const deployed = s.service('api').activeVersion?.id as string;
          const deletes = s.mutations().filter((e) => e.method === 'DELETE');
          expect(deletes).toHaveLength(1);
          expect(deletes[0]?.path).not.toBe(`${API}/app-version/${deployed}`);
          const orphan = deletes[0]?.path.split('/').at(-1) as string;
          if (deleteUploading === 'allowed') {
            expect(deletes[0]?.status).toBe(200);
            expect(s.service('api').versions.map((v) => v.status)).not.toContain('UPLOADING');
            expect(run.stdout).toContain(`api: deleted unused version ${orphan}`);
          } else {
            expect(deletes[0]?.status).toBe(400);
            expect(run.stdout).toMatch(new RegExp(`::warning[^\\n]*api: could not delete unused version ${orphan}`));
          }
          await s.close();
        }
      },
      TIMEOUT,
    );
  });
});
