import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sha, startSimulator, type Simulator } from '../../../sim/index.js';
import { request } from './helpers.js';

const history = Array.from({ length: 8 }, (_, i) => sha(`g${i}`));
const head = history[7] as string;
const side = sha('side');

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    gitea: {
      owner: 'acme',
      repo: 'shop',
      maxLimit: 50,
      // A linear main of 8 commits, plus a side branch off the 6th.
      commits: [...history.map((s) => ({ sha: s })), { sha: side, parents: [history[5] as string] }],
      branches: { main: head, side },
      tags: { 'v2.0.0': history[6] as string },
      tokens: [
        { value: 'owner-token', role: 'owner' },
        { value: 'admin-token', role: 'site-admin' },
        { value: 'collab-token', role: 'admin-collaborator' },
        { value: 'job-token' },
        { value: 'blind-token', role: 'owner', seesRepo: false },
      ],
      statuses: {
        // 115 rows: the one green row of "deploy / gate" sits at the very end (oldest).
        [head]: [
          { context: 'deploy / gate (push)', state: 'success' },
          ...Array.from({ length: 114 }, (_, i) => ({ context: `noise / job-${i} (push)`, status: 'success' })),
        ],
        [history[6] as string]: [
          { context: 'ci / build (push)', state: 'pending' },
          { context: 'ci / build (push)', state: 'failure' },
          { context: 'ci / lint (push)', state: 'warning' },
        ],
      },
      variables: { ROLLOUT_DISABLED: 'no' },
    },
  });
});
afterAll(async () => {
  await sim.close();
});

const gt = (path: string, token = 'owner-token') => request(`${sim.urls.gitea}/repos/acme/shop${path}`, { headers: { authorization: `token ${token}` } });

describe('Gitea statuses', () => {
  it('puts the state in `status`, clamps limit silently and pages with X-Total-Count and Link', async () => {
    const page1 = await gt(`/commits/${head}/statuses?limit=100&page=1`);
    expect(page1.status).toBe(200);
    expect(page1.body).toHaveLength(50);
    expect(page1.headers.get('x-total-count')).toBe('115');
    expect(page1.headers.get('link')).toContain('rel="next"');
    expect(page1.body[0]).toMatchObject({ id: 115, status: 'success', context: 'noise / job-113 (push)', creator: expect.any(Object) });
    expect(page1.body[0]).not.toHaveProperty('state');
    expect(page1.body[0].updated_at).toBe(page1.body[0].created_at);
    const page3 = await gt(`/commits/${head}/statuses?limit=100&page=3`);
    expect(page3.body).toHaveLength(15);
    expect(page3.body.at(-1).context).toBe('deploy / gate (push)');
    expect((await gt(`/commits/${head}/statuses?limit=100&page=4`)).body).toEqual([]);
    expect((await gt(`/statuses/${head}?limit=10`)).body).toHaveLength(10);
    expect((await gt('/commits/main/statuses')).body).toHaveLength(30);
  });

  it('computes the combined status over one page only, and answers the zero value with none', async () => {
    const combined = await gt(`/commits/${head}/status`);
    expect(combined.body.total_count).toBe(30);
    expect(combined.body.statuses.some((s: any) => s.context === 'deploy / gate (push)')).toBe(false);
    const mixed = await gt(`/commits/${history[6]}/status`);
    expect(mixed.body).toMatchObject({ state: 'failure', total_count: 2 });
    const none = await gt(`/commits/${history[0]}/status`);
    expect(none.body).toMatchObject({ state: '', total_count: 0, statuses: null });
  });

  it('has no check runs, workflow runs or deployments', async () => {
    expect((await gt(`/commits/${head}/check-runs`)).status).toBe(404);
    expect((await gt('/actions/runs/1')).status).toBe(404);
    expect((await request(`${sim.urls.gitea}/repos/acme/shop/deployments`, { method: 'POST', headers: { authorization: 'token owner-token' }, body: '{}' })).status).toBe(404);
  });

  it('sends no ETag and never answers 304 (Gitea documents neither)', async () => {
    const first = await gt(`/commits/${head}/statuses`);
    expect(first.headers.get('etag')).toBeNull();
    const again = await request(`${sim.urls.gitea}/repos/acme/shop/commits/${head}/statuses`, { headers: { authorization: 'token owner-token', 'if-none-match': '*' } });
    expect(again.status).toBe(200);
  });

  it('numbers rows per commit and sorts by index on request', async () => {
    const least = await gt(`/commits/${history[6]}/statuses?sort=leastindex`);
    expect(least.body.map((s: any) => s.id)).toEqual([1, 2, 3]);
    expect((await gt(`/commits/${history[6]}/statuses?sort=highestindex`)).body.map((s: any) => s.id)).toEqual([3, 2, 1]);
  });

  it('adds a new row for every update instead of changing the old one', async () => {
    sim.setCheck('gitea', history[3] as string, 'ci / e2e (push)', { state: 'pending' });
    await gt(`/commits/${history[3]}/statuses`);
    sim.setCheck('gitea', history[3] as string, 'ci / e2e (push)', { state: 'success' });
    const rows = (await gt(`/commits/${history[3]}/statuses?sort=leastindex`)).body;
    expect(rows.map((s: any) => [s.id, s.status])).toEqual([
      [1, 'pending'],
      [2, 'success'],
    ]);
  });

  it('lists nothing (200 []) for an unknown ref', async () => {
    const unknown = await gt('/commits/no-such-branch/statuses');
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual([]);
  });
});

