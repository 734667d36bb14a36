import { afterEach, describe, expect, it } from '@jest/globals';
import { sha, startSimulator, type Scenario, type ServiceSpec, type Simulator } from '../../../sim/index.js';
import { PROJECT_ID, ZEROPS_TOKEN, pushVersion, request, sleep, waitFor, waitForProcess, zerops, zeropsYaml } from './helpers.js';

function scenario(services: ServiceSpec[], extra: Partial<NonNullable<Scenario['zerops']>> = {}): Scenario {
  return {
    seed: 7,
    zerops: {
      pendingMs: 15,
      durationMs: 60,
      tokens: [{ value: ZEROPS_TOKEN, projects: [PROJECT_ID] }],
      projects: [{ id: PROJECT_ID, name: 'production', services }],
      ...extra,
    },
  };
}

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('deploy lifecycle', () => {
  it('walks a build-and-deploy PENDING → RUNNING → FINISHED and moves ACTIVE/BACKUP', async () => {
    // PENDING long enough to be seen on a loaded machine.
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }] }], { pendingMs: 250 }));
    const api = zerops(sim);
    const { processId, versionId } = await pushVersion(sim, 'app', sha(2));

    const seenProcess = new Set<string>();
    const seenVersion = new Set<string>();
    await waitFor(async () => {
      const process = (await api.get(`/process/${processId}`)).body;
      seenProcess.add(process.status);
      seenVersion.add(process.appVersion.status);
      return process.status === 'FINISHED';
    });
    expect([...seenProcess]).toEqual(['PENDING', 'RUNNING', 'FINISHED']);
    expect(seenVersion.has('WAITING_TO_BUILD')).toBe(true);
    expect(seenVersion.has('BUILDING')).toBe(true);
    expect(seenVersion.has('ACTIVE')).toBe(true);

    const process = (await api.get(`/process/${processId}`)).body;
    // By default the embedded version's name is null (declared by the SDK, unknown at runtime).
    expect(process).toMatchObject({ actionName: 'stack.build', serviceStacks: [{ name: 'app' }], appVersion: { id: versionId, name: null }, publicMeta: null });
    expect(process.started).not.toBeNull();
    expect(process.finished).not.toBeNull();

    const service = sim.service('app');
    expect(service.activeVersion).toMatchObject({ id: versionId, sha: sha(2), status: 'ACTIVE' });
    expect(service.versions.map((v) => v.status)).toEqual(['ACTIVE', 'BACKUP']);
    const version = (await api.get(`/app-version/${versionId}`)).body;
    expect(version.activationDate).not.toBeNull();
    expect(version.build.pipelineFinish).not.toBeNull();
  });

  it('keeps only the 10 most recent versions (an assumed retention) and lists them oldest first by default', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: Array.from({ length: 9 }, (_, i) => ({ sha: sha(`old-${i}`) })) }], { durationMs: 10, pendingMs: 1 }));
    const api = zerops(sim);
    const firstId = sim.service('app').versions.at(-1)?.id;
    for (let i = 0; i < 3; i++) {
      const { processId } = await pushVersion(sim, 'app', sha(`new-${i}`));
      await waitForProcess(sim, processId);
    }
    const service = sim.service('app');
    expect(service.versions).toHaveLength(10);
    expect(service.versions.filter((v) => v.status === 'ACTIVE')).toHaveLength(1);
    expect(service.activeVersion?.name).toBe(sha('new-2'));
    expect((await api.get(`/app-version/${firstId}`)).status).toBe(404);
    const list = await api.get(`/service-stack/${service.id}/app-version?limit=100`);
    expect(list.body.totalCount).toBe(10);
    expect(list.body.list[0].sequence).toBeLessThan(list.body.list[1].sequence);
  });

  it('shows a version name only in the search and (when the scenario says so) in processes; userDataList carries the deployed run env', async () => {
    for (const processVersionNames of [false, true]) {
      for (const userDataList of [true, false]) {
        sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }] }], { processVersionNames, userDataList }));
        const api = zerops(sim);
        const { processId, versionId, serviceId } = await pushVersion(sim, 'app', sha(2), { stamp: sha(2) });
        const process = await waitForProcess(sim, processId);
        expect(process.appVersion.name).toBe(processVersionNames ? sha(2) : null);
        const version = (await api.get(`/app-version/${versionId}`)).body;
        expect(version).not.toHaveProperty('name');
        expect(version.userDataList).toEqual(userDataList ? [{ key: 'ZEROPS_ROLLOUT_SHA', content: sha(2), type: 'ENV' }] : []);
        const service = (await api.get(`/service-stack/${serviceId}`)).body;
        expect(service.activeAppVersion).not.toHaveProperty('name');
        expect(service.activeAppVersion.id).toBe(versionId);
        const listed = (await api.get(`/service-stack/${serviceId}/app-version`)).body.list;
        for (const v of listed) expect(v).not.toHaveProperty('name');
        // The seeded version was released by this tool: its user data carries the stamp too.
        expect(listed[0].userDataList).toEqual(userDataList ? [{ key: 'ZEROPS_ROLLOUT_SHA', content: sha(1), type: 'ENV' }] : []);
        const found = (await api.post('/app-version/search', { search: [{ name: 'serviceStackId', operator: 'eq', value: serviceId }], sort: [] })).body.items;
        expect(found.map((v: any) => v.name)).toEqual(expect.arrayContaining([sha(1), sha(2)]));
        await sim.close();
        sim = undefined;
      }
    }
  });

  it('versionSearchLagMs: the search does not find versions younger than the lag', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }] }], { versionSearchLagMs: 60_000 }));
    const api = zerops(sim);
    const { serviceId } = await pushVersion(sim, 'app', sha(2));
    const found = (await api.post('/app-version/search', { search: [{ name: 'serviceStackId', operator: 'eq', value: serviceId }], sort: [] })).body;
    // The seeded version is an hour old; the new one is not indexed yet.
    expect(found.items.map((v: any) => v.name)).toEqual([sha(1)]);
  });

  it('DELETE /app-version/{id}: removes an unused version ({success:true}); refuses the active one; UPLOADING per the scenario', async () => {
    for (const deleteUploading of ['allowed', 'refused'] as const) {
      sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(0) }, { sha: sha(1) }] }], { deleteUploading }));
      const api = zerops(sim);
      const serviceId = await api.serviceId('app');
      const [active, backup] = sim.service('app').versions; // the view lists newest first
      const created = (await api.post(`/service-stack/${serviceId}/app-version`, { name: sha(2) })).body;
      const del = await api.delete(`/app-version/${created.id}`);
      if (deleteUploading === 'allowed') {
        expect(del.status).toBe(200);
        expect(del.body).toEqual({ success: true });
        expect((await api.get(`/app-version/${created.id}`)).status).toBe(404);
      } else {
        expect(del.status).toBe(400);
        expect(del.body.error.code).toBe('appVersionInvalidStatus');
        expect((await api.get(`/app-version/${created.id}`)).status).toBe(200);
      }
      const activeDel = await api.delete(`/app-version/${active?.id}`);
      expect(activeDel.status).toBe(400);
      expect((await api.delete(`/app-version/${backup?.id}`)).status).toBe(200);
      expect(sim.service('app').versions.map((v) => v.id)).toEqual(deleteUploading === 'allowed' ? [active?.id] : [created.id, active?.id]);
      await sim.close();
      sim = undefined;
    }
  });

  it('fails at build or deploy and keeps the previous version ACTIVE', async () => {
    sim = await startSimulator(scenario([
      { hostname: 'build', versions: [{ sha: sha(1) }], deploy: { failAt: 'build' } },
      { hostname: 'deploy', versions: [{ sha: sha(1) }], deploy: { failAt: 'deploy' } },
    ]));
    const built = await pushVersion(sim, 'build', sha(2));
    const deployed = await pushVersion(sim, 'deploy', sha(2));
    const [buildProcess, deployProcess] = await Promise.all([waitForProcess(sim, built.processId), waitForProcess(sim, deployed.processId)]);
    expect(buildProcess.status).toBe('FAILED');
    expect(buildProcess.appVersion.status).toBe('BUILD_FAILED');
    expect(deployProcess.status).toBe('FAILED');
    expect(deployProcess.appVersion.status).toBe('DEPLOY_FAILED');
    for (const hostname of ['build', 'deploy']) {
      expect(sim.service(hostname).activeVersion?.sha).toBe(sha(1));
      expect(sim.service(hostname).buildInfoSha).toBe(sha(1));
    }
  });

  it('fails only the first failTimes deploys', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }], deploy: { failTimes: 1 } }]));
    const first = await pushVersion(sim, 'app', sha(2));
    expect((await waitForProcess(sim, first.processId)).status).toBe('FAILED');
    const second = await pushVersion(sim, 'app', sha(3));
    expect((await waitForProcess(sim, second.processId)).status).toBe('FINISHED');
    expect(sim.service('app').activeVersion?.sha).toBe(sha(3));
  });

  it('keeps a stuck deploy RUNNING', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }], deploy: { stuck: true } }]));
    const { processId } = await pushVersion(sim, 'app', sha(2));
    await sleep(150);
    const process = (await zerops(sim).get(`/process/${processId}`)).body;
    expect(process.status).toBe('RUNNING');
    expect(process.appVersion.status).toBe('DEPLOYING');
  });

  it('queues deploys behind a pre-existing running process (deploy lock)', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }], runningProcess: { finishAfterMs: 300, actionName: 'stack.build' } }]));
    const api = zerops(sim);
    const serviceId = await api.serviceId('app');
    const running = await api.get(`/service-stack/${serviceId}/process?statuses=PENDING,RUNNING`);
    expect(running.body.totalCount).toBe(1);
    expect(running.body.list[0]).toMatchObject({ status: 'RUNNING', actionName: 'stack.build', appVersion: null });

    const { processId } = await pushVersion(sim, 'app', sha(2));
    await sleep(60);
    expect((await api.get(`/process/${processId}`)).body.status).toBe('PENDING');
    const ended = await waitForProcess(sim, processId);
    expect(ended.status).toBe('FINISHED');
    const lock = (await api.get(`/process/${running.body.list[0].id}`)).body;
    expect(lock.status).toBe('FINISHED');
    expect(Date.parse(ended.started)).toBeGreaterThanOrEqual(Date.parse(lock.finished));
  });

  it('deploys an upload without a build (stack.deploy) and re-activates a BACKUP version (stack.deploy.backup, body ignored)', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }, { sha: sha(2) }] }], { activateMs: 30 }));
    const api = zerops(sim);
    const serviceId = await api.serviceId('app');
    const created = (await api.post(`/service-stack/${serviceId}/app-version`, { name: sha(3) })).body;
    await fetch(created.uploadUrl, { method: 'PUT', body: Buffer.from('prebuilt') });
    // A version never activated needs both zeropsYaml and zeropsYamlSetup (zcp, live-verified).
    for (const partial of [{}, { zeropsYaml: zeropsYaml('app') }, { zeropsYamlSetup: 'app' }]) {
      const refused = await api.put(`/app-version/${created.id}/deploy`, partial);
      expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 400, code: 'zeropsYamlSetupNotFound' });
    }
    const deploy = await api.put(`/app-version/${created.id}/deploy`, { zeropsYaml: zeropsYaml('app'), zeropsYamlSetup: 'app' });
    expect(deploy.body.actionName).toBe('stack.deploy');
    const seen = new Set<string>();
    await waitFor(async () => {
      const process = (await api.get(`/process/${deploy.body.id}`)).body;
      seen.add(process.appVersion.status);
      return process.status === 'FINISHED';
    });
    expect(seen.has('BUILDING')).toBe(false);
    expect(sim.service('app').activeVersion?.sha).toBe(sha(3));

    // The ACTIVE version is not a re-activation target.
    const active = await api.put(`/app-version/${created.id}/deploy`, { zeropsYaml: null, zeropsYamlSetup: null });
    expect({ status: active.status, code: active.body.error?.code }).toEqual({ status: 400, code: 'appVersionInvalidStatus' });
    const backup = sim.service('app').versions.find((v) => v.sha === sha(1));
    // A stamped yaml sent along is ignored: the version serves what it was built with.
    const rollback = await api.put(`/app-version/${backup?.id}/deploy`, { zeropsYaml: zeropsYaml('app', sha(7)), zeropsYamlSetup: 'app' });
    expect(rollback.status).toBe(200);
    expect(rollback.body.actionName).toBe('stack.deploy.backup');
    expect((await waitForProcess(sim, rollback.body.id)).status).toBe('FINISHED');
    const service = sim.service('app');
    expect(service.activeVersion?.sha).toBe(sha(1));
    expect(service.versions.find((v) => v.sha === sha(3))?.status).toBe('BACKUP');
  });

  it('cancels a build in progress but not a deploy that started', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }] }], { durationMs: 400 }));
    const api = zerops(sim);
    const first = await pushVersion(sim, 'app', sha(2));
    await waitFor(async () => (await api.get(`/app-version/${first.versionId}`)).body.status === 'BUILDING');
    const canceled = await api.put(`/app-version/${first.versionId}/cancel-build`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toEqual({ success: true });
    expect((await api.put(`/app-version/${first.versionId}/cancel-build`)).body.error.code).toBe('nothingToCancel');
    expect((await api.get(`/app-version/${first.versionId}`)).body.status).toBe('CANCELLED');

    const second = await pushVersion(sim, 'app', sha(3));
    await waitFor(async () => (await api.get(`/app-version/${second.versionId}`)).body.status === 'DEPLOYING', 3000);
    const refused = await api.put(`/process/${second.processId}/cancel`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('processCanNoLongerBeCanceled');
    await waitForProcess(sim, second.processId);
    expect((await api.put(`/process/${second.processId}/cancel`)).body.error.code).toBe('processAlreadyFinished');
  });
});

