import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sha, startSimulator, type Simulator } from '../../../sim/index.js';
import { request } from './helpers.js';

const [c1, c2, c3, f1, f2] = [sha('c1'), sha('c2'), sha('c3'), sha('f1'), sha('f2')];

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    github: {
      owner: 'acme',
      repo: 'shop',
      defaultBranch: 'main',
      // c1 - c2 - c3 (main), with feature f1 - f2 branching off c2.
      commits: [{ sha: c1, message: 'first' }, { sha: c2 }, { sha: c3 }, { sha: f1, parents: [c2] }, { sha: f2 }],
      branches: { main: c3, 'feature/x': f2 },
      tags: { 'v1.0.0': c2 },
      tokens: [
        { value: 'app-token', variables: true },
        { value: 'job-token', deployments: false },
        { value: 'tiny-token', rateLimit: 3 },
      ],
      run: { id: 77, checkSuiteId: 9999 },
      checkRuns: {
        [c3]: [
          { name: 'build', timeline: [{ status: 'in_progress' }, { status: 'completed', conclusion: 'success', afterPolls: 2 }] },
          { name: 'test', suiteId: 11, conclusion: 'failure' },
          { name: 'test', suiteId: 12, conclusion: 'success' },
          { name: 'lint', suiteId: 13, conclusion: 'failure' },
          { name: 'lint', suiteId: 13, conclusion: 'success' },
          { name: 'release', suiteId: 9999, status: 'in_progress' },
          { name: 'late', conclusion: 'success', afterPolls: 1 },
        ],
      },
      statuses: {
        [c2]: Array.from({ length: 35 }, (_, i) => ({ context: `ctx-${i}`, state: 'success' })),
        [c3]: [
          { context: 'ci/legacy', state: 'failure' },
          { context: 'ci/legacy', state: 'success', targetUrl: 'https://ci.example/2' },
          { context: 'ci/other', timeline: [{ state: 'pending' }, { state: 'success', afterMs: 60_000 }] },
        ],
      },
      rules: { main: ['ci / build', 'ci / test'] },
      variables: { ROLLOUT_DISABLED: 'false' },
    },
  });
});
afterAll(async () => {
  await sim.close();
});

const gh = (path: string, init: RequestInit & { token?: string } = {}) =>
  request(`${sim.urls.github}/repos/acme/shop${path}`, { ...init, headers: { authorization: `Bearer ${init.token ?? 'app-token'}`, ...(init.headers as Record<string, string>) } });

