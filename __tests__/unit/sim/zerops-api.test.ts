import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fleetServices, sha, startSimulator, type Simulator } from '../../../sim/index.js';
import { PROJECT_ID, ZEROPS_TOKEN, request, zerops } from './helpers.js';

const OTHER_PROJECT = 'stagingProject00000001';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    seed: 3,
    zerops: {
      maxLimit: 50,
      tokens: [
        { value: ZEROPS_TOKEN, projects: ['production'] },
        { value: 'all-projects', projects: ['*'] },
      ],
      projects: [
        {
          id: PROJECT_ID,
          name: 'production',
          services: [...fleetServices({ count: 120, activeSha: sha(1) }), { hostname: 'db', type: 'postgresql@16' }, { hostname: 'web', versions: [{ sha: sha(1) }, { sha: sha(2) }, { sha: sha(3), status: 'DEPLOY_FAILED' }] }],
        },
        { id: OTHER_PROJECT, name: 'staging', services: [{ hostname: 'app-0001', versions: [{ sha: sha(5) }] }] },
      ],
    },
  });
});
afterAll(async () => {
  await sim.close();
});

describe('auth and access', () => {
  it('answers 401 for a missing or unknown token, with the Zerops error shape', async () => {
    const missing = await request(`${sim.urls.zerops}/api/rest/public/user/info`);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String), meta: null } });
    expect((await zerops(sim, 'nope').get('/user/info')).status).toBe(401);
    const wrongScheme = await request(`${sim.urls.zerops}/api/rest/public/user/info`, { headers: { authorization: `token ${ZEROPS_TOKEN}` } });
    expect(wrongScheme.status).toBe(401);
  });

  it('identifies the token’s user', async () => {
    const user = await zerops(sim).get('/user/info');
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ email: expect.any(String), fullName: expect.any(String), clientUserList: [{ clientId: expect.any(String), roleCode: 'ADMIN' }] });
  });

  it('answers 403 outside the token’s projects and 404 for what does not exist', async () => {
    const api = zerops(sim);
    expect((await api.get(`/project/${OTHER_PROJECT}`)).status).toBe(403);
    expect((await api.get('/project/doesNotExist0000000000')).status).toBe(404);
    const stagingService = (await zerops(sim, 'all-projects').get(`/service-stack-by-name/${OTHER_PROJECT}/app-0001`)).body.id;
    const forbidden = await api.get(`/service-stack/${stagingService}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    const missing = await api.get('/app-version/doesNotExist0000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('appVersionNotFound');
    expect((await api.get('/no/such/route')).body.error.code).toBe('routeNotFound');
  });

  it('lists only reachable projects in project search', async () => {
    const scoped = await zerops(sim).post('/project/search', { search: [], limit: 10 });
    expect(scoped.body.items.map((p: any) => p.id)).toEqual([PROJECT_ID]);
    const all = await zerops(sim, 'all-projects').post('/project/search', {});
    expect(all.body.totalHits).toBe(2);
  });
});

describe('services', () => {
  it('pages service lists, clamps limit silently and filters by nameContains', async () => {
    const api = zerops(sim);
    const first = await api.get(`/project/${PROJECT_ID}/service-stack?limit=500`);
    expect(first.body.totalCount).toBe(122);
    expect(first.body.list).toHaveLength(50);
    const last = await api.get(`/project/${PROJECT_ID}/service-stack?limit=50&offset=100`);
    expect(last.body.list).toHaveLength(22);
    const filtered = await api.get(`/project/${PROJECT_ID}/service-stack?nameContains=app-00`);
    expect(filtered.body.totalCount).toBe(99);
  });

  it('describes a service with the SDK wire fields', async () => {
    const api = zerops(sim);
    const service = (await api.get(`/service-stack-by-name/${PROJECT_ID}/app-0001`)).body;
    expect(service).toMatchObject({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      name: 'app-0001',
      projectId: PROJECT_ID,
      status: 'ACTIVE',
      serviceStackTypeInfo: { serviceStackTypeName: 'nodejs', serviceStackTypeCategory: 'USER', serviceStackTypeVersionName: 'nodejs@22' },
      activeAppVersion: { status: 'ACTIVE', source: 'CLI', sequence: 1 },
      githubIntegration: null,
    });
    expect((await api.get(`/service-stack/${service.id}`)).body.id).toBe(service.id);
    const db = (await api.get(`/service-stack-by-name/${PROJECT_ID}/db`)).body;
    expect(db).toMatchObject({ status: 'READY_TO_DEPLOY', activeAppVersion: null, serviceStackTypeInfo: { serviceStackTypeCategory: 'STANDARD' } });
    expect((await api.get(`/service-stack-by-name/${PROJECT_ID}/nope`)).status).toBe(404);
  });

  it('omits version names from list/get answers by default, as the real API does', async () => {
    const api = zerops(sim);
    const web = await api.serviceId('web');
    const versions = await api.get(`/service-stack/${web}/app-version`);
    expect(versions.body.totalCount).toBe(3);
    expect(versions.body.list.map((v: any) => v.status)).toEqual(['BACKUP', 'ACTIVE', 'DEPLOY_FAILED']);
    for (const version of versions.body.list) expect(version).not.toHaveProperty('name');
    const filtered = await api.get(`/service-stack/${web}/app-version?statuses=ACTIVE,BACKUP`);
    expect(filtered.body.totalCount).toBe(2);
  });
});

describe('search', () => {
  it('filters with eq, ne and in, sorts, and pages', async () => {
    const api = zerops(sim);
    const web = await api.serviceId('web');
    const eq = await api.post('/app-version/search', { search: [{ name: 'serviceStackId', operator: 'eq', value: web }] });
    expect(eq.body).toMatchObject({ totalHits: 3, limit: 50, offset: 0 });
    const ne = await api.post('/app-version/search', {
      search: [
        { name: 'serviceStackId', operator: 'eq', value: web },
        { name: 'status', operator: 'ne', value: 'DEPLOY_FAILED' },
      ],
      sort: [{ name: 'sequence', ascending: true }],
    });
    expect(ne.body.items.map((v: any) => v.sequence)).toEqual([1, 2]);
    const within = await api.post('/service-stack/search', {
      search: [
        { name: 'projectId', operator: 'eq', value: PROJECT_ID },
        { name: 'name', operator: 'in', value: ['db', 'web', 'ghost'] },
      ],
      sort: [{ name: 'name', ascending: false }],
    });
    expect(within.body.items.map((s: any) => s.name)).toEqual(['web', 'db']);
    const paged = await api.post('/service-stack/search', { search: [{ name: 'projectId', operator: 'eq', value: PROJECT_ID }], limit: 5, offset: 120 });
    expect(paged.body).toMatchObject({ totalHits: 122, limit: 5, offset: 120 });
    expect(paged.body.items).toHaveLength(2);
    const outside = await api.post('/service-stack/search', { search: [{ name: 'projectId', operator: 'eq', value: OTHER_PROJECT }] });
    expect(outside.body.totalHits).toBe(0);
  });

  it('rejects unknown fields and operators with 400', async () => {
    const api = zerops(sim);
    const field = await api.post('/process/search', { search: [{ name: 'color', operator: 'eq', value: 'red' }] });
    expect(field.status).toBe(400);
    expect(field.body.error.code).toBe('searchFieldNotSupported');
    const operator = await api.post('/process/search', { search: [{ name: 'status', operator: 'gte', value: 'RUNNING' }] });
    expect(operator.body.error.code).toBe('searchOperatorNotSupported');
  });

  it('logs searches as non-mutating', () => {
    const searches = sim.log.filter((entry) => entry.path.endsWith('/search'));
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((entry) => entry.method === 'POST' && !entry.mutating)).toBe(true);
    expect(sim.mutations().some((entry) => entry.path.endsWith('/search'))).toBe(false);
  });
});