describe('Gitea refs and ancestry', () => {
  it('resolves commits, branches (commit.id) and tags', async () => {
    expect((await gt(`/git/commits/${head.slice(0, 8)}`)).body).toMatchObject({ sha: head, parents: [{ sha: history[6] }] });
    expect((await gt('/git/commits/0000000000000000000000000000000000000000')).status).toBe(404);
    expect((await gt('/branches/main')).body).toMatchObject({ name: 'main', commit: { id: head } });
    expect((await gt('/branches?limit=1')).headers.get('x-total-count')).toBe('2');
    expect((await gt('/tags/v2.0.0')).body).toMatchObject({ name: 'v2.0.0', id: history[6], commit: { sha: history[6] } });
    expect((await gt('/tags')).body).toEqual([expect.objectContaining({ name: 'v2.0.0' })]);
  });

  it('compares branches and tags without ahead/behind, and (1.22) refuses commit SHAs', async () => {
    const ahead = await gt('/compare/v2.0.0...main');
    expect(Object.keys(ahead.body).sort()).toEqual(['commits', 'total_commits']);
    expect(ahead.body.commits.map((c: any) => c.sha)).toEqual([history[7]]);
    expect((await gt('/compare/main...v2.0.0')).body.total_commits).toBe(0);
    expect((await gt(`/compare/main...side`)).body.commits.map((c: any) => c.sha)).toEqual([side]);
    expect((await gt(`/compare/${history[4]}...${head}`)).status).toBe(404);
    expect((await gt(`/compare/main...${history[4]}`)).status).toBe(404);
  });

  it('walks the commit list from a ref, newest first, in clamped pages', async () => {
    const page1 = await gt('/commits?sha=main&limit=3&page=1');
    expect(page1.body.map((c: any) => c.sha)).toEqual([history[7], history[6], history[5]]);
    expect(page1.headers.get('x-total-count')).toBe('8');
    expect(page1.headers.get('x-hasmore')).toBe('true');
    const last = await gt('/commits?sha=main&limit=3&page=3');
    expect(last.body.map((c: any) => c.sha)).toEqual([history[1], history[0]]);
    expect(last.headers.get('x-hasmore')).toBe('false');
  });

  it('leaves out what `not` reaches (git log A --not D)', async () => {
    const lean = 'stat=false&verification=false&files=false';
    const none = await gt(`/commits?sha=${history[2]}&not=${head}&limit=1&${lean}`);
    expect(none.body).toEqual([]);
    expect(none.headers.get('x-total-count')).toBe('0');
    const sideOnly = await gt(`/commits?sha=${side}&not=${head}&limit=1&${lean}`);
    expect(sideOnly.body.map((c: any) => c.sha)).toEqual([side]);
    expect(sideOnly.body[0]).not.toHaveProperty('stats');
    expect(sideOnly.body[0]).not.toHaveProperty('files');
    expect(sideOnly.body[0].commit).not.toHaveProperty('verification');
    expect((await gt(`/commits?sha=${side}&limit=1`)).body[0]).toHaveProperty('stats');
    expect((await gt(`/commits?sha=${sha('nope')}&not=${head}`)).status).toBe(404);
    expect((await gt(`/commits?sha=${side}&not=${sha('nope')}`)).status).toBe(500);
  });
});