describe('auth and rate limits', () => {
  it('answers 401 for missing or bad credentials and accepts both schemes', async () => {
    expect((await request(`${sim.urls.github}/repos/acme/shop`)).status).toBe(401);
    const bad = await request(`${sim.urls.github}/repos/acme/shop`, { headers: { authorization: 'token wrong' } });
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe('Bad credentials');
    expect((await request(`${sim.urls.github}/repos/acme/shop`, { headers: { authorization: 'token app-token' } })).body.default_branch).toBe('main');
    const otherRepo = await request(`${sim.urls.github}/repos/acme/other`, { headers: { authorization: 'Bearer app-token' } });
    expect(otherRepo.status).toBe(404);
  });

  it('sends ETags, answers 304 to If-None-Match without spending the rate limit', async () => {
    const first = await gh(`/commits/${c1}`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/); // strong, like GitHub (S10)
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    const second = await gh(`/commits/${c1}`, { headers: { 'if-none-match': etag as string } });
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    const third = await gh(`/commits/${c1}`);
    expect(Number(third.headers.get('x-ratelimit-remaining'))).toBe(remaining - 1);
    expect(third.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(Number(third.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses with 403 once a token’s primary limit is used up', async () => {
    for (let i = 0; i < 3; i++) expect((await gh('', { token: 'tiny-token' })).status).toBe(200);
    const limited = await gh('', { token: 'tiny-token' });
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.body.message).toMatch(/rate limit/);
  });
});

describe('commits and refs', () => {
  it('resolves full and short SHAs, branches with slashes and tags; 422 otherwise', async () => {
    expect((await gh(`/commits/${c1}`)).body).toMatchObject({ sha: c1, commit: { message: 'first' }, parents: [] });
    expect((await gh(`/commits/${c3.slice(0, 7)}`)).body.sha).toBe(c3);
    const feature = await gh('/commits/feature/x');
    expect(feature.body).toMatchObject({ sha: f2, parents: [{ sha: f1 }] });
    expect(feature.body.html_url).toContain(`/acme/shop/commit/${f2}`);
    expect((await gh('/commits/v1.0.0')).body.sha).toBe(c2);
    const missing = await gh('/commits/deadbeefdeadbeef');
    expect(missing.status).toBe(422);
    expect(missing.body.message).toBe('No commit found for SHA: deadbeefdeadbeef');
  });

  it('lists branches and tags, reads a branch and its ruleset', async () => {
    expect((await gh('/branches')).body).toEqual([
      expect.objectContaining({ name: 'feature/x', commit: expect.objectContaining({ sha: f2 }) }),
      expect.objectContaining({ name: 'main', commit: expect.objectContaining({ sha: c3 }), protected: true }),
    ]);
    expect((await gh('/tags')).body).toEqual([expect.objectContaining({ name: 'v1.0.0', commit: expect.objectContaining({ sha: c2 }) })]);
    expect((await gh('/branches/main')).body).toMatchObject({ name: 'main', commit: { sha: c3 } });
    expect((await gh('/branches/nope')).status).toBe(404);
    const rules = await gh('/rules/branches/main');
    expect(rules.body).toEqual([expect.objectContaining({ type: 'required_status_checks', parameters: expect.objectContaining({ required_status_checks: [{ context: 'ci / build' }, { context: 'ci / test' }] }) })]);
    expect((await gh('/rules/branches/feature/x')).body).toEqual([]);
  });

  it('compares from the commit graph', async () => {
    const ahead = await gh(`/compare/${c1}...${c3}`);
    expect(ahead.body).toMatchObject({ status: 'ahead', ahead_by: 2, behind_by: 0, total_commits: 2, merge_base_commit: { sha: c1 } });
    expect(ahead.body.commits.map((c: any) => c.sha)).toEqual([c2, c3]);
    expect((await gh(`/compare/${c3}...${c1}`)).body).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 2 });
    expect((await gh(`/compare/main...${c3}`)).body).toMatchObject({ status: 'identical', ahead_by: 0, behind_by: 0 });
    expect((await gh(`/compare/main...feature/x`)).body).toMatchObject({ status: 'diverged', ahead_by: 2, behind_by: 1, merge_base_commit: { sha: c2 } });
    expect((await gh(`/compare/${c1}...${sha('unknown')}`)).status).toBe(404);
  });

  it('moves a branch when a commit is pushed at runtime', async () => {
    const c4 = sha('c4');
    sim.addCommit('github', { sha: c4, message: 'hotfix' });
    expect((await gh('/branches/main')).body.commit.sha).toBe(c4);
    expect((await gh(`/compare/${c3}...main`)).body).toMatchObject({ status: 'ahead', ahead_by: 1 });
    sim.setBranch('github', 'main', c3);
    expect((await gh('/branches/main')).body.commit.sha).toBe(c3);
  });
});

