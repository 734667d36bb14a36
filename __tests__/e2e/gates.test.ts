// The required-checks gate, end to end on both forges: the committed bundle runs as a
// child process against the simulator, and every test asserts on the request log.
import { describe, expect, it } from '@jest/globals';
import { githubRateLimitFault, type CheckSpec, type Simulator, type StatusSpec } from '../../sim/index.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { runAction, type ActionRun } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { checkListReads, forgeRequests, pagesPerPoll, polls, type ForgeName } from '../helpers/requests.js';
import { baseInputs, DEFAULT_SERVICES, RUN_ID, world, type WorldOptions } from '../helpers/world.js';

const T = 60_000;
/** The child is killed before the test's own timeout, so a hung run fails with its output instead of leaking. */
const CHILD_TIMEOUT = 50_000;
const repo = makeRepo(DEFAULT_SERVICES);
const target = repo.shas[2] as string;
const FORGES: ForgeName[] = ['github', 'gitea'];

const { start } = simulatorPerTest();

function release(s: Simulator, forge: ForgeName, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ sim: s, forge, timeoutMs: CHILD_TIMEOUT, inputs: baseInputs(s, repo.dir, inputs), env: { GITHUB_SHA: target } });
}

/** A check (GitHub check run) or status (Gitea) named `name` that goes through `states` one poll at a time. */
interface RowSpec {
  name: string;
  /** Final-state words: success, failure, pending (forever), skipped… */
  states: string[];
  /** The step shown from this poll on, per state (default: one poll each). */
  afterPolls?: number[];
  url?: string;
  /** GitHub check suite (workflow run); rows of one name in one suite are re-runs of each other. */
  suiteId?: number;
}

/** The rows in the world's shape for one forge: check runs on GitHub, statuses on Gitea. */
function rowsFor(forge: ForgeName, rows: RowSpec[]): Pick<WorldOptions, 'checks' | 'statuses'> {
  if (forge === 'github') {
    const checks: CheckSpec[] = rows.map((r) => ({
      name: r.name,
      ...(r.url ? { detailsUrl: r.url } : {}),
      ...(r.suiteId ? { suiteId: r.suiteId } : {}),
      timeline: r.states.map((s, i) => ({
        ...(s === 'pending' ? { status: 'in_progress' } : { status: 'completed', conclusion: s }),
        afterPolls: r.afterPolls?.[i] ?? i,
      })),
    }));
    return { checks };
  }
  const statuses: StatusSpec[] = rows.map((r) => ({
    context: r.name,
    ...(r.url ? { targetUrl: r.url } : {}),
    timeline: r.states.map((s, i) => ({ state: s, afterPolls: r.afterPolls?.[i] ?? i })),
  }));
  return { statuses };
}

/** How each forge names a CI job: GitHub check run `test`, Gitea status `CI / test (push)`. */
const ciName = (forge: ForgeName, job: string): string => (forge === 'github' ? job : `CI / ${job} (push)`);

const message = (run: ActionRun): string => String(run.report?.reason ?? '');

