// The simulator's stage world: a second Zerops project whose services reuse production's
// hostnames, activation times in the past, per-project build-info, and GitHub Deployments
// history (seeded with times before start, listed and paged like GitHub's).
import { afterEach, describe, expect, it } from '@jest/globals';
import { sha, startSimulator, type GithubScenario, type Simulator } from '../../../sim/index.js';
import { scenarioProblems } from '../../../sim/scenario-validate.js';
import { FORGE_TOKEN, OTHER_PROJECT_ID, STAGE_ENVIRONMENT, ZEROPS_TOKEN as WORLD_ZEROPS_TOKEN, stageInputs, world } from '../../helpers/world.js';
import { PROJECT_ID, ZEROPS_TOKEN, request, zerops } from './helpers.js';

const MIN = 60_000;
const STAGE_ID = 'stageProject0000000001';
const STAGE_TOKEN = 'zerops-stage-token';
const [c1, c2, c3] = [sha('st1'), sha('st2'), sha('st3')];

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function startWorld(github: GithubScenario = {}): Promise<Simulator> {
  sim = await startSimulator({
    zerops: {
      tokens: [
        { value: ZEROPS_TOKEN, projects: [PROJECT_ID] },
        { value: STAGE_TOKEN, projects: ['stage'] },
      ],
      projects: [
        { id: PROJECT_ID, name: 'production', services: [{ hostname: 'api', versions: [{ sha: c1 }] }] },
        {
          id: STAGE_ID,
          name: 'stage',
          services: [
            { hostname: 'api', versions: [{ sha: c1, activatedAgoMs: 300 * MIN }, { sha: c2, activatedAgoMs: 45 * MIN }] },
            { hostname: 'web', versions: [{ sha: c2 }] },
          ],
        },
      ],
    },
    github: {
      commits: [{ sha: c1 }, { sha: c2 }, { sha: c3 }],
      tokens: [{ value: 'app-token' }, { value: 'no-read', deploymentsRead: false }],
      ...github,
    },
  });
  return sim;
}

const agoMin = (iso: unknown) => Math.round((Date.now() - Date.parse(String(iso))) / MIN);