describe('the SHA a version serves', () => {
  it('is the stamped ZEROPS_ROLLOUT_SHA of the chosen setup, else the hex version name, else null', async () => {
    sim = await startSimulator(scenario([
      { hostname: 'stamped', versions: [{ sha: sha(1) }] },
      { hostname: 'named', versions: [{ sha: sha(1) }] },
      { hostname: 'plain', versions: [{ sha: sha(1) }] },
    ], { durationMs: 20 }));
    const stamped = await pushVersion(sim, 'stamped', 'release 42', { stamp: sha(9) });
    const named = await pushVersion(sim, 'named', sha(2).slice(0, 7));
    const plain = await pushVersion(sim, 'plain', 'release 43');
    await Promise.all([stamped, named, plain].map(({ processId }) => waitForProcess(sim as Simulator, processId)));
    expect(sim.service('stamped').buildInfoSha).toBe(sha(9));
    expect(sim.service('named').buildInfoSha).toBe(sha(2).slice(0, 7));
    expect(sim.service('plain').buildInfoSha).toBeNull();
    const info = await request(`${sim.urls.buildInfo}/stamped/build-info`);
    expect(info.body.git_sha).toBe(sha(9));
  });

  it('answers 400 naming the problem for invalid YAML or an unknown setup', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }] }]));
    const api = zerops(sim);
    const serviceId = await api.serviceId('app');
    const created = (await api.post(`/service-stack/${serviceId}/app-version`, { name: sha(2) })).body;
    await fetch(created.uploadUrl, { method: 'PUT', body: Buffer.from('x') });
    const invalid = await api.put(`/app-version/${created.id}/build-and-deploy`, { zeropsYaml: 'zerops: [\n  - setup: app\n', zeropsYamlSetup: 'app' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('zeropsYamlInvalidYaml');
    const unknown = await api.put(`/app-version/${created.id}/build-and-deploy`, { zeropsYaml: zeropsYaml('web'), zeropsYamlSetup: 'app' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'zeropsYamlSetupNotFound', meta: { setup: 'app', available: ['web'] } });
    // Nothing started: the version can still be built.
    expect((await api.put(`/app-version/${created.id}/build-and-deploy`, { zeropsYaml: zeropsYaml('app'), zeropsYamlSetup: 'app' })).status).toBe(200);
  });
});

