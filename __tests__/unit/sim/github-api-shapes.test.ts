// The GitHub simulator where the audit found it looser than GitHub: paginated rules (S11),
// `protection` on branches (S12), nullable started_at (S8), Link URLs by repository id (S14),
// refs/heads/… refused (S13), the sha media type, GITHUB_TOKEN's shared 1,000/h (S9) and
// rate-limit answers the tests can arm.
import { afterEach, describe, expect, it } from '@jest/globals';
import { githubRateLimitFault, sha, startSimulator, type GithubScenario, type Simulator } from '../../../sim/index.js';
import { request } from './helpers.js';

const [c1, c2] = [sha('s1'), sha('s2')];
let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function start(github: GithubScenario = {}): Promise<Simulator> {
  sim = await startSimulator({
    github: { commits: [{ sha: c1 }, { sha: c2 }], tokens: [{ value: 'app' }, { value: 'job-a', jobToken: true }, { value: 'job-b', jobToken: true }], ...github },
  });
  return sim;
}

const get = (s: Simulator, path: string, token = 'app', headers: Record<string, string> = {}) =>
  request(path.startsWith('http') ? path : `${s.urls.github}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

describe('github simulator shapes', () => {
  it('pages the rules (default 30) with Link URLs under /repositories/{id}', async () => {
    const s = await start({ rules: { main: ['ci / test'] }, rulesBefore: 40 });
    const first = await get(s, '/repos/acme/shop/rules/branches/main');
    expect(first.body).toHaveLength(30);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] as string;
    expect(new URL(next).pathname).toBe('/repositories/1296269/rules/branches/main');
    const second = await get(s, next);
    expect(second.body.map((r: any) => r.type)).toEqual([...Array.from({ length: 10 }, (_, i) => ((30 + i) % 2 ? 'non_fast_forward' : 'deletion')), 'required_status_checks']);
    expect(second.headers.get('link')).not.toContain('rel="next"');
  });

  it('answers every branch with a protection object, with required contexts when protected', async () => {
    const s = await start({ branches: { main: c2, dev: c1 }, protection: { main: ['legacy-ci'] } });
    const main = (await get(s, '/repos/acme/shop/branches/main')).body;
    expect(main.protection).toEqual({ enabled: true, required_status_checks: { enforcement_level: 'non_admins', contexts: ['legacy-ci'], checks: [{ context: 'legacy-ci', app_id: null }] } });
    expect(main.protected).toBe(true);
    const dev = (await get(s, '/repos/acme/shop/branches/dev')).body;
    expect(dev.protection).toMatchObject({ enabled: false, required_status_checks: { contexts: [] } });
  });

  it('gives a queued check run no started_at', async () => {
    const s = await start({ checkRuns: { [c2]: [{ name: 'build', status: 'queued' }, { name: 'lint', status: 'in_progress' }] } });
    const runs = (await get(s, `/repos/acme/shop/commits/${c2}/check-runs`)).body.check_runs;
    expect(Object.fromEntries(runs.map((r: any) => [r.name, r.started_at]))).toEqual({ build: null, lint: expect.any(String) });
  });

  it('refuses refs/heads/… on /commits/{ref} and answers the sha media type with text', async () => {
    const s = await start();
    expect((await get(s, '/repos/acme/shop/commits/refs%2Fheads%2Fmain')).status).toBe(422);
    expect((await get(s, '/repos/acme/shop/commits/heads%2Fmain')).body.sha).toBe(c2);
    const text = await get(s, '/repos/acme/shop/commits/main', 'app', { accept: 'application/vnd.github.sha' });
    expect(text.text).toBe(c2);
    expect(text.headers.get('content-type')).toMatch(/^application\/vnd\.github\.sha/);
  });

  it("shares one 1,000/h budget between a repository's GITHUB_TOKENs", async () => {
    const s = await start();
    const a = await get(s, '/repos/acme/shop', 'job-a');
    expect(a.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(a.headers.get('x-ratelimit-remaining')).toBe('999');
    const b = await get(s, '/repos/acme/shop', 'job-b');
    expect(b.headers.get('x-ratelimit-remaining')).toBe('998');
    expect((await get(s, '/repos/acme/shop', 'app')).headers.get('x-ratelimit-limit')).toBe('5000');
  });

  const cases: Array<['primary' | 'secondary', 403 | 429, number | undefined]> = [
    ['primary', 403, undefined],
    ['primary', 429, undefined],
    ['secondary', 403, undefined],
    ['secondary', 403, 7],
    ['secondary', 429, undefined],
    ['secondary', 429, 7],
  ];
  it.each(cases)('arms a %s rate limit answered %i (retry-after %s)', async (kind, status, retryAfterS) => {
    const s = await start();
    s.addFault(githubRateLimitFault({ kind, status, path: '/repos/acme/shop', times: 1, ...(retryAfterS !== undefined ? { retryAfterS } : {}) }));
    const limited = await get(s, '/repos/acme/shop');
    expect(limited.status).toBe(status);
    expect(limited.body.message).toMatch(kind === 'primary' ? /^API rate limit exceeded/ : /secondary rate limit/);
    expect(limited.headers.get('x-ratelimit-remaining') === '0').toBe(kind === 'primary');
    expect(limited.headers.get('retry-after')).toBe(retryAfterS === undefined ? null : String(retryAfterS));
    expect((await get(s, '/repos/acme/shop')).status).toBe(200);
  });
});
