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
        { value: 'owner-token', variables: true },
        { value: 'job-token' },
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
    expect(page1.body[0]).toMatchObject({ id: expect.any(Number), status: 'success', context: 'noise / job-113 (push)', creator: expect.any(Object) });
    expect(page1.body[0]).not.toHaveProperty('state');
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

  it('honours If-None-Match', async () => {
    const first = await gt(`/commits/${head}/statuses`);
    const again = await request(`${sim.urls.gitea}/repos/acme/shop/commits/${head}/statuses`, { headers: { authorization: 'token owner-token', 'if-none-match': first.headers.get('etag') as string } });
    expect(again.status).toBe(304);
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

  it('compares without ahead/behind: only commits on head since the merge base', async () => {
    const ahead = await gt(`/compare/${history[4]}...${head}`);
    expect(ahead.body).not.toHaveProperty('status');
    expect(ahead.body.total_commits).toBe(3);
    expect(ahead.body.commits.map((c: any) => c.sha)).toEqual([history[7], history[6], history[5]]);
    expect((await gt(`/compare/${head}...${history[4]}`)).body.total_commits).toBe(0);
    expect((await gt(`/compare/main...side`)).body.commits.map((c: any) => c.sha)).toEqual([side]);
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
});

describe('Gitea variables', () => {
  it('returns the value in `data`, 404 when unset, 403 for the job token', async () => {
    expect((await gt('/actions/variables/ROLLOUT_DISABLED')).body).toEqual({ owner_id: 0, repo_id: 1, name: 'ROLLOUT_DISABLED', data: 'no', description: '' });
    sim.setVariable('gitea', 'ROLLOUT_DISABLED', 'yes');
    expect((await gt('/actions/variables/ROLLOUT_DISABLED')).body.data).toBe('yes');
    expect((await gt('/actions/variables/OTHER')).status).toBe(404);
    expect((await gt('/actions/variables/ROLLOUT_DISABLED', 'job-token')).status).toBe(403);
    expect((await gt('/actions/variables/ROLLOUT_DISABLED', 'unknown')).status).toBe(401);
  });

  it('accepts Bearer too, and serves nothing outside /api/v1', async () => {
    expect((await request(`${sim.urls.gitea}/repos/acme/shop`, { headers: { authorization: 'Bearer owner-token' } })).body.default_branch).toBe('main');
    expect((await request(`${sim.urls.giteaServer}/repos/acme/shop`, { headers: { authorization: 'token owner-token' } })).status).toBe(404);
  });
});