describe.each(FORGES)('checks gate on %s', (forge) => {
  it(
    'goes green after pending: polls until success, with conditional requests',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, ...rowsFor(forge, [{ name: ciName(forge, 'test'), states: ['pending', 'success'], afterPolls: [0, 3] }]) }));
      const run = await release(s, forge);

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      // Polled until the 4th read showed success, then stopped polling.
      const p = polls(s, forge);
      expect(p.length).toBe(4);
      expect(p.every((e) => e.status === 200 || e.status === 304)).toBe(true);
      expect(p[0]?.headers['if-none-match']).toBeUndefined();
      if (forge === 'gitea') {
        // Gitea sends no ETag, so there is nothing to be conditional on: every poll is a full 200.
        expect(p.map((e) => e.status)).toEqual([200, 200, 200, 200]);
        expect(p.every((e) => e.headers['if-none-match'] === undefined)).toBe(true);
      } else {
        // Every poll after the first is conditional; unchanged answers are free 304s.
        expect(p.slice(1).every((e) => typeof e.headers['if-none-match'] === 'string' && e.headers['if-none-match'].length > 0)).toBe(true);
        expect(p.slice(1, 3).map((e) => e.status)).toEqual([304, 304]);
        expect(p[3]?.status).toBe(200); // the change (success) comes with a body
      }
      if (forge === 'github') {
        // The statuses list is polled alongside the check runs, conditionally as well.
        const st = polls(s, 'github', 'statuses');
        expect(st.length).toBe(4);
        expect(st.slice(1).every((e) => e.status === 304)).toBe(true);
      }
      // The deploy happened after the checks went green: no Zerops mutation before the last poll.
      const firstMutation = s.mutations()[0];
      expect(firstMutation).toBeDefined();
      expect((firstMutation as { seq: number }).seq).toBeGreaterThan((p[3] as { seq: number }).seq);
      // Progress is a line per change, not per poll.
      expect(run.stdout.split('\n').filter((l) => l.startsWith('Checks on ')).length).toBe(2);
      expect(run.report?.gates.checks.polls).toBe(4);
      if (forge === 'github') expect(run.report?.api.forge.notModified).toBeGreaterThanOrEqual(2);
    },
    T,
  );

  it(
    'stops at once on a failure, listing every required check with its state and link',
    async () => {
      const test = ciName(forge, 'test');
      const lint = ciName(forge, 'lint');
      const build = ciName(forge, 'build');
      const url = (job: string) => (forge === 'github' ? undefined : `https://ci.example.com/acme/shop/${job}/77`);
      const s = await start(
        world({
          shas: repo.shas,
          forge,
          ...rowsFor(forge, [
            { name: test, states: ['pending', 'failure'], afterPolls: [0, 2], ...(url('test') ? { url: url('test') } : {}) },
            { name: lint, states: ['success'], ...(url('lint') ? { url: url('lint') } : {}) },
            { name: build, states: ['pending'], ...(url('build') ? { url: url('build') } : {}) }, // never finishes
          ]),
        }),
      );
      const run = await release(s, forge, { 'checks-timeout': '20s' });

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(run.report?.reasonCode).toBe('checks');
      expect(s.mutations()).toEqual([]);
      // The failure appeared on the 3rd poll and nothing was polled after it.
      expect(polls(s, forge).length).toBe(3);
      // Every required check with its last state and link.
      const text = message(run);
      const failing = forge === 'github' ? 'completed/failure' : 'failure';
      const passing = forge === 'github' ? 'completed/success' : 'success';
      const waiting = forge === 'github' ? 'in_progress' : 'pending';
      for (const [name, state] of [
        [test, failing],
        [lint, passing],
        [build, waiting],
      ] as const) {
        const line = text.split('\n').find((l) => l.includes(`- ${name}: `));
        expect(line).toBeDefined();
        expect(line).toContain(`- ${name}: ${state} (`);
        expect(line).toMatch(forge === 'github' ? /\(http:\/\/127\.0\.0\.1:\d+\/acme\/shop\/actions\/runs\/\d+\/job\/\d+\)$/ : /\(https:\/\/ci\.example\.com\/acme\/shop\/\w+\/77\)$/);
      }
      expect(text).not.toContain('- deploy: ');
      expect(text).not.toContain('Deploy / deploy (push)');
      // Printed as an error annotation too.
      expect(run.stdout).toMatch(/^::error title=Release failed::Required checks failed/m);
      // No deployment record and nothing written to the forge.
      expect(forgeRequests(s, forge).filter((e) => e.method !== 'GET')).toEqual([]);
    },
    T,
  );

  it(
    'times out on a required check that never appears, naming it as missing',
    async () => {
      const s = await start(world({ shas: repo.shas, forge }));
      const run = await release(s, forge, { 'required-checks': 'e2e', 'checks-timeout': '1500ms', 'poll-interval': '100ms' });

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(run.report?.reasonCode).toBe('checks');
      expect(message(run)).toMatch(/^Timed out after 1\.5s waiting for checks on [0-9a-f]{12} \(not all required checks went green\):$/m);
      expect(message(run)).toMatch(/^ {2}- e2e: missing$/m);
      expect(s.mutations()).toEqual([]);
      // It kept polling until the deadline (not once and give up).
      expect(polls(s, forge).length).toBeGreaterThan(3);
    },
    T,
  );

  it(
    'finding nothing to wait for is never success: with only its own job reported, it waits and times out',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, ...(forge === 'github' ? { checks: [] } : { statuses: [] }) }));
      const run = await release(s, forge, { 'checks-timeout': '1s', 'poll-interval': '100ms' });

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(message(run)).toContain('(no check or status was ever reported on the commit)');
      expect(message(run)).toContain('(no checks or statuses reported on the commit)');
      expect(polls(s, forge).length).toBeGreaterThan(2);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it(
    'keeps the newest of duplicate rows: an old failure under a newer success passes',
    async () => {
      const name = ciName(forge, 'test');
      const s = await start(world({ shas: repo.shas, forge, ...rowsFor(forge, [
        { name, states: ['failure'], suiteId: 700 },
        { name, states: ['success'], suiteId: 700 },
      ]) }));
      const run = await release(s, forge);

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      expect(polls(s, forge).length).toBe(1);
      const rows = (run.report?.gates.checks.required ?? []) as Array<{ name: string; state: string }>;
      expect(rows).toEqual([expect.objectContaining({ name, state: 'success' })]);
      expect(s.mutations().length).toBeGreaterThan(0);
    },
    T,
  );

  it(
    'keeps the newest of duplicate rows: an old success under a newer failure fails at once',
    async () => {
      const name = ciName(forge, 'test');
      const s = await start(world({ shas: repo.shas, forge, ...rowsFor(forge, [
        { name, states: ['success'], suiteId: 700 },
        { name, states: ['failure'], suiteId: 700 },
      ]) }));
      const run = await release(s, forge);

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(message(run)).toMatch(new RegExp(`^ {2}- ${name.replace(/[()]/g, '\\$&')}: (completed/)?failure`, 'm'));
      expect(polls(s, forge).length).toBe(1);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it(
    "never waits on this run's own job, which stays pending forever",
    async () => {
      const s = await start(world({ shas: repo.shas, forge }));
      if (forge === 'gitea') {
        // Real Gitea writes an absolute target_url; the own status must be recognised either way.
        s.setCheck('gitea', target, 'Deploy / deploy (push)', { targetUrl: `${s.urls.giteaServer}/acme/shop/actions/runs/17/jobs/1` });
      }
      const run = await release(s, forge);

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      const rows = (run.report?.gates.checks.required ?? []) as Array<{ name: string }>;
      expect(rows.map((r) => r.name)).toEqual([ciName(forge, 'test')]);
      // The own job was reported (pending) on every poll, and was not waited on.
      expect(polls(s, forge).length).toBe(1);
      if (forge === 'github') {
        // Excluded by the current run's check suite, read from the workflow run.
        expect(forgeRequests(s, 'github').filter((e) => e.path === `/repos/acme/shop/actions/runs/${RUN_ID}` && e.status === 200).length).toBe(1);
      }
      expect(s.mutations().length).toBeGreaterThan(0);
    },
    T,
  );

  it(
    "still waits on another run's job (exclusion is by run, not by name)",
    async () => {
      // GitHub: a job named like ours in another check suite. Gitea: a status whose target_url is run 16.
      const rows =
        forge === 'github'
          ? { checks: [{ name: 'test', conclusion: 'success' }, { name: 'deploy', status: 'in_progress', suiteId: 777 }] as CheckSpec[] }
          : {
              statuses: [
                { context: 'CI / test (push)', state: 'success' },
                { context: 'Deploy / deploy (push)', state: 'pending', targetUrl: '/acme/shop/actions/runs/16/jobs/1' },
              ] as StatusSpec[],
            };
      const s = await start(world({ shas: repo.shas, forge, ...rows }));
      const run = await release(s, forge, { 'checks-timeout': '1s', 'poll-interval': '100ms' });

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(message(run)).toContain(forge === 'github' ? '- deploy: in_progress' : '- Deploy / deploy (push): pending');
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it(
    'ignore-checks: a second deploy workflow in progress on the same commit is not waited on',
    async () => {
      const other = forge === 'github' ? 'deploy-staging' : 'Deploy staging / deploy (push)';
      const rows =
        forge === 'github'
          ? { checks: [{ name: 'test', conclusion: 'success' }, { name: other, status: 'in_progress' }] as CheckSpec[] }
          : {
              statuses: [
                { context: 'CI / test (push)', state: 'success' },
                { context: other, state: 'pending', targetUrl: '/acme/shop/actions/runs/18/jobs/0' },
              ] as StatusSpec[],
            };
      const ignore = forge === 'github' ? 'deploy-*' : 'Deploy staging / *';

      // Without ignore-checks the other deploy job is waited on (and here times out).
      const s1 = await start(world({ shas: repo.shas, forge, ...rows }));
      const blocked = await release(s1, forge, { 'checks-timeout': '1s', 'poll-interval': '100ms' });
      expect(blocked.outputs.result).toBe('failed');
      expect(message(blocked)).toContain(`- ${other}: ${forge === 'github' ? 'in_progress' : 'pending'}`);
      expect(s1.mutations()).toEqual([]);
      await s1.close();

      const s2 = await start(world({ shas: repo.shas, forge, ...rows }));
      const run = await release(s2, forge, { 'ignore-checks': ignore, 'checks-timeout': '20s' });
      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      expect(polls(s2, forge).length).toBe(1);
      const required = (run.report?.gates.checks.required ?? []) as Array<{ name: string }>;
      expect(required.map((r) => r.name)).toEqual([ciName(forge, 'test')]);
      expect(s2.mutations().length).toBeGreaterThan(0);
    },
    T,
  );
});

describe('checks gate on github: what GitHub requires', () => {
  it(
    'a job name reported by two workflows (check suites) must pass in both (M6)',
    async () => {
      const s = await start(world({ shas: repo.shas, forge: 'github', checks: [
        { name: 'test', suiteId: 701, conclusion: 'failure' },
        { name: 'test', suiteId: 702, conclusion: 'success' },
      ] }));
      const run = await release(s, 'github');

      expect(run.outputs.result).toBe('failed');
      expect(message(run)).toMatch(/^ {2}- test: completed\/failure/m);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it(
    'a check run and a commit status of one name must both pass (M6)',
    async () => {
      const s = await start(world({ shas: repo.shas, forge: 'github', checks: [{ name: 'ci', conclusion: 'failure' }], statuses: [{ context: 'ci', state: 'success' }] }));
      const run = await release(s, 'github', { 'required-checks': 'ci' });

      expect(run.outputs.result).toBe('failed');
      expect(message(run)).toMatch(/^ {2}- ci: completed\/failure/m);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it(
    'a required check skipped by its workflow counts as passed, as on GitHub (M7)',
    async () => {
      const s = await start(world({ shas: repo.shas, forge: 'github', checks: [{ name: 'e2e', conclusion: 'skipped' }, { name: 'test', conclusion: 'success' }] }));
      const run = await release(s, 'github', { 'required-checks': 'e2e, test' });

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
    },
    T,
  );

  it(
    'classic branch protection names a check not reported yet: it is waited for, never green without it (M5)',
    async () => {
      const scenario = world({ shas: repo.shas, forge: 'github' });
      (scenario.github as { protection?: Record<string, string[]> }).protection = { main: ['legacy-ci'] };
      const s = await start(scenario);
      const run = await release(s, 'github', { 'checks-timeout': '2s' });

      expect(run.outputs.result).toBe('failed');
      expect(message(run)).toMatch(/Timed out .* waiting for checks/);
      expect(message(run)).toMatch(/^ {2}- legacy-ci: missing/m);
      expect(run.stdout).toContain('The branch protection of main requires: legacy-ci');
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it(
    'rulesets past page 1 are read (per_page=100, Link followed) and enforced (M4)',
    async () => {
      const scenario = world({ shas: repo.shas, forge: 'github', rules: { main: ['ci / e2e'] } });
      (scenario.github as { rulesBefore?: number }).rulesBefore = 120;
      const s = await start(scenario);
      const run = await release(s, 'github', { 'checks-timeout': '2s' });

      expect(run.outputs.result).toBe('failed');
      expect(message(run)).toMatch(/^ {2}- ci \/ e2e: missing/m);
      const reads = forgeRequests(s, 'github').filter((e) => e.path.endsWith('/rules/branches/main'));
      expect(reads.map((e) => e.path.startsWith('/repositories/'))).toEqual([false, true]);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it(
    'a rules read that keeps failing (500) fails the gate closed: what is required is unknown (M4)',
    async () => {
      const s = await start(world({ shas: repo.shas, forge: 'github', rules: { main: ['test'] }, faults: [{ server: 'github', path: '/repos/acme/shop/rules/branches/*', respond: { status: 500, body: '{"message":"Server Error"}' } }] }));
      const run = await release(s, 'github');

      expect(run.outputs.result).toBe('failed');
      expect(message(run)).toMatch(/Could not read the checks main requires/);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it(
    'a secondary rate limit (403, retry-after) on the rules read is waited out, then enforced (M3, M4)',
    async () => {
      const s = await start(world({ shas: repo.shas, forge: 'github', rules: { main: ['test'] }, faults: [githubRateLimitFault({ kind: 'secondary', status: 403, retryAfterS: 1, path: '/repos/acme/shop/rules/branches/*', times: 1 })] }));
      const run = await release(s, 'github');

      expect(run.outputs.result).toBe('success');
      const reads = forgeRequests(s, 'github').filter((e) => e.path.endsWith('/rules/branches/main'));
      expect(reads.map((e) => e.status)).toEqual([403, 200]);
      expect((reads[1]?.t ?? 0) - (reads[0]?.t ?? 0)).toBeGreaterThanOrEqual(950);
      expect(run.stdout).toContain('The ruleset of main requires: test');
    },
    T,
  );

  it(
    'a secondary rate limit without retry-after is waited at least a minute; past checks-timeout it fails closed with why (M3)',
    async () => {
      const s = await start(world({ shas: repo.shas, forge: 'github', faults: [githubRateLimitFault({ kind: 'secondary', status: 429, path: '/repos/acme/shop/commits/*/check-runs', times: 1 })] }));
      const run = await release(s, 'github', { 'checks-timeout': '5s' });

      expect(run.outputs.result).toBe('failed');
      expect(message(run)).toMatch(/rate limited for 1m.*past `checks-timeout`/);
      // Not hammered: one throttled read, no retry inside the minute.
      expect(checkListReads(s, 'github', 'check-runs').map((e) => e.status)).toEqual([429]);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );
});

describe('checks gate on gitea: branch protection', () => {
  it(
    'status_check_contexts (globs) of a protected branch are waited for (M5)',
    async () => {
      const scenario = world({ shas: repo.shas, forge: 'gitea' });
      (scenario.gitea as { protection?: Record<string, string[]> }).protection = { main: ['CI / e2e*'] };
      const s = await start(scenario);
      const run = await release(s, 'gitea', { 'checks-timeout': '2s' });

      expect(run.outputs.result).toBe('failed');
      expect(message(run)).toMatch(/^ {2}- CI \/ e2e\*: missing/m);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );
});

describe.each(FORGES)('checks gate on %s: rate limits', (forge) => {
  const listPath = forge === 'github' ? '/repos/acme/shop/commits/*/check-runs' : '/api/v1/repos/acme/shop/commits/*/statuses';

  it(
    'a 429 with retry-after while polling is waited out, not a failure',
    async () => {
      const s = await start(
        world({ shas: repo.shas, forge, faults: [{ server: forge, method: 'GET', path: listPath, times: 1, respond: { status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ message: 'slow down' }) } }] }),
      );
      const run = await release(s, forge);

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      const reads = checkListReads(s, forge, forge === 'github' ? 'check-runs' : 'statuses');
      expect(reads.map((e) => e.status).slice(0, 2)).toEqual([429, 200]);
      // The server's wait was honoured (a lower bound only: a slow machine can only wait longer).
      expect((reads[1]?.t ?? 0) - (reads[0]?.t ?? 0)).toBeGreaterThanOrEqual(950);
    },
    T,
  );

  if (forge === 'github') {
    it(
      'a 403 primary rate limit (remaining 0, x-ratelimit-reset) is waited out until the reset',
      async () => {
        const s = await start(world({ shas: repo.shas, forge }));
        const reset = Math.ceil(Date.now() / 1000) + 2;
        // The reset instant on the simulator's clock (entry `t` is ms since it started).
        const resetAtSimMs = s.state().elapsedMs + (reset * 1000 - Date.now());
        s.addFault({
          server: 'github',
          method: 'GET',
          path: listPath,
          times: 1,
          respond: { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: JSON.stringify({ message: 'API rate limit exceeded' }) },
        });
        const run = await release(s, forge);

        expect(run.outputs.result).toBe('success');
        expect(run.code).toBe(0);
        const reads = checkListReads(s, 'github', 'check-runs');
        expect(reads.map((e) => e.status).slice(0, 2)).toEqual([403, 200]);
        // Not asked again before the reset (a lower bound only; 100 ms for clock rounding).
        expect(reads[1]?.t ?? 0).toBeGreaterThanOrEqual(resetAtSimMs - 100);
      },
      T,
    );
  }
});

describe('checks gate: pagination', () => {
  it(
    'gitea: ~120 statuses with a silent clamp to 50 — reads pages 1..3, finds the green row on page 3',
    async () => {
      const required = 'CI / e2e (push)';
      const statuses: StatusSpec[] = [
        { context: required, state: 'success' }, // oldest: listed last, on page 3
        ...Array.from({ length: 119 }, (_, i) => ({ context: `CI / shard ${i + 1} (push)`, state: 'success' })),
      ];
      const s = await start(world({ shas: repo.shas, forge: 'gitea', statuses, forgeMaxLimit: 50 }));
      const run = await release(s, 'gitea', { 'required-checks': required, 'checks-timeout': '2s' });

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      // One poll, three pages, each asked for 100 and silently given 50 (the last 21).
      expect(pagesPerPoll(s, 'gitea', 'statuses')).toEqual([[1, 2, 3]]);
      const reads = checkListReads(s, 'gitea', 'statuses');
      expect(reads.map((e) => e.query.limit)).toEqual(['100', '100', '100']);
      expect(reads.every((e) => e.status === 200)).toBe(true);
      const rows = (run.report?.gates.checks.required ?? []) as Array<{ name: string; state: string }>;
      expect(rows).toEqual([expect.objectContaining({ name: required, state: 'success' })]);
    },
    T,
  );

  it(
    'github: 150 check runs and 120 statuses — reads both lists to the end',
    async () => {
      const checks: CheckSpec[] = [
        { name: 'e2e', conclusion: 'success' }, // oldest: on page 2
        ...Array.from({ length: 149 }, (_, i) => ({ name: `shard-${i + 1}`, conclusion: 'success' })),
      ];
      const statuses: StatusSpec[] = [
        { context: 'ci/legacy', state: 'success' }, // oldest: on page 2
        ...Array.from({ length: 119 }, (_, i) => ({ context: `ext/${i + 1}`, state: 'success' })),
      ];
      const s = await start(world({ shas: repo.shas, forge: 'github', checks, statuses }));
      const run = await release(s, 'github', { 'required-checks': 'e2e, ci/legacy', 'checks-timeout': '2s' });

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      // Check runs: 151 rows (with our own job) → pages 1 and 2; total_count covered, no page 3.
      expect(pagesPerPoll(s, 'github', 'check-runs')).toEqual([[1, 2]]);
      expect(checkListReads(s, 'github', 'check-runs').every((e) => e.query.per_page === '100' && e.status === 200)).toBe(true);
      // Statuses carry no total: the Link header has no rel="next" on page 2, so no empty page 3 (m1).
      expect(pagesPerPoll(s, 'github', 'statuses')).toEqual([[1, 2]]);
      const rows = (run.report?.gates.checks.required ?? []) as Array<{ name: string; state: string }>;
      expect(rows.map((r) => `${r.name}=${r.state}`)).toEqual(['e2e=success', 'ci/legacy=success']);
    },
    T,
  );
});

describe("Gitea: which statuses are this run's own", () => {
  it(
    "does not drop another run's failure whose run number equals this run's global run id",
    async () => {
      // GITHUB_RUN_ID is instance-wide (4242 here); run URLs use the per-repository number (17).
      const statuses: StatusSpec[] = [{ context: 'CI / test (push)', state: 'failure', targetUrl: `/acme/shop/actions/runs/${RUN_ID}/jobs/0` }];
      const s = await start(world({ shas: repo.shas, forge: 'gitea', statuses }));
      const run = await release(s, 'gitea');

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(message(run)).toMatch(/^ {2}- CI \/ test \(push\): failure/m);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it(
    'recognises its own relative target_url on a sub-path install and does not wait on it',
    async () => {
      const s = await start(world({ shas: repo.shas, forge: 'gitea', gitea: { subPath: '/gitea' } }));
      expect(s.urls.giteaServer).toMatch(/\/gitea$/);
      const run = await release(s, 'gitea', { 'checks-timeout': '3s' });

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      expect(polls(s, 'gitea').length).toBe(1);
      const rows = (run.report?.gates.checks.required ?? []) as Array<{ name: string }>;
      expect(rows.map((r) => r.name)).toEqual(['CI / test (push)']);
    },
    T,
  );
});