describe('deploy preconditions', () => {
  it('refuses a build without upload, a second build, and an upload once the build started', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }] }]));
    const api = zerops(sim);
    const serviceId = await api.serviceId('app');
    const created = (await api.post(`/service-stack/${serviceId}/app-version`, { name: sha(2) })).body;
    const body = { zeropsYaml: zeropsYaml('app'), zeropsYamlSetup: 'app' };

    const early = await api.put(`/app-version/${created.id}/build-and-deploy`, body);
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe('appVersionDataNotAvailable');
    expect((await api.put(`/app-version/${created.id}/deploy`, body)).body.error.code).toBe('appVersionDataNotAvailable');

    const upload = await fetch(created.uploadUrl, { method: 'PUT', body: Buffer.alloc(100_000, 7) });
    expect(upload.status).toBe(200);
    expect(sim.service('app').versions[0]?.upload?.bytes).toBe(100_000);
    expect((await api.put(`/app-version/${created.id}/build-and-deploy`, body)).status).toBe(200);
    const again = await api.put(`/app-version/${created.id}/build-and-deploy`, body);
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('deployProcessAlreadyCreated');
    expect((await fetch(created.uploadUrl, { method: 'PUT', body: Buffer.from('late') })).status).toBe(409);
    expect((await fetch(created.uploadUrl.replace(/sig=[^&]+/, 'sig=forged'), { method: 'PUT', body: Buffer.from('x') })).status).toBe(403);
  });

  it('refuses deploys to non-runtime, system, stopped and busy services with real error codes', async () => {
    sim = await startSimulator(scenario([
      { hostname: 'db', type: 'postgresql@16' },
      { hostname: 'core', category: 'CORE', isSystem: true },
      { hostname: 'stopped', status: 'STOPPED', versions: [{ sha: sha(1) }, { sha: sha(2) }] },
      { hostname: 'creating', status: 'CREATING' },
      { hostname: 'files', type: 'object-storage' },
      { hostname: 'disk', type: 'shared-storage' },
    ]));
    const api = zerops(sim);
    const db = await api.post(`/service-stack/${await api.serviceId('db')}/app-version`, { name: 'x' });
    expect(db.status).toBe(400);
    expect(db.body.error.code).toBe('userServiceStackRequired');
    expect((await api.post(`/service-stack/${await api.serviceId('core')}/app-version`, { name: 'x' })).body.error.code).toBe('serviceStackIsSystemNotSupported');
    // The SDK's category enum names storage services OBJECT_STORAGE / SHARED_STORAGE.
    const files = (await api.get(`/service-stack/${await api.serviceId('files')}`)).body;
    const disk = (await api.get(`/service-stack/${await api.serviceId('disk')}`)).body;
    expect([files.serviceStackTypeInfo.serviceStackTypeCategory, disk.serviceStackTypeInfo.serviceStackTypeCategory]).toEqual(['OBJECT_STORAGE', 'SHARED_STORAGE']);
    const backup = sim.service('stopped').versions.find((v) => v.status === 'BACKUP')?.id;
    const redeploy = await api.put(`/app-version/${backup}/deploy`, { zeropsYaml: null, zeropsYamlSetup: null });
    expect(redeploy.status).toBe(400);
    expect(redeploy.body.error.code).toBe('activeServiceStackRequired');
    expect(redeploy.body.error.message).toContain('STOPPED');
    const created = (await api.post(`/service-stack/${await api.serviceId('creating')}/app-version`, { name: 'x' })).body;
    await fetch(created.uploadUrl, { method: 'PUT', body: Buffer.from('x') });
    const early = await api.put(`/app-version/${created.id}/build-and-deploy`, { zeropsYaml: zeropsYaml('creating'), zeropsYamlSetup: 'creating' });
    expect(early.body.error.code).toBe('serviceStackCreating');
  });

  it('models a passing status: RELOADING refuses deploys until it settles to ACTIVE', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', status: 'RELOADING', settlesAfterMs: 300, versions: [{ sha: sha(1) }, { sha: sha(2) }] }]));
    const api = zerops(sim);
    const backup = sim.service('app').versions.find((v) => v.status === 'BACKUP')?.id;
    const busy = await api.put(`/app-version/${backup}/deploy`, { zeropsYaml: null, zeropsYamlSetup: null });
    expect({ status: busy.status, code: busy.body.error?.code }).toEqual({ status: 400, code: 'serviceStackStatusNotSupported' });
    const serviceId = await api.serviceId('app');
    await waitFor(async () => (await api.get(`/service-stack/${serviceId}`)).body.status === 'ACTIVE', 3000, 'the service to settle');
    expect((await api.put(`/app-version/${backup}/deploy`, { zeropsYaml: null, zeropsYamlSetup: null })).status).toBe(200);
  });
});

