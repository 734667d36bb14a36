// The GitHub adapter against the simulator over loopback HTTP: what the branch requires
// (rulesets, every page; classic protection), Link-header paging, rate limits, refs,
// comparisons and deployment records. Each test reads the simulator's request log.
import { afterEach, describe, expect, it } from '@jest/globals';
import { githubRateLimitFault, sha, startSimulator, type GithubScenario, type Simulator } from '../../sim/index.js';
import type { RunContext } from '../../src/forge/context.js';
import { GitHubForge } from '../../src/forge/github.js';
import { HttpError, isHttpStatus } from '../../src/http/errors.js';
import { fakeClock, recordingLogger } from '../helpers/fakes.js';
import { forgeClients } from '../helpers/forge-clients.js';
import { waitForChecks } from '../../src/gates/checks.js';
import { recordDeploymentEnd, recordDeploymentStart } from '../../src/report/deployment.js';
import type { Settings } from '../../src/settings/settings.js';
import type { RunFacts } from '../../src/report/facts.js';

const [c1, c2, c3] = [sha('gf1'), sha('gf2'), sha('gf3')];
const JOB = 'ghs_job_token_forge_tests';
const CONTROL = 'ctl_control_token_forge_tests';

let sim: Simulator | null = null;
const newClient = forgeClients();
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function setup(github: GithubScenario = {}) {
  sim = await startSimulator({
    github: {
      commits: [{ sha: c1 }, { sha: c2 }, { sha: c3 }],
      branches: { main: c3 },
      tokens: [{ value: JOB, jobToken: true }, { value: CONTROL, variables: true }],
      run: { id: 77, checkSuiteId: 9999 },
      ...github,
    },
  });
  const urls = sim.urls;
  const client = (token: string, maxServerWaitMs = 60_000) => newClient(urls.github, `Bearer ${token}`, { maxServerWaitMs });
  const ctx: RunContext = {
    repo: 'acme/shop',
    owner: 'acme',
    name: 'shop',
    apiUrl: sim.urls.github,
    serverUrl: sim.urls.github,
    sha: c3,
    ref: 'refs/heads/main',
    eventName: 'push',
    runId: '77',
    runNumber: '1',
    runAttempt: '1',
    workflow: 'Release',
    job: 'release',
    defaultBranchFromEvent: 'main',
    isGitea: false,
  };
  const warnings: string[] = [];
  const forge = new GitHubForge(ctx, client(JOB), client(CONTROL, 10_000), (m) => warnings.push(m));
  return { sim, forge, warnings };
}

const githubLog = (s: Simulator) => s.log.filter((e) => e.server === 'github');

