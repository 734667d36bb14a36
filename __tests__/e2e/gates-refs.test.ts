// Target resolution and the allowed-refs policy, end to end on both forges: what the
// target resolves to, which refs allow it, and that a refused target never reaches Zerops.
import { describe, expect, it } from '@jest/globals';
import { type Simulator } from '../../sim/index.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { runAction, type ActionRun } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { forgeRequests, polls, zeropsRequests, type ForgeName } from '../helpers/requests.js';
import { baseInputs, DEFAULT_SERVICES, world } from '../helpers/world.js';

const T = 60_000;
/** The child is killed before the test's own timeout, so a hung run fails with its output instead of leaking. */
const CHILD_TIMEOUT = 50_000;
const repo = makeRepo(DEFAULT_SERVICES);
const [initial, middle, last] = repo.shas as [string, string, string];
const FORGES: ForgeName[] = ['github', 'gitea'];

const { start } = simulatorPerTest();

function release(s: Simulator, forge: ForgeName, inputs: Record<string, string>, githubSha = last): Promise<ActionRun> {
  return runAction({ sim: s, forge, timeoutMs: CHILD_TIMEOUT, inputs: baseInputs(s, repo.dir, inputs), env: { GITHUB_SHA: githubSha } });
}

const reason = (run: ActionRun): string => String(run.report?.reason ?? '');
/** Ancestry questions: GitHub's compare of two SHAs, Gitea's commit list `sha=A&not=D` (1.22's compare refuses SHAs). */
const compares = (s: Simulator, forge: ForgeName) =>
  forgeRequests(s, forge)
    .filter((e) => (forge === 'github' ? /\/compare\/[0-9a-f]{40}\.\.\.[0-9a-f]{40}$/.test(e.path) : e.path.endsWith('/commits') && e.query.not !== undefined))
    .map((e) => (forge === 'github' ? e : { ...e, path: `${e.path}?sha=${e.query.sha}&not=${e.query.not}` }));

describe.each(FORGES)('target and allowed refs on %s', (forge) => {
  it(
    'refuses a commit that is only on a feature branch, before any Zerops request, saying which refs were checked',
    async () => {
      // main stops at the middle commit; the last one lives on `feature` only.
      const s = await start(world({ shas: repo.shas, forge, branches: { main: middle, feature: last }, tags: { 'v1.0.0': initial } }));
      const run = await release(s, forge, { target: last });

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(run.report?.reasonCode).toBe('ref-policy');
      expect(reason(run)).toContain(`Target ${last.slice(0, 12)} is not the tip or an ancestor of an allowed ref (checked \`refs/heads/main\`, \`refs/tags/*\``);
      expect(run.outputs['target-sha']).toBe(last);
      expect(zeropsRequests(s)).toEqual([]);
      // The ancestry of the target was really asked (not assumed) against main's tip and the tag.
      expect(compares(s, forge).length).toBeGreaterThanOrEqual(1);
      expect(compares(s, forge).every((e) => e.path.includes(middle) || e.path.includes(initial))).toBe(true);
      // No checks were even read.
      expect(polls(s, forge)).toEqual([]);
    },
    T,
  );

  it(
    'refuses it under an explicit allowed-refs too, naming those refs',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, branches: { main: middle, feature: last, 'release/1': initial } }));
      const run = await release(s, forge, { target: last, 'allowed-refs': 'main, release/*' });

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(reason(run)).toContain('(checked `main`, `release/*`');
      expect(zeropsRequests(s)).toEqual([]);
    },
    T,
  );

  it(
    'accepts a tagged commit under the default policy, even off the default branch',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, branches: { main: middle, feature: last }, tags: { 'v2.0.0': last } }));
      const run = await release(s, forge, { target: 'v2.0.0' });

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      expect(run.outputs['target-sha']).toBe(last);
      expect(run.report?.target).toEqual(expect.objectContaining({ input: 'v2.0.0', sha: last, allowedBy: 'refs/tags/v2.0.0', how: 'tip' }));
      expect(s.service('api').activeVersion?.sha).toBe(last);
    },
    T,
  );

  it(
    'accepts an ancestor of main (an older commit), after asking the forge',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, checksOn: middle }));
      const run = await release(s, forge, { target: middle });

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      expect(run.outputs['target-sha']).toBe(middle);
      expect(run.report?.target).toEqual(expect.objectContaining({ sha: middle, allowedBy: 'refs/heads/main', how: 'ancestor' }));
      // One compare of the target with main's tip, in the gates (before Zerops is asked anything).
      const firstZerops = zeropsRequests(s)[0]?.seq ?? Infinity;
      const gate = compares(s, forge).filter((e) => e.seq < firstZerops);
      expect(gate.length).toBe(1);
      expect(gate[0]?.status).toBe(200);
      expect(gate[0]?.path).toContain(middle);
      expect(gate[0]?.path).toContain(last);
      for (const h of DEFAULT_SERVICES) expect(s.service(h).activeVersion?.sha).toBe(middle);
    },
    T,
  );

  it.each([
    ['a short SHA', (sha: string) => sha.slice(0, 9)],
    ['a tag', () => 'v1.2.0'],
    ['a branch', () => 'main'],
  ])(
    'resolves %s to the full SHA',
    async (_what, ref) => {
      const s = await start(world({ shas: repo.shas, forge, tags: { 'v1.2.0': last } }));
      const input = ref(last);
      const run = await release(s, forge, { target: input, 'dry-run': 'true' }, initial);

      expect(run.outputs.result).toBe('dry-run');
      expect(run.code).toBe(0);
      expect(run.outputs['target-sha']).toBe(last);
      expect(run.stdout).toMatch(new RegExp(`^Target: .*${input}.* → ${last}$`, 'm'));
      // The checks were read on the full SHA it resolved to, never on the ref.
      expect(polls(s, forge).length).toBe(1);
      expect(polls(s, forge)[0]?.path).toContain(`/commits/${last}/`);
      expect(s.mutations()).toEqual([]);
    },
    T,
  );

  it.each([['no-such-branch'], ['deadbeef1234']])(
    'fails clearly on an unknown ref (%s) before any Zerops request',
    async (input) => {
      const s = await start(world({ shas: repo.shas, forge }));
      const run = await release(s, forge, { target: input });

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(run.report?.reasonCode).toBe('target');
      expect(reason(run)).toContain(`Target \`${input}\` is not a commit, branch or tag of acme/shop.`);
      expect(run.outputs['target-sha'] ?? '').toBe('');
      expect(zeropsRequests(s)).toEqual([]);
      expect(polls(s, forge)).toEqual([]);
    },
    T,
  );
});

describe('ref policy when the forge cannot answer', () => {
  it(
    'gitea: an ancestry question answered 404 refuses with "could not tell", not with "is not an ancestor"',
    async () => {
      const s = await start(
        world({
          shas: repo.shas,
          forge: 'gitea',
          checksOn: middle,
          faults: [{ server: 'gitea', method: 'GET', path: '/api/v1/repos/acme/shop/commits', respond: { status: 404, body: JSON.stringify({ message: 'The target couldn\'t be found.' }) } }],
        }),
      );
      const run = await release(s, 'gitea', { target: middle });

      expect(run.outputs.result).toBe('failed');
      expect(run.report?.reasonCode).toBe('ref-policy');
      expect(reason(run)).toContain(`Target ${middle.slice(0, 12)} could not be shown to be the tip or an ancestor of an allowed ref`);
      expect(reason(run)).toContain('acme/shop could not tell for `refs/heads/main`');
      expect(zeropsRequests(s)).toEqual([]);
    },
    T,
  );
});