describe('versions', () => {
  it('renames a version before it is deployed', async () => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }] }]));
    const api = zerops(sim);
    const created = (await api.post(`/service-stack/${await api.serviceId('app')}/app-version`, { name: 'draft' })).body;
    const renamed = await api.put(`/app-version/${created.id}`, { name: sha(2) });
    // SDK PutAppVersion answers output.Success.
    expect(renamed.body).toEqual({ success: true });
    expect(sim.service('app').versions.find((v) => v.id === created.id)?.name).toBe(sha(2));
    expect((await api.put(`/app-version/${created.id}`, { name: 42 })).status).toBe(400);
  });
});

describe('process lists', () => {
  it.each(['oldest-first', 'newest-first'] as const)('lists %s, filters by status and action name, pages with limit/offset', async (listOrder) => {
    sim = await startSimulator(scenario([{ hostname: 'app', versions: [{ sha: sha(1) }] }], { durationMs: 10, pendingMs: 1, listOrder }));
    const api = zerops(sim);
    // The seeded version comes with the finished build that made it.
    const seeded = (await api.get(`/service-stack/${await api.serviceId('app')}/process`)).body.list;
    expect(seeded).toHaveLength(1);
    expect(seeded[0]).toMatchObject({ status: 'FINISHED', actionName: 'stack.build', appVersion: { id: sim.service('app').versions[0]?.id } });
    const ids: string[] = [seeded[0].id];
    for (let i = 0; i < 3; i++) {
      const { processId } = await pushVersion(sim, 'app', sha(`p${i}`));
      await waitForProcess(sim, processId);
      ids.push(processId);
    }
    const serviceId = await api.serviceId('app');
    const all = await api.get(`/service-stack/${serviceId}/process?limit=2&offset=0`);
    expect(all.body.totalCount).toBe(4);
    const ordered = listOrder === 'newest-first' ? [...ids].reverse() : ids;
    expect(all.body.list.map((p: any) => p.id)).toEqual(ordered.slice(0, 2));
    const second = await api.get(`/service-stack/${serviceId}/process?limit=2&offset=2`);
    expect(second.body.list.map((p: any) => p.id)).toEqual(ordered.slice(2));
    const versions = (await api.get(`/service-stack/${serviceId}/app-version`)).body.list.map((v: any) => v.sequence);
    expect(versions).toEqual(listOrder === 'newest-first' ? [4, 3, 2, 1] : [1, 2, 3, 4]);
    expect((await api.get(`/service-stack/${serviceId}/process?statuses=RUNNING,PENDING`)).body.totalCount).toBe(0);
    expect((await api.get(`/project/${PROJECT_ID}/process?statuses=FINISHED&actionNameContains=build`)).body.totalCount).toBe(4);
    expect((await api.get(`/project/${PROJECT_ID}/process?actionNameContains=stack.deploy`)).body.totalCount).toBe(0);
  });
});
