import { afterEach, describe, expect, it } from '@jest/globals';
import { sha, startSimulator, type ServiceSpec, type Simulator } from '../../../sim/index.js';
import { PROJECT_ID, ZEROPS_TOKEN, pushVersion, request, sleep, waitFor, waitForProcess } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(services: ServiceSpec[]): Promise<Simulator> {
  sim = await startSimulator({
    zerops: { pendingMs: 5, durationMs: 30, tokens: [{ value: ZEROPS_TOKEN, projects: ['*'] }], projects: [{ id: PROJECT_ID, name: 'production', services }] },
  });
  return sim;
}

const buildInfo = (s: Simulator, hostname: string) => request(`${s.urls.buildInfo}/${hostname}/build-info`);

describe('build-info', () => {
  it('answers the served SHA of the ACTIVE version', async () => {
    const s = await start([{ hostname: 'app', versions: [{ sha: sha(1) }] }]);
    const info = await buildInfo(s, 'app');
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ git_sha: sha(1), service: 'app', version_id: s.service('app').activeVersion?.id });
    expect((await buildInfo(s, 'ghost')).status).toBe(404);
    expect(s.log.at(-1)).toMatchObject({ server: 'buildinfo', status: 404 });
  });

  it('keeps answering the previous SHA during the stale window, then the new one', async () => {
    const s = await start([{ hostname: 'app', versions: [{ sha: sha(1) }], buildInfo: { staleMs: 400 } }]);
    const { processId } = await pushVersion(s, 'app', sha(2));
    await waitForProcess(s, processId);
    expect(s.service('app').activeVersion?.sha).toBe(sha(2));
    const stale = await buildInfo(s, 'app');
    expect(stale.status).toBe(200);
    expect(stale.body.git_sha).toBe(sha(1));
    await waitFor(async () => (await buildInfo(s, 'app')).body.git_sha === sha(2), 2000, 'the new SHA');
  });

  it('never moves with staleForever, answers 503 when unreachable, and nests a custom field', async () => {
    const s = await start([
      { hostname: 'frozen', versions: [{ sha: sha(1) }], buildInfo: { staleForever: true } },
      { hostname: 'down', versions: [{ sha: sha(1) }], buildInfo: { unreachable: true } },
      { hostname: 'nested', versions: [{ sha: sha(1) }], buildInfo: { field: 'build.sha' } },
      { hostname: 'fresh' },
    ]);
    const { processId } = await pushVersion(s, 'frozen', sha(2));
    await waitForProcess(s, processId);
    await sleep(30);
    expect((await buildInfo(s, 'frozen')).body.git_sha).toBe(sha(1));
    expect(s.service('frozen').buildInfoSha).toBe(sha(1));
    expect((await buildInfo(s, 'down')).status).toBe(503);
    expect(s.service('down').buildInfoSha).toBeNull();
    const nested = await buildInfo(s, 'nested');
    expect(nested.body).toMatchObject({ build: { sha: sha(1) }, service: 'nested' });
    expect(nested.body).not.toHaveProperty('git_sha');
    expect((await buildInfo(s, 'fresh')).status).toBe(503);
  });
});
