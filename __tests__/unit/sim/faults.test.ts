import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { compilePathGlob } from '../../../sim/faults.js';
import { sha, startSimulator, type Simulator } from '../../../sim/index.js';
import { PROJECT_ID, ZEROPS_TOKEN, request, sleep, zerops, zeropsYaml } from './helpers.js';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({
    zerops: {
      pendingMs: 5,
      durationMs: 500,
      tokens: [{ value: ZEROPS_TOKEN, projects: ['*'] }],
      projects: [{ id: PROJECT_ID, name: 'production', services: [{ hostname: 'a', versions: [{ sha: sha(1) }] }, { hostname: 'b', versions: [{ sha: sha(1) }] }] }],
    },
    github: { commits: [{ sha: sha(1) }], tokens: [{ value: 'gh' }] },
    gitea: { commits: [{ sha: sha(1) }], tokens: [{ value: 'gt' }] },
    faults: [{ server: 'github', path: '/repos/acme/shop/branches/*', respond: { status: 502, body: 'bad gateway' }, times: 1 }],
  });
});
afterEach(async () => {
  await sim.close();
});

const lastEntry = () => sim.log.at(-1);

describe('fault actions', () => {
  it('respond: answers the given status, headers and body, echoing Authorization where asked', async () => {
    sim.addFault({ server: 'zerops', path: '/api/rest/public/user/info', respond: { status: 429, headers: { 'retry-after': '1' }, body: '{"echo":"{{authorization}}"}' } });
    const answer = await zerops(sim).get('/user/info');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(answer.body).toEqual({ echo: `Bearer ${ZEROPS_TOKEN}` });
    expect(lastEntry()).toMatchObject({ fault: 'respond', status: 429 });
  });

  it('delayMs: answers normally after the delay', async () => {
    sim.addFault({ server: 'zerops', method: 'GET', path: '/api/rest/public/user/info', delayMs: 120 });
    const started = Date.now();
    const answer = await zerops(sim).get('/user/info');
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(lastEntry()).toMatchObject({ fault: 'delayMs', status: 200 });
  });

  it('reset: destroys the connection without an answer (status 0)', async () => {
    sim.addFault({ server: 'zerops', path: '**/user/info', reset: true });
    await expect(zerops(sim).get('/user/info')).rejects.toThrow();
    expect(lastEntry()).toMatchObject({ fault: 'reset', status: 0 });
  });

  it('hang: never answers, and close() still returns promptly', async () => {
    sim.addFault({ server: 'buildinfo', hang: true });
    await expect(fetch(`${sim.urls.buildInfo}/a/build-info`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(lastEntry()).toMatchObject({ server: 'buildinfo', fault: 'hang', status: 0, service: 'a' });
    const pending = fetch(`${sim.urls.buildInfo}/a/build-info`).catch((error: unknown) => error);
    await sleep(20);
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1000);
    // Errors from fetch come from another realm under Jest's VM modules: check the shape, not the class.
    expect(await pending).toHaveProperty('message');
  });

  it('malformed: a read gets truncated JSON; a mutation gets garbage and has no effect', async () => {
    sim.addFault({ server: 'gitea', malformed: true, times: 1 });
    const garbled = await fetch(`${sim.urls.gitea}/repos/acme/shop`, { headers: { authorization: 'token gt' } });
    expect(garbled.status).toBe(200);
    await expect(garbled.json()).rejects.toThrow();

    const api = zerops(sim);
    const serviceId = await api.serviceId('a');
    sim.addFault({ server: 'zerops', method: 'POST', path: '**/app-version', malformed: true, times: 1 });
    const created = await api.post(`/service-stack/${serviceId}/app-version`, { name: sha(2) });
    expect(created.status).toBe(200);
    expect(created.body).toBeUndefined();
    expect(sim.service('a').versions).toHaveLength(1);
  });

  it('applyThenReset: the effect happens, the answer is lost', async () => {
    const api = zerops(sim);
    const serviceId = await api.serviceId('a');
    sim.addFault({ server: 'zerops', method: 'POST', path: `/api/rest/public/service-stack/*/app-version`, applyThenReset: true, times: 1 });
    await expect(api.post(`/service-stack/${serviceId}/app-version`, { name: sha(2) })).rejects.toThrow();
    expect(sim.service('a').versions.map((v) => v.name)).toEqual([sha(2), sha(1)]);
    expect(sim.mutations().at(-1)).toMatchObject({ fault: 'applyThenReset', status: 0, service: 'a', mutating: true, body: { name: sha(2) } });
  });

  it('applyThenStatus: the effect happens, the answer is a non-JSON error page', async () => {
    const api = zerops(sim);
    const serviceId = await api.serviceId('a');
    const created = (await api.post(`/service-stack/${serviceId}/app-version`, { name: sha(2) })).body;
    await fetch(created.uploadUrl, { method: 'PUT', body: Buffer.from('x') });
    sim.addFault({ server: 'zerops', path: '**/build-and-deploy', applyThenStatus: 502 });
    const answer = await api.put(`/app-version/${created.id}/build-and-deploy`, { zeropsYaml: zeropsYaml('a'), zeropsYamlSetup: 'a' });
    expect(answer.status).toBe(502);
    expect(answer.body).toBeUndefined();
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(sim.service('a').inFlight).toHaveLength(1);
  });

  it('shape: adds unknown fields or strips optional ones from the real answer', async () => {
    const api = zerops(sim);
    sim.addFault({ server: 'zerops', path: '/api/rest/public/service-stack/*', shape: 'extra', times: 1 });
    const serviceId = await api.serviceId('a');
    const extra = (await api.get(`/service-stack/${serviceId}`)).body;
    expect(extra).toMatchObject({ id: serviceId, simUnexpectedField: expect.any(String), activeAppVersion: { simUnexpectedField: expect.any(String) } });
    sim.addFault({ server: 'zerops', path: '/api/rest/public/service-stack/*', shape: 'minimal', times: 1 });
    const minimal = (await api.get(`/service-stack/${serviceId}`)).body;
    expect(minimal.id).toBe(serviceId);
    expect(minimal).not.toHaveProperty('githubIntegration');
    expect(minimal).not.toHaveProperty('lastUpdate');
    expect(minimal.activeAppVersion).not.toHaveProperty('githubIntegration');
  });
});

describe('fault matching', () => {
  it('applies scenario faults from the start, with times', async () => {
    const auth = { headers: { authorization: 'Bearer gh' } };
    expect((await request(`${sim.urls.github}/repos/acme/shop/branches/main`, auth)).status).toBe(502);
    expect((await request(`${sim.urls.github}/repos/acme/shop/branches/main`, auth)).status).toBe(200);
  });

  it('honours skip and times', async () => {
    sim.addFault({ server: 'zerops', path: '**/user/info', skip: 1, times: 2, respond: { status: 503 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await zerops(sim).get('/user/info')).status);
    expect(statuses).toEqual([200, 503, 503, 200, 200]);
  });

  it('matches by service hostname, resolving ids, including uploads', async () => {
    const api = zerops(sim);
    sim.addFault({ server: 'zerops', service: 'b', respond: { status: 500, body: 'boom' } });
    sim.addFault({ server: 'upload', service: 'a', reset: true, times: 1 });
    const a = await api.serviceId('a');
    expect((await api.get(`/service-stack-by-name/${PROJECT_ID}/b`)).status).toBe(500);
    expect((await api.get(`/service-stack/${a}`)).status).toBe(200);
    const created = (await api.post(`/service-stack/${a}/app-version`, { name: sha(3) })).body;
    await expect(fetch(created.uploadUrl, { method: 'PUT', body: Buffer.from('x'.repeat(1000)) })).rejects.toThrow();
    expect(sim.service('a').versions[0]?.upload).toBeNull();
    expect((await fetch(created.uploadUrl, { method: 'PUT', body: Buffer.from('x'.repeat(1000)) })).status).toBe(200);
    expect(sim.service('a').versions[0]?.upload?.bytes).toBe(1000);
    expect(sim.mutations().filter((e) => e.server === 'upload').map((e) => [e.status, e.fault ?? null])).toEqual([
      [0, 'reset'],
      [200, null],
    ]);
    // An upload whose answer is lost still lands.
    const next = (await api.post(`/service-stack/${a}/app-version`, { name: sha(4) })).body;
    sim.addFault({ server: 'upload', applyThenReset: true, times: 1 });
    await expect(fetch(next.uploadUrl, { method: 'PUT', body: Buffer.from('y'.repeat(70_000)) })).rejects.toThrow();
    expect(sim.service('a').versions[0]?.upload?.bytes).toBe(70_000);
    expect(sim.mutations().at(-1)).toMatchObject({ server: 'upload', fault: 'applyThenReset', status: 0, bytes: 70_000 });
  });

  it('compiles path globs: * is one segment, ** any', () => {
    expect(compilePathGlob('/a/*/c').test('/a/b/c')).toBe(true);
    expect(compilePathGlob('/a/*/c').test('/a/b/x/c')).toBe(false);
    expect(compilePathGlob('/a/**/c').test('/a/b/x/c')).toBe(true);
    expect(compilePathGlob('**/build-and-deploy').test('/api/rest/public/app-version/X/build-and-deploy')).toBe(true);
    expect(compilePathGlob('/a.b').test('/axb')).toBe(false);
  });

  it('rejects specs without exactly one action, and clears faults', async () => {
    expect(() => sim.addFault({ server: 'zerops' })).toThrow(/exactly one/);
    expect(() => sim.addFault({ server: 'zerops', reset: true, hang: true })).toThrow(/exactly one/);
    expect(() => sim.addFault({ server: 'nope' as 'zerops', reset: true })).toThrow(/server/);
    sim.addFault({ server: 'zerops', respond: { status: 500 } });
    expect((await zerops(sim).get('/user/info')).status).toBe(500);
    sim.clearFaults();
    expect((await zerops(sim).get('/user/info')).status).toBe(200);
  });
});