describe('required checks of a branch (M4, M5)', () => {
  it('reads every page of the rules, following Link to /repositories/{id}, with per_page=100', async () => {
    const { sim: s, forge } = await setup({ rules: { main: ['ci / build', 'ci / test'] }, rulesBefore: 130 });
    const req = await forge.requiredChecks('main');
    expect(req.contexts.sort()).toEqual(['ci / build', 'ci / test']);
    expect(req.sources).toEqual(['ruleset']);
    const reads = githubLog(s).filter((e) => e.path.includes('/rules/branches/main'));
    expect(reads.map((e) => e.path)).toEqual(['/repos/acme/shop/rules/branches/main', '/repositories/1296269/rules/branches/main']);
    expect(reads.map((e) => e.query.per_page)).toEqual(['100', '100']);
  });

  it('reads classic branch protection from the branch answer (contexts and checks)', async () => {
    const { forge } = await setup({ protection: { main: ['legacy-ci', 'ci / test'] } });
    const req = await forge.requiredChecks('main');
    expect(req.contexts.sort()).toEqual(['ci / test', 'legacy-ci']);
    expect(req.sources).toEqual(['branch protection']);
  });

  it('warns when a protected branch answer shows no required checks (GitHub may hide them from some tokens)', async () => {
    const { sim: s, forge, warnings } = await setup();
    s.addFault({ server: 'github', path: '/repos/acme/shop/branches/main', respond: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'main', commit: { sha: c3 }, protected: true }) } });
    expect((await forge.requiredChecks('main')).contexts).toEqual([]);
    expect(warnings.join('\n')).toMatch(/main is protected, but the branch answer shows no required checks/);
  });

  it('takes a plan-restricted 403 or a 404 on the rules as "no rules", with a warning', async () => {
    for (const status of [403, 404]) {
      const { sim: s, forge, warnings } = await setup({ protection: { main: ['legacy-ci'] } });
      s.addFault({ server: 'github', path: '/repos/acme/shop/rules/branches/*', respond: { status, body: JSON.stringify({ message: status === 403 ? 'Upgrade to GitHub Pro or make this repository public to enable this feature.' : 'Not Found' }) } });
      const req = await forge.requiredChecks('main');
      expect(req.contexts).toEqual(['legacy-ci']);
      expect(warnings.join('\n')).toMatch(new RegExp(`Could not read the rulesets of main \\(HTTP ${status}`));
      await s.close();
      sim = null;
    }
  });

  it('keeps a ruleset integration_id and a protection app_id as the app a context must come from (m14)', async () => {
    const { sim: s, forge } = await setup({ protection: { main: ['legacy-ci'] } });
    const rules = [{ type: 'required_status_checks', ruleset_id: 5, parameters: { strict_required_status_checks_policy: false, required_status_checks: [{ context: 'ci / test', integration_id: 15368 }, { context: 'lint' }] } }];
    s.addFault({ server: 'github', path: '/repos/acme/shop/rules/branches/*', respond: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(rules) } });
    const req = await forge.requiredChecks('main');
    expect(req.contexts.sort()).toEqual(['ci / test', 'legacy-ci', 'lint']);
    expect(req.apps).toEqual({ 'ci / test': 15368 });
  });

  it.each([
    ['secondary 403', githubRateLimitFault({ kind: 'secondary', status: 403, path: '/repos/acme/shop/rules/branches/*' })],
    ['secondary 429', githubRateLimitFault({ kind: 'secondary', status: 429, path: '/repos/acme/shop/rules/branches/*', retryAfterS: 120 })],
    ['primary 403', githubRateLimitFault({ kind: 'primary', status: 403, path: '/repos/acme/shop/rules/branches/*', resetInS: 600 })],
    ['500', { server: 'github' as const, path: '/repos/acme/shop/rules/branches/*', respond: { status: 500, body: '{"message":"Server Error"}' } }],
  ])('fails closed on a %s (cannot tell what is required)', async (_name, fault) => {
    const { sim: s, forge } = await setup({ rules: { main: ['ci / test'] } });
    s.addFault(fault);
    const err = await forge.requiredChecks('main').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    if ((err as HttpError).status !== 500) {
      expect((err as HttpError).rateLimited).toBe(true);
      expect((err as HttpError).retryAfterMs).toBeGreaterThanOrEqual(60_000);
    }
  });
});

