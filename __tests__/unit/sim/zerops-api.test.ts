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
    expect(missing.body).toEqual({ error: { code: 'notAuthorized', message: expect.any(String), meta: null } });
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
    expect(forbidden.body.error.code).toBe('insufficientPrivileges');
    // A malformed id is refused as input (400 invalidUserInput), like the real API; zcli relies on it.
    const malformed = await api.get('/project/not a real id');
    expect({ status: malformed.status, code: malformed.body.error.code }).toEqual({ status: 400, code: 'invalidUserInput' });
    expect((await api.get('/service-stack/x')).status).toBe(400);
    const missing = await api.get('/app-version/doesNotExist0000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('appVersionNotFound');
    expect((await api.get('/no/such/route')).body.error.code).toBe('notFound');
  });

  it('lists only reachable projects in a project search filtered by clientId; refuses an unfiltered one by default', async () => {
    const clientId = (await zerops(sim).get('/user/info')).body.clientUserList[0].clientId;
    const byClient = { search: [{ name: 'clientId', operator: 'eq', value: clientId }], sort: [], limit: 10 };
    const scoped = await zerops(sim).post('/project/search', byClient);
    expect(scoped.body.items.map((p: any) => p.id)).toEqual([PROJECT_ID]);
    const all = await zerops(sim, 'all-projects').post('/project/search', byClient);
    expect(all.body.totalHits).toBe(2);
    const otherClient = await zerops(sim, 'all-projects').post('/project/search', { ...byClient, search: [{ name: 'clientId', operator: 'eq', value: 'someOtherClient0000000' }] });
    expect(otherClient.body.totalHits).toBe(0);
    const unfiltered = await zerops(sim).post('/project/search', { search: [], sort: [] });
    expect({ status: unfiltered.status, code: unfiltered.body.error.code }).toEqual({ status: 400, code: 'invalidUserInput' });
  });

  it('accepts an unfiltered project search when the scenario says so (scoped by token)', async () => {
    const lenient = await startSimulator({ zerops: { unfilteredProjectSearch: 'accept', tokens: [{ value: ZEROPS_TOKEN, projects: ['production'] }], projects: [{ id: PROJECT_ID, name: 'production' }, { name: 'staging' }] } });
    try {
      const scoped = await zerops(lenient).post('/project/search', { search: [], sort: [] });
      expect(scoped.body.items.map((p: any) => p.id)).toEqual([PROJECT_ID]);
    } finally {
      await lenient.close();
    }
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
    expect(db).toMatchObject({ status: 'READY_TO_DEPLOY', activeAppVersion: null, isSystem: false, serviceStackTypeId: expect.any(String), serviceStackTypeInfo: { serviceStackTypeCategory: 'STANDARD' } });
    expect(service.serviceStackTypeId).not.toBe(db.serviceStackTypeId);
    const ready = await api.get(`/project/${PROJECT_ID}/service-stack?statuses=READY_TO_DEPLOY`);
    expect(ready.body.list.map((s: any) => s.name)).toEqual(['db']);
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
  it('filters with eq and ne, sorts, and pages', async () => {
    const api = zerops(sim);
    const web = await api.serviceId('web');
    const eq = await api.post('/app-version/search', { search: [{ name: 'serviceStackId', operator: 'eq', value: web }], sort: [] });
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
        { name: 'serviceStackTypeCategory', operator: 'ne', value: 'USER' },
      ],
      sort: [{ name: 'name', ascending: false }],
    });
    expect(within.body.items.map((s: any) => s.name)).toEqual(['db']);
    const paged = await api.post('/service-stack/search', { search: [{ name: 'projectId', operator: 'eq', value: PROJECT_ID }], sort: [], limit: 5, offset: 120 });
    expect(paged.body).toMatchObject({ totalHits: 122, limit: 5, offset: 120 });
    expect(paged.body.items).toHaveLength(2);
    const outside = await api.post('/service-stack/search', { search: [{ name: 'projectId', operator: 'eq', value: OTHER_PROJECT }], sort: [] });
    expect(outside.body.totalHits).toBe(0);
  });

  it('validates the body like the SDK EsFilter: search and sort required, string values, known fields and operators', async () => {
    const api = zerops(sim);
    const refusals = [
      { search: [{ name: 'color', operator: 'eq', value: 'red' }], sort: [] },
      { search: [{ name: 'status', operator: 'gte', value: 'RUNNING' }], sort: [] },
      { search: [{ name: 'status', operator: 'in', value: 'RUNNING' }], sort: [] },
      { search: [{ name: 'status', operator: 'eq', value: ['RUNNING'] }], sort: [] },
      { search: [{ name: 'status', operator: 'eq' }], sort: [] },
      { search: [] },
      { sort: [] },
    ];
    for (const body of refusals) {
      const answer = await api.post('/process/search', body);
      expect({ body, status: answer.status, code: answer.body.error?.code }).toEqual({ body, status: 400, code: 'invalidUserInput' });
    }
  });

  it('logs searches as non-mutating', () => {
    const searches = sim.log.filter((entry) => entry.path.endsWith('/search'));
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((entry) => entry.method === 'POST' && !entry.mutating)).toBe(true);
    expect(sim.mutations().some((entry) => entry.path.endsWith('/search'))).toBe(false);
  });
});