describe('check runs and statuses', () => {
  it('follows timelines by poll count and keeps the newest run per name and suite', async () => {
    const poll = async (query = '') => (await gh(`/commits/${c3}/check-runs${query}`)).body;
    const first = await poll();
    const names = first.check_runs.map((run: any) => run.name);
    expect(names).not.toContain('late');
    const build = () => first.check_runs.find((run: any) => run.name === 'build');
    expect(build()).toMatchObject({ status: 'in_progress', conclusion: null, completed_at: null, check_suite: { id: expect.any(Number) }, app: { slug: 'github-actions' } });
    expect(first.check_runs.filter((run: any) => run.name === 'test')).toHaveLength(2);
    const lint = first.check_runs.filter((run: any) => run.name === 'lint');
    expect(lint).toEqual([expect.objectContaining({ conclusion: 'success' })]);
    expect(first.check_runs.find((run: any) => run.name === 'release').check_suite.id).toBe(9999);
    const ids = first.check_runs.map((run: any) => run.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    const second = await poll('?filter=all');
    expect(second.check_runs.map((run: any) => run.name)).toContain('late');
    expect(second.check_runs.filter((run: any) => run.name === 'lint')).toHaveLength(2);
    const third = await poll();
    expect(third.check_runs.find((run: any) => run.name === 'build')).toMatchObject({ status: 'completed', conclusion: 'success', completed_at: expect.any(String) });
  });

  it('pages statuses newest first with a Link header, and combines the newest per context', async () => {
    const page1 = await gh(`/commits/${c2}/statuses?per_page=30`);
    expect(page1.body).toHaveLength(30);
    expect(page1.body[0].context).toBe('ctx-34');
    const link = page1.headers.get('link') ?? '';
    expect(link).toContain('rel="next"');
    expect(link).toContain('rel="last"');
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] as string;
    const page2 = await request(next, { headers: { authorization: 'Bearer app-token' } });
    expect(page2.body).toHaveLength(5);
    expect(page2.headers.get('link')).toContain('rel="prev"');
    expect((await gh(`/commits/${c2}/statuses?per_page=500`)).body).toHaveLength(35);

    const list = (await gh(`/commits/${c3}/statuses`)).body;
    expect(list.map((s: any) => [s.context, s.state])).toEqual([
      ['ci/other', 'pending'],
      ['ci/legacy', 'success'],
      ['ci/legacy', 'failure'],
    ]);
    const combined = (await gh(`/commits/${c3}/status`)).body;
    expect(combined).toMatchObject({ state: 'pending', sha: c3, total_count: 2 });
    expect(combined.statuses.find((s: any) => s.context === 'ci/legacy')).toMatchObject({ state: 'success', target_url: 'https://ci.example/2' });
  });

  it('changes checks at runtime with setCheck', async () => {
    sim.setCheck('github', c3, 'release', { conclusion: 'failure' });
    sim.setCheck('github', 'main', 'test', { conclusion: 'success', suiteId: 14, newRow: true });
    sim.setCheck('github', c3, 'ci/other', { state: 'success' });
    const runs = (await gh(`/commits/${c3}/check-runs`)).body.check_runs;
    expect(runs.find((run: any) => run.name === 'release')).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs.filter((run: any) => run.name === 'test')).toHaveLength(3);
    expect(runs[0]).toMatchObject({ name: 'test', check_suite: { id: 14 } });
    expect((await gh(`/commits/${c3}/status`)).body.state).toBe('success');
  });
});

describe('workflow runs, variables and deployments', () => {
  it('reads the current run’s check suite', async () => {
    expect((await gh('/actions/runs/77')).body).toMatchObject({ id: 77, check_suite_id: 9999, head_sha: c3 });
    expect((await gh('/actions/runs/78')).status).toBe(404);
  });

  it('reads variables live: 200, 404 when unset, 403 without the permission', async () => {
    expect((await gh('/actions/variables/ROLLOUT_DISABLED')).body).toMatchObject({ name: 'ROLLOUT_DISABLED', value: 'false', updated_at: expect.any(String) });
    sim.setVariable('github', 'ROLLOUT_DISABLED', 'true');
    expect((await gh('/actions/variables/rollout_disabled')).body.value).toBe('true');
    sim.setVariable('github', 'ROLLOUT_DISABLED', null);
    const unset = await gh('/actions/variables/ROLLOUT_DISABLED');
    expect(unset.status).toBe(404);
    expect(unset.body.message).toBe('Not Found');
    const refused = await gh('/actions/variables/ROLLOUT_DISABLED', { token: 'job-token' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('Resource not accessible by integration');
  });

  it('creates deployments and their statuses, logged as mutating but not as Zerops mutations', async () => {
    const created = await gh('/deployments', { method: 'POST', body: JSON.stringify({ ref: 'main', environment: 'production', required_contexts: [], auto_merge: false }), headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), sha: c3, environment: 'production' });
    const status = await gh(`/deployments/${created.body.id}/statuses`, { method: 'POST', body: JSON.stringify({ state: 'in_progress', log_url: 'https://ci.example/run' }) });
    expect(status.status).toBe(201);
    expect(status.body.state).toBe('in_progress');
    expect((await gh('/deployments/1/statuses', { method: 'POST', body: JSON.stringify({ state: 'success' }) })).status).toBe(404);
    expect((await gh('/deployments', { method: 'POST', body: JSON.stringify({ ref: 'main' }), token: 'job-token' })).status).toBe(403);
    const posts = sim.log.filter((entry) => entry.server === 'github' && entry.method === 'POST');
    expect(posts.every((entry) => entry.mutating)).toBe(true);
    expect(posts[0]?.body).toMatchObject({ ref: 'main', environment: 'production' });
    expect(sim.mutations().some((entry) => entry.server === 'github')).toBe(false);
    expect(sim.state().github.deployments).toEqual([expect.objectContaining({ sha: c3, statuses: ['in_progress'] })]);
  });
});