describe('check lists', () => {
  it('follows Link to the last page and asks for no empty page (m1)', async () => {
    const statuses = { [c3]: Array.from({ length: 120 }, (_, i) => ({ context: `ext/${i}`, state: 'success' })) };
    const { sim: s, forge } = await setup({ statuses, checkRuns: { [c3]: [{ name: 'build', conclusion: 'success' }] } });
    const rows = await forge.readChecks(c3);
    expect(rows.filter((r) => r.kind === 'status')).toHaveLength(120);
    const reads = githubLog(s).filter((e) => e.path.endsWith('/statuses'));
    expect(reads.map((e) => `${e.path}?page=${e.query.page ?? ''}`)).toEqual([`/repos/acme/shop/commits/${c3}/statuses?page=`, `/repositories/1296269/commits/${c3}/statuses?page=2`]);
    expect(githubLog(s).filter((e) => e.path.endsWith('/check-runs'))).toHaveLength(1);
  });

  it('keys check runs by app and suite and keeps a queued run without started_at (M6, M9, S8)', async () => {
    const { forge } = await setup({
      checkRuns: {
        [c3]: [
          { name: 'build', suiteId: 1, conclusion: 'success' },
          { name: 'build', suiteId: 1, status: 'queued' },
        ],
      },
    });
    const rows = (await forge.readChecks(c3)).filter((r) => r.name === 'build');
    const queued = rows.find((r) => r.state === 'pending');
    expect(queued?.at).toBe('');
    expect(queued?.source).toBe('app:15368/suite:1');
    expect(Math.max(...rows.map((r) => r.id))).toBe(queued?.id);
  });

  it('still retries a 503 with retry-after itself; only rate-limit waits go to the gate', async () => {
    const { sim: s, forge } = await setup({ checkRuns: { [c3]: [{ name: 'build', conclusion: 'success' }] } });
    s.addFault({ server: 'github', path: '/repos/acme/shop/commits/*/check-runs', times: 1, respond: { status: 503, headers: { 'retry-after': '1' }, body: '{"message":"Service Unavailable"}' } });
    const rows = await forge.readChecks(c3);
    expect(rows.map((r) => r.name)).toEqual(['build']);
    expect(githubLog(s).filter((e) => e.path.endsWith('/check-runs')).map((e) => e.status)).toEqual([503, 200]);
  });

  it('refuses a next-page link that leaves the API origin (the token would go with it)', async () => {
    const { sim: s, forge } = await setup();
    s.addFault({
      server: 'github',
      path: '/repos/acme/shop/commits/*/statuses',
      respond: { status: 200, headers: { 'content-type': 'application/json', link: '<http://127.0.0.2:9/steal?page=2>; rel="next"' }, body: '[]' },
    });
    await expect(forge.readChecks(c3)).rejects.toThrow(/leaves http:\/\/127\.0\.0\.1/);
  });
});

describe('checks gate under rate limits (M3)', () => {
  it.each([403, 429] as const)('waits a secondary %i without retry-after for a minute, then reads again and goes green', async (status) => {
    const { sim: s, forge } = await setup({ checkRuns: { [c3]: [{ name: 'build', conclusion: 'success' }] } });
    s.addFault(githubRateLimitFault({ kind: 'secondary', status, path: '/repos/acme/shop/commits/*/check-runs', times: 1 }));
    const clock = fakeClock();
    const log = recordingLogger();
    const t0 = clock.now();
    const result = await waitForChecks({ forge, sha: c3, requiredPatterns: [], rulesBranch: 'main', timeoutMs: 10 * 60_000, pollIntervalMs: 1000, clock, log, signal: new AbortController().signal });
    expect(result.verdict).toBe('green');
    expect(clock.now() - t0).toBeGreaterThanOrEqual(60_000);
    expect(log.text('warning')).toMatch(/rate limit reached while reading checks; waiting 1m/);
    expect(githubLog(s).filter((e) => e.path.endsWith('/check-runs')).map((e) => e.status)).toEqual([status, 200]);
  });

  it('waits a primary limit until x-ratelimit-reset', async () => {
    const { sim: s, forge } = await setup({ checkRuns: { [c3]: [{ name: 'build', conclusion: 'success' }] } });
    s.addFault(githubRateLimitFault({ kind: 'primary', status: 429, path: '/repos/acme/shop/rules/branches/*', resetInS: 300, times: 1 }));
    const clock = fakeClock(Date.now());
    const log = recordingLogger();
    const t0 = clock.now();
    const result = await waitForChecks({ forge, sha: c3, requiredPatterns: [], rulesBranch: 'main', timeoutMs: 10 * 60_000, pollIntervalMs: 1000, clock, log, signal: new AbortController().signal });
    expect(result.verdict).toBe('green');
    expect(clock.now() - t0).toBeGreaterThanOrEqual(295_000);
    expect(clock.now() - t0).toBeLessThanOrEqual(302_000);
  });
});

describe('rate limits on the kill-switch read (M3)', () => {
  it.each([403, 429] as const)('a secondary %i on the variable is "unreadable" (hold), never "forbidden" (switch off)', async (status) => {
    const { sim: s, forge } = await setup({ variables: { ZEROPS_DEPLOY_DISABLED: 'false' } });
    s.addFault(githubRateLimitFault({ kind: 'secondary', status, path: '/repos/acme/shop/actions/variables/*' }));
    const read = await forge.readVariable('ZEROPS_DEPLOY_DISABLED');
    expect(read.kind).toBe('unreadable');
  });
});