describe('Gitea variables', () => {
  it('returns the value in `data` to the owner or a site admin, 404 when unset, 403 to anyone else', async () => {
    expect((await gt('/actions/variables/ROLLOUT_DISABLED')).body).toEqual({ owner_id: 0, repo_id: 1, name: 'ROLLOUT_DISABLED', data: 'no' });
    sim.setVariable('gitea', 'ROLLOUT_DISABLED', 'yes');
    expect((await gt('/actions/variables/ROLLOUT_DISABLED')).body.data).toBe('yes');
    expect((await gt('/actions/variables/rollout_disabled', 'admin-token')).body.data).toBe('yes');
    expect((await gt('/actions/variables/OTHER')).status).toBe(404);
    const collaborator = await gt('/actions/variables/ROLLOUT_DISABLED', 'collab-token');
    expect(collaborator.status).toBe(403);
    expect(collaborator.body.message).toBe('user should be the owner of the repo');
    expect((await gt('/actions/variables/ROLLOUT_DISABLED', 'job-token')).status).toBe(403);
    expect((await gt('/actions/variables/ROLLOUT_DISABLED', 'unknown')).status).toBe(401);
  });

  it('answers 404 on every repository route to a token that cannot see the repository', async () => {
    for (const path of ['', '/actions/variables/ROLLOUT_DISABLED', '/branches/main', `/commits/${head}/statuses`, '/commits']) {
      expect((await gt(path, 'blind-token')).status).toBe(404);
    }
  });

  it('accepts Bearer too, and serves nothing outside /api/v1', async () => {
    expect((await request(`${sim.urls.gitea}/repos/acme/shop`, { headers: { authorization: 'Bearer owner-token' } })).body.default_branch).toBe('main');
    expect((await request(`${sim.urls.giteaServer}/repos/acme/shop`, { headers: { authorization: 'token owner-token' } })).status).toBe(404);
  });
});

describe('Gitea behaviour options', () => {
  let other: Simulator;
  beforeAll(async () => {
    other = await startSimulator({
      gitea: {
        version: '1.23',
        subPath: '/gitea',
        variableNamesExact: true,
        etags: true,
        commits: history.map((s) => ({ sha: s })),
        tokens: [{ value: 'owner-token', role: 'owner' }],
        variables: { ROLLOUT_DISABLED: 'true' },
      },
    });
  });
  afterAll(async () => {
    await other.close();
  });
  const at = (path: string, headers: Record<string, string> = {}) =>
    request(`${other.urls.gitea}/repos/acme/shop${path}`, { headers: { authorization: 'token owner-token', ...headers } });

  it('serves under the sub-path only', async () => {
    expect(other.urls.gitea).toMatch(/\/gitea\/api\/v1$/);
    expect(other.urls.giteaServer).toMatch(/\/gitea$/);
    expect((await at('')).status).toBe(200);
    expect((await request(`${new URL(other.urls.gitea).origin}/api/v1/repos/acme/shop`, { headers: { authorization: 'token owner-token' } })).status).toBe(404);
    const paged = await at('/commits?limit=3');
    expect(paged.headers.get('link')).toContain(`${other.urls.gitea}/repos/acme/shop/commits?`);
  });

  it('1.23 compares commit SHAs too', async () => {
    const res = await at(`/compare/${history[4]}...${head}`);
    expect(res.status).toBe(200);
    expect(res.body.total_commits).toBe(3);
  });

  it('matches variable names exactly when told to', async () => {
    expect((await at('/actions/variables/ROLLOUT_DISABLED')).body.data).toBe('true');
    expect((await at('/actions/variables/rollout_disabled')).status).toBe(404);
  });

  it('sends ETags and 304s only when told to', async () => {
    const first = await at('/branches/main');
    expect(first.headers.get('etag')).toBeTruthy();
    expect((await at('/branches/main', { 'if-none-match': first.headers.get('etag') as string })).status).toBe(304);
  });
});