describe('Zerops stage project: activation times', () => {
  it('answers activatedAgoMs as the active version activationDate, in the service and in the version list', async () => {
    const s = await startWorld();
    const stage = zerops(s, STAGE_TOKEN);
    const serviceId = await stage.serviceId('api', STAGE_ID);
    const service = await stage.get(`/service-stack/${serviceId}`);
    expect(service.body.activeAppVersion.activationDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(agoMin(service.body.activeAppVersion.activationDate)).toBe(45);
    const list = await stage.get(`/service-stack/${serviceId}/app-version`);
    const byStatus = Object.fromEntries(list.body.list.map((v: { status: string; activationDate: string }) => [v.status, v]));
    expect(agoMin(byStatus.ACTIVE.activationDate)).toBe(45);
    expect(agoMin(byStatus.BACKUP.activationDate)).toBe(300);
    // Built before it went live: created precedes the activation, and versions stay in order.
    for (const v of list.body.list) expect(Date.parse(v.created)).toBeLessThan(Date.parse(v.activationDate));
    expect(Date.parse(byStatus.BACKUP.created)).toBeLessThan(Date.parse(byStatus.ACTIVE.created));
    // The build that made it finished when it went live.
    expect(agoMin(byStatus.ACTIVE.build.pipelineFinish)).toBe(45);
  });

  it('keeps the stage project out of the production token\'s reach', async () => {
    const s = await startWorld();
    expect((await zerops(s).get(`/project/${STAGE_ID}`)).status).toBe(403);
  });
});

describe('build-info per project', () => {
  it('reaches the stage project by name or id; the bare route keeps the first project', async () => {
    const s = await startWorld();
    const info = (path: string) => request(`${s.urls.buildInfo}${path}`);
    expect((await info('/stage/api/build-info')).body.git_sha).toBe(c2);
    expect((await info(`/${STAGE_ID}/api/build-info`)).body.git_sha).toBe(c2);
    expect((await info('/production/api/build-info')).body.git_sha).toBe(c1);
    expect((await info('/api/build-info')).body.git_sha).toBe(c1);
    expect((await info('/stage/web/build-info')).body.git_sha).toBe(c2);
    expect((await info('/production/web/build-info')).status).toBe(404);
    expect((await info('/nowhere/api/build-info')).status).toBe(404);
    expect(s.log.filter((e) => e.server === 'buildinfo').map((e) => e.service)).toEqual(['api', 'api', 'api', 'api', 'web', undefined, undefined]);
    expect(s.service('api', 'stage').buildInfoSha).toBe(c2);
    expect(s.service('api', STAGE_ID).projectId).toBe(STAGE_ID);
    expect(s.service('api').projectId).toBe(PROJECT_ID);
    expect(() => s.service('web', 'production')).toThrow(/no service named web in project production/);
    const viaControl = await request(`${s.urls.control}/services/api?project=stage`);
    expect(viaControl.body.projectId).toBe(STAGE_ID);
    expect((await request(`${s.urls.control}/services/api`)).body.projectId).toBe(PROJECT_ID);
  });
});

describe('GitHub Deployments history', () => {
  const gh = (s: Simulator, path: string, token = 'app-token') => request(`${s.urls.github}/repos/acme/shop${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('lists seeded deployments newest first with past times, filtered by sha, ref, environment and task', async () => {
    const s = await startWorld({
      deployments: [
        { sha: c2, environment: 'staging', agoMs: 50 * MIN, statuses: [{ state: 'success', agoMs: 48 * MIN }, { state: 'in_progress', agoMs: 49 * MIN }] },
        { sha: 'main', environment: 'staging', agoMs: 10 * MIN },
        { sha: c2, environment: 'qa', agoMs: 90 * MIN },
      ],
    });
    const all = await gh(s, '/deployments');
    expect(all.status).toBe(200);
    expect(all.body.map((d: { environment: string }) => d.environment)).toEqual(['staging', 'staging', 'qa']);
    const ids = all.body.map((d: { id: number }) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.body.map((d: { created_at: string }) => agoMin(d.created_at))).toEqual([10, 50, 90]);
    // updated_at follows the newest status.
    expect(agoMin(all.body[1].updated_at)).toBe(48);
    expect((await gh(s, `/deployments?sha=${c2}&environment=staging`)).body.map((d: { id: number }) => d.id)).toEqual([ids[1]]);
    expect((await gh(s, '/deployments?ref=main')).body.map((d: { sha: string }) => d.sha)).toEqual([c3]);
    expect((await gh(s, '/deployments?task=deploy')).body).toHaveLength(3);
    expect((await gh(s, '/deployments?task=migrate')).body).toEqual([]);
    const statuses = await gh(s, `/deployments/${ids[1]}/statuses`);
    expect(statuses.body.map((st: { state: string; created_at: string }) => [st.state, agoMin(st.created_at)])).toEqual([
      ['success', 48],
      ['in_progress', 49],
    ]);
    expect((await gh(s, '/deployments/12345/statuses')).status).toBe(404);
  });

  it('matches the environment filter exactly, or case-insensitively when the scenario says so', async () => {
    const exact = await startWorld({ deployments: [{ sha: c3, environment: 'Staging', agoMs: 5 * MIN }] });
    expect((await gh(exact, '/deployments?environment=staging')).body).toEqual([]);
    expect((await gh(exact, '/deployments?environment=Staging')).body).toHaveLength(1);
    await exact.close();
    const folded = await startWorld({ deployments: [{ sha: c3, environment: 'Staging', agoMs: 5 * MIN }], deploymentEnvironmentMatch: 'case-insensitive' });
    expect((await gh(folded, '/deployments?environment=staging')).body.map((d: { environment: string }) => d.environment)).toEqual(['Staging']);
  });

  it('shows the deployments the action creates in the same list, after the seeded ones', async () => {
    const s = await startWorld({ deployments: [{ sha: c3, environment: 'staging', agoMs: 5 * MIN }] });
    const created = await request(`${s.urls.github}/repos/acme/shop/deployments`, {
      method: 'POST',
      headers: { authorization: 'Bearer app-token', 'content-type': 'application/json' },
      body: JSON.stringify({ ref: c3, environment: 'staging' }),
    });
    expect(created.status).toBe(201);
    const list = await gh(s, `/deployments?sha=${c3}`);
    expect(list.body.map((d: { id: number }) => d.id)[0]).toBe(created.body.id);
    expect(list.body).toHaveLength(2);
  });

  it('pages deployments and statuses with Link headers (by repository id), 30 by default', async () => {
    const statuses = Array.from({ length: 35 }, (_, i) => ({ state: 'in_progress', agoMs: (100 - i) * MIN }));
    const deployments = Array.from({ length: 32 }, (_, i) => ({ sha: c3, environment: 'staging', agoMs: (200 - i) * MIN, ...(i === 31 ? { statuses } : {}) }));
    const s = await startWorld({ deployments });
    const first = await gh(s, '/deployments');
    expect(first.body).toHaveLength(30);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    expect(next).toContain('/repositories/1296269/deployments?');
    const second = await request(next, { headers: { authorization: 'Bearer app-token' } });
    expect(second.body).toHaveLength(2);
    const newest = first.body[0].id;
    const page1 = await gh(s, `/deployments/${newest}/statuses?per_page=20`);
    expect(page1.body).toHaveLength(20);
    expect(page1.headers.get('link')).toContain(`/repositories/1296269/deployments/${newest}/statuses?`);
    const page2 = await gh(s, `/deployments/${newest}/statuses?per_page=20&page=2`);
    expect(page2.body).toHaveLength(15);
    expect(page1.body[0].id).toBeGreaterThan(page2.body[0].id);
  });

  it('answers 403 to a token without deployments: read, for reads and writes', async () => {
    const s = await startWorld({ deployments: [{ sha: c3, environment: 'staging', agoMs: 5 * MIN }] });
    const list = await gh(s, '/deployments', 'no-read');
    expect(list.status).toBe(403);
    expect(list.body.message).toBe('Resource not accessible by integration');
    const id = (await gh(s, '/deployments')).body[0].id;
    expect((await gh(s, `/deployments/${id}/statuses`, 'no-read')).status).toBe(403);
    const write = await request(`${s.urls.github}/repos/acme/shop/deployments`, {
      method: 'POST',
      headers: { authorization: 'Bearer no-read', 'content-type': 'application/json' },
      body: JSON.stringify({ ref: c3, environment: 'staging' }),
    });
    expect(write.status).toBe(403);
  });
});

describe('stage scenario validation', () => {
  it('reports bad deployments history and activation times clearly', () => {
    const problems = scenarioProblems({
      zerops: { projects: [{ name: 'stage', services: [{ hostname: 'api', versions: [{ sha: c1, activatedAgoMs: -1 }, { sha: c2, status: 'CANCELLED', activatedAgoMs: 5 }] }] }] },
      github: {
        commits: [{ sha: c1 }],
        tokens: [{ value: 't', deploymentsRead: false, deployments: true }, { value: 'u', deploymentsRead: 'yes' }],
        deployments: [
          { sha: 'nope', environment: 'staging', agoMs: 10 },
          { sha: c1, environment: '', statuses: [{ state: 'done', agoMs: 1 }, { state: 'success', agoMs: 20 }, {}] },
          { sha: c1, environment: 'staging', agoMs: 10, statuses: [{ state: 'success', agoMs: 20 }] },
          'x',
        ],
      },
      gitea: { deployments: [], tokens: [{ value: 'g', deploymentsRead: true }] },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'zerops.projects[0].services[0].versions[0].activatedAgoMs: must be a number of milliseconds >= 0',
        'zerops.projects[0].services[0].versions[1].activatedAgoMs: a CANCELLED version was never activated',
        'github.tokens[0].deployments: a token that cannot read deployments cannot write them either (deploymentsRead is false)',
        'github.tokens[1].deploymentsRead: must be true or false',
        'github.deployments[0].sha: must be a listed commit, branch, tag or unique short sha',
        'github.deployments[1].environment: must be a non-empty string',
        'github.deployments[1].agoMs: is required (how long before simulator start it was created)',
        'github.deployments[1].statuses[0].state: must be one of error, failure, inactive, in_progress, queued, pending, success (got "done")',
        'github.deployments[1].statuses[2].state: is required (one of error, failure, inactive, in_progress, queued, pending, success)',
        'github.deployments[1].statuses[2].agoMs: is required (how long before simulator start it was set)',
        'github.deployments[2].statuses[0].agoMs: a status cannot be older than its deployment (20 > 10)',
        'github.deployments[3]: must be an object',
        'gitea.deployments: Gitea has no such API; remove it',
        'gitea.tokens[0]: Gitea has no deployments API; remove deployments/deploymentsRead',
      ]),
    );
    expect(problems).toHaveLength(14);
  });
});

describe('the e2e world builder with a stage (helpers/world.ts)', () => {
  it('stage: {} is a proven stage; each option breaks one piece; without stage nothing changes', async () => {
    const shas = [c1, c2, c3];
    const plain = world({ shas });
    expect(plain.zerops?.tokens?.map((t) => t.value)).toEqual([WORLD_ZEROPS_TOKEN]);
    expect(plain.github?.deployments).toBeUndefined();

    const s = (sim = await startSimulator(world({ shas, stage: { ageMs: 40 * MIN, services: { web: { sha: c2 }, worker: { sha: null } } } })));
    const inputs = stageInputs(s);
    const info = (service: string) => request(inputs['stage-verify-url']?.replace('{service}', service) ?? '');
    expect((await info('api')).body.git_sha).toBe(c3);
    expect((await info('web')).body.git_sha).toBe(c2);
    expect((await info('worker')).status).toBe(503);
    const stageApi = zerops(s, inputs['stage-zerops-token']);
    const apiId = await stageApi.serviceId('api', inputs['stage-project-id']);
    expect(agoMin((await stageApi.get(`/service-stack/${apiId}`)).body.activeAppVersion.activationDate)).toBe(40);
    expect((await zerops(s, WORLD_ZEROPS_TOKEN).get(`/project/${OTHER_PROJECT_ID}`)).status).toBe(403);
    const deployments = await request(`${s.urls.github}/repos/acme/shop/deployments?sha=${c3}&environment=${STAGE_ENVIRONMENT}`, { headers: { authorization: `Bearer ${FORGE_TOKEN}` } });
    expect(deployments.body).toHaveLength(1);
    const statuses = await request(`${s.urls.github}/repos/acme/shop/deployments/${deployments.body[0].id}/statuses`, { headers: { authorization: `Bearer ${FORGE_TOKEN}` } });
    expect(statuses.body.map((st: { state: string; created_at: string }) => [st.state, agoMin(st.created_at)])).toEqual([
      ['success', 40],
      ['in_progress', 41],
    ]);
    await s.close();

    const forbidden = (sim = await startSimulator(world({ shas, stage: { deploymentsForbidden: true, deployments: [] } })));
    const denied = await request(`${forbidden.urls.github}/repos/acme/shop/deployments`, { headers: { authorization: `Bearer ${FORGE_TOKEN}` } });
    expect(denied.status).toBe(403);
  });
});