describe('refs and ancestry', () => {
  it('resolves with the sha media type, and refs/heads/x as heads/x (m2, S13)', async () => {
    const { sim: s, forge } = await setup();
    expect(await forge.resolveRef('refs/heads/main')).toBe(c3);
    expect(await forge.resolveRef(c2.slice(0, 7))).toBe(c2);
    expect(await forge.resolveRef('nope')).toBeNull();
    const paths = githubLog(s).filter((e) => e.path.includes('/commits/')).map((e) => e.path);
    expect(paths[0]).toBe('/repos/acme/shop/commits/heads%2Fmain');
    // The simulator is strict: refs/heads/… is not a documented ref form.
    const raw = await fetch(`${s.urls.github}/repos/acme/shop/commits/refs%2Fheads%2Fmain`, { headers: { authorization: `Bearer ${JOB}` } });
    expect(raw.status).toBe(422);
  });

  it('asks the cheap question: compare/{tip}...{target} when an ancestor is expected (m3)', async () => {
    const { sim: s, forge } = await setup();
    expect(await forge.isAncestor(c1, c3, true)).toBe(true);
    expect(await forge.isAncestor(c3, c1, true)).toBe(false);
    expect(await forge.isAncestor(c1, c3)).toBe(true);
    expect(await forge.isAncestor(c3, c1)).toBe(false);
    const compares = githubLog(s).filter((e) => e.path.includes('/compare/')).map((e) => e.path.split('/compare/')[1]);
    expect(compares).toEqual([`${c3}...${c1}`, `${c1}...${c3}`, `${c1}...${c3}`, `${c3}...${c1}`]);
  });
});

describe('redirects (m9)', () => {
  it('follows a 301 of a renamed repository or branch on the API origin', async () => {
    const { sim: s, forge } = await setup();
    s.addFault({ server: 'github', path: '/repos/acme/shop/branches/old-main', respond: { status: 301, headers: { location: `${s.urls.github}/repositories/1296269/branches/main` }, body: '{"message":"Moved Permanently"}' } });
    expect(await forge.branchTip('old-main')).toBe(c3);
    const paths = githubLog(s).map((e) => `${e.status} ${e.path}`);
    expect(paths).toEqual(['301 /repos/acme/shop/branches/old-main', '200 /repositories/1296269/branches/main']);
  });

  it('does not follow a redirect to another origin (the token would go with it)', async () => {
    const { sim: s, forge } = await setup();
    s.addFault({ server: 'github', path: '/repos/acme/shop/branches/main', respond: { status: 301, headers: { location: 'http://127.0.0.2:9/repositories/1/branches/main' }, body: '{}' } });
    await expect(forge.branchTip('main')).rejects.toThrow(/redirected off http:\/\/127\.0\.0\.1:\d+ \(to http:\/\/127\.0\.0\.2:9\); not followed/);
  });
});

describe('deployment records (m7)', () => {
  const settings = (environment: string) => ({ deploymentEnvironment: environment, dryRun: false, projectId: 'p1' }) as unknown as Settings;

  it('marks only the environment named production as a production environment', async () => {
    const { sim: s, forge } = await setup();
    const log = recordingLogger();
    await recordDeploymentStart(forge, settings('staging'), c3, log);
    await recordDeploymentStart(forge, settings('production'), c3, log);
    const bodies = githubLog(s).filter((e) => e.method === 'POST' && e.path.endsWith('/deployments')).map((e) => (e.body as { production_environment: boolean }).production_environment);
    expect(bodies).toEqual([false, true]);
  });

  it('keeps a created deployment whose in_progress status failed, so the end state is still written', async () => {
    const { sim: s, forge } = await setup();
    s.addFault({ server: 'github', method: 'POST', path: '/repos/acme/shop/deployments/*/statuses', times: 1, respond: { status: 500, body: '{"message":"Server Error"}' } });
    const log = recordingLogger();
    const id = await recordDeploymentStart(forge, settings('production'), c3, log);
    expect(id).not.toBeNull();
    await recordDeploymentEnd(forge, { deploymentId: id, stop: null, records: [] } as unknown as RunFacts, log);
    expect(s.state().github.deployments.map((d) => d.statuses)).toEqual([['success']]);
  });
});

describe('reading deployments back: latestOf (stage proof)', () => {
  const MIN = 60_000;

  it('answers null when the SHA has no deployment to the environment (other SHAs and environments do not count)', async () => {
    const { forge } = await setup({
      deployments: [
        { sha: c2, environment: 'staging', agoMs: 60 * MIN, statuses: [{ state: 'success', agoMs: 59 * MIN }] },
        { sha: c3, environment: 'production', agoMs: 30 * MIN, statuses: [{ state: 'success', agoMs: 29 * MIN }] },
      ],
    });
    expect(await forge.deployments.latestOf(c3, 'staging')).toBeNull();
  });

  it('reads one deployment with its statuses, newest first, with their times', async () => {
    const started = Date.now();
    const { sim: s, forge } = await setup({
      deployments: [{ sha: 'main', environment: 'staging', agoMs: 90 * MIN, statuses: [{ state: 'in_progress', agoMs: 89 * MIN }, { state: 'success', agoMs: 80 * MIN }] }],
    });
    const found = await forge.deployments.latestOf(c3, 'staging');
    expect(found).not.toBeNull();
    expect(found?.sha).toBe(c3);
    expect(found?.environment).toBe('staging');
    expect(found?.url).toBe(`${s.urls.github}/repos/acme/shop/deployments/${found?.id}`);
    expect(found?.statuses.map((st) => st.state)).toEqual(['success', 'in_progress']);
    const ageMin = (iso: string | undefined) => Math.round((started - Date.parse(iso ?? '')) / MIN);
    expect(ageMin(found?.createdAt)).toBe(90);
    expect(found?.statuses.map((st) => ageMin(st.createdAt))).toEqual([80, 89]);
    const reads = githubLog(s).filter((e) => e.method === 'GET' && e.path.includes('/deployments'));
    expect(reads[0]?.query).toMatchObject({ sha: c3, environment: 'staging', per_page: '100' });
  });

  it('picks the newest of several deployments of the SHA, including one the action created', async () => {
    const { forge } = await setup({
      deployments: [
        { sha: c3, environment: 'staging', agoMs: 120 * MIN, statuses: [{ state: 'success', agoMs: 119 * MIN }] },
        { sha: c3, environment: 'staging', agoMs: 40 * MIN, statuses: [{ state: 'failure', agoMs: 39 * MIN }] },
        { sha: c3, environment: 'staging', agoMs: 60 * MIN, statuses: [{ state: 'success', agoMs: 59 * MIN }] },
      ],
    });
    const seeded = await forge.deployments.latestOf(c3, 'staging');
    expect(seeded?.statuses.map((st) => st.state)).toEqual(['failure']);
    const created = await forge.deployments.create({ sha: c3, environment: 'staging', description: 'redeploy' });
    await forge.deployments.status(created, { state: 'success', description: 'done', logUrl: 'https://ci.example/run/1' });
    const latest = await forge.deployments.latestOf(c3, 'staging');
    expect(latest?.id).toBe(created);
    expect(latest?.statuses).toEqual([expect.objectContaining({ state: 'success', logUrl: 'https://ci.example/run/1' })]);
  });

  it('takes the highest id as newest whatever order the server lists, and re-applies the sha/environment filter', async () => {
    const { sim: s, forge } = await setup({
      deployments: [
        { sha: c3, environment: 'staging', agoMs: 90 * MIN, statuses: [{ state: 'success', agoMs: 89 * MIN }] },
        { sha: c3, environment: 'staging', agoMs: 30 * MIN, statuses: [{ state: 'in_progress', agoMs: 29 * MIN }, { state: 'failure', agoMs: 28 * MIN }] },
        { sha: c2, environment: 'staging', agoMs: 5 * MIN },
        { sha: c3, environment: 'qa', agoMs: 4 * MIN },
      ],
    });
    type Row = { id: number; sha: string; environment: string };
    const read = async (path: string) => (await fetch(`${s.urls.github}/repos/acme/shop${path}`, { headers: { authorization: `Bearer ${JOB}` } })).json() as Promise<Row[]>;
    // Oldest first, with rows the filter should have dropped: as if the server ignored order and filters.
    const everything = (await read('/deployments')).reverse();
    const newestOfTarget = Math.max(...everything.filter((d) => d.sha === c3 && d.environment === 'staging').map((d) => d.id));
    const statuses = (await read(`/deployments/${newestOfTarget}/statuses`)).reverse();
    s.addFault({ server: 'github', method: 'GET', path: '/repos/acme/shop/deployments', respond: { status: 200, body: JSON.stringify(everything) } });
    s.addFault({ server: 'github', method: 'GET', path: '/repos/acme/shop/deployments/*/statuses', respond: { status: 200, body: JSON.stringify(statuses) } });
    const found = await forge.deployments.latestOf(c3, 'staging');
    expect(found?.id).toBe(newestOfTarget);
    expect(found?.statuses.map((st) => st.state)).toEqual(['failure', 'in_progress']);
  });

  it('finds a deployment whose environment differs only in case when the server matches names case-insensitively', async () => {
    const { forge } = await setup({ deploymentEnvironmentMatch: 'case-insensitive', deployments: [{ sha: c3, environment: 'Staging', agoMs: 60 * MIN }] });
    expect((await forge.deployments.latestOf(c3, 'staging'))?.environment).toBe('Staging');
  });

  it('reads statuses from every page (Link to page 2), all newest first', async () => {
    const statuses = Array.from({ length: 130 }, (_, i) => ({ state: i === 129 ? 'success' : 'in_progress', agoMs: (200 - i) * MIN }));
    const { sim: s, forge } = await setup({ deployments: [{ sha: c3, environment: 'staging', agoMs: 300 * MIN, statuses }] });
    const found = await forge.deployments.latestOf(c3, 'staging');
    expect(found?.statuses).toHaveLength(130);
    expect(found?.statuses[0]?.state).toBe('success');
    const ids = found?.statuses.map((st) => st.id) ?? [];
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const statusReads = githubLog(s).filter((e) => e.path.endsWith('/statuses'));
    expect(statusReads).toHaveLength(2);
    expect(statusReads[1]?.path).toMatch(/^\/repositories\/1296269\/deployments\/\d+\/statuses$/);
  });

  it('throws rather than guess when the statuses run past the page cap (the newest may be unread)', async () => {
    const statuses = Array.from({ length: 501 }, (_, i) => ({ state: 'in_progress', agoMs: (600 - i) * 1000 }));
    const { forge } = await setup({ deployments: [{ sha: c3, environment: 'staging', agoMs: 700_000, statuses }] });
    await expect(forge.deployments.latestOf(c3, 'staging')).rejects.toThrow(/more than 500 statuses; the newest cannot be told/);
  });

  it('throws an HttpError 403 when the token may not read deployments', async () => {
    const { forge } = await setup({
      deployments: [{ sha: c3, environment: 'staging', agoMs: 60 * MIN, statuses: [{ state: 'success', agoMs: 59 * MIN }] }],
      tokens: [{ value: JOB, jobToken: true, deploymentsRead: false }, { value: CONTROL, variables: true }],
    });
    const err = await forge.deployments.latestOf(c3, 'staging').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(isHttpStatus(err, 403)).toBe(true);
    expect((err as HttpError).message).toMatch(/Resource not accessible by integration/);
  });

  it('throws an HttpError 404 when the repository is not there for the token', async () => {
    const { forge } = await setup({
      deployments: [{ sha: c3, environment: 'staging', agoMs: 60 * MIN }],
      tokens: [{ value: JOB, jobToken: true, seesRepo: false }, { value: CONTROL, variables: true }],
    });
    const err = await forge.deployments.latestOf(c3, 'staging').catch((e: unknown) => e);
    expect(isHttpStatus(err, 404)).toBe(true);
  });
});
