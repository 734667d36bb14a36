// The kill switch, end to end on both forges: the job-start value, the live variable
// (read with the control token), a live flip mid-rollout, and every read outcome.
import { describe, expect, it } from '@jest/globals';
import { type CheckSpec, type Simulator, type StatusSpec } from '../../sim/index.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { annotations, runAction, type ActionRun } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { forgeRequests, mutationsByService, polls, variableReads, zeropsRequests, type ForgeName } from '../helpers/requests.js';
import { baseInputs, CONTROL_TOKEN, DEFAULT_SERVICES, FORGE_TOKEN, world, type WorldOptions } from '../helpers/world.js';

const T = 60_000;
/** The child is killed before the test's own timeout, so a hung run fails with its output instead of leaking. */
const CHILD_TIMEOUT = 50_000;
const VAR = 'ZEROPS_DEPLOY_DISABLED';
const repo = makeRepo(DEFAULT_SERVICES);
const [initial, , target] = repo.shas as [string, string, string];
const FORGES: ForgeName[] = ['github', 'gitea'];

const { start } = simulatorPerTest();

function release(s: Simulator, forge: ForgeName, inputs: Record<string, string> = {}, extra: { onStdout?: Array<{ line: RegExp; run: () => void }> } = {}): Promise<ActionRun> {
  return runAction({ sim: s, forge, timeoutMs: CHILD_TIMEOUT, inputs: baseInputs(s, repo.dir, inputs), env: { GITHUB_SHA: target }, ...extra });
}

const short = (sha: string) => sha.slice(0, 7);
/** The job summary as text: inline code back to backticks, entities decoded. */
const plain = (summary: string) =>
  summary
    .replace(/<code>(.*?)<\/code>/g, '`$1`')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const varPath = (forge: ForgeName) => `${forge === 'gitea' ? '/api/v1' : ''}/repos/acme/shop/actions/variables/*`;
const authOf = (forge: ForgeName, token: string) => (forge === 'gitea' ? `token ${token}` : `Bearer ${token}`);

/** A CI job that stays pending forever, in the forge's shape. */
function pendingForever(forge: ForgeName): Pick<WorldOptions, 'checks' | 'statuses'> {
  return forge === 'github'
    ? { checks: [{ name: 'test', status: 'in_progress' }] as CheckSpec[] }
    : { statuses: [{ context: 'CI / test (push)', state: 'pending' }] as StatusSpec[] };
}

describe.each(FORGES)('kill switch on %s', (forge) => {
  it(
    'engaged at job start (`kill-switch: true`): disabled, exit 0, not one request to Zerops',
    async () => {
      const s = await start(world({ shas: repo.shas, forge }));
      const run = await release(s, forge, { 'kill-switch': 'true' });

      expect(run.outputs.result).toBe('disabled');
      expect(run.code).toBe(0);
      expect(zeropsRequests(s)).toEqual([]);
      // Nothing at all was asked: not the target, not the variable.
      expect(forgeRequests(s, forge)).toEqual([]);
      expect(run.report?.gates.killSwitch).toEqual(expect.objectContaining({ variable: VAR, jobStartEngaged: true, reads: 0 }));
      // Says what to flip back, in the notice and the summary.
      expect(annotations(run.stdout, 'notice').join('\n')).toContain(`set the repository variable ${VAR} to \`false\``);
      const summary = plain(run.summary);
      expect(summary).toContain('zerops-rollout: disabled');
      expect(summary).toContain(`set the repository variable ${VAR} to \`false\` (or delete it) and re-run this job`);
      expect(summary).toContain('**engaged at job start**');
    },
    T,
  );

  it(
    'engaged by the live variable: disabled, exit 0, zero Zerops mutations',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, variables: { [VAR]: ' Yes ' } }));
      const run = await release(s, forge);

      expect(run.outputs.result).toBe('disabled');
      expect(run.code).toBe(0);
      expect(s.mutations()).toEqual([]);
      expect(zeropsRequests(s)).toEqual([]); // the switch is read before anything else
      // The variable was read live, with the control token (not the job token), and answered.
      const reads = variableReads(s, forge);
      expect(reads.length).toBe(1);
      expect(reads[0]?.status).toBe(200);
      expect(reads[0]?.headers.authorization).toBe(authOf(forge, CONTROL_TOKEN));
      const summary = plain(run.summary);
      expect(summary).toContain(`the kill switch ${VAR} is engaged (live variable)`);
      expect(summary).toContain(`set the repository variable ${VAR} to \`false\` (or delete it)`);
      // The report and summary count the live read that found the switch engaged.
      expect(run.report?.gates.killSwitch).toEqual(expect.objectContaining({ live: true, jobStartEngaged: false, reads: 1 }));
      expect(summary).toContain(`Kill switch \`${VAR}\`: open at job start; re-read live (1 read)`);
      // The control token is masked at once and never printed or written anywhere else.
      expect(run.stdout).toContain(`::add-mask::${CONTROL_TOKEN}`);
      expect(run.everything.replace(/^::add-mask::.*$/gm, '')).not.toContain(CONTROL_TOKEN);
    },
    T,
  );

  it(
    'is re-read on every checks poll: flipped during the wait, the run stops as disabled',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, ...pendingForever(forge) }));
      let flippedAt = -1;
      const run = await release(s, forge, { 'checks-timeout': '30s' }, {
        onStdout: [
          {
            line: /^Checks on /m,
            run: () => {
              flippedAt = s.log.length;
              s.setVariable(forge, VAR, 'true');
            },
          },
        ],
      });

      expect(flippedAt).toBeGreaterThan(0);
      expect(run.outputs.result).toBe('disabled');
      expect(run.code).toBe(0);
      expect(s.mutations()).toEqual([]);
      // A live read after the flip saw it; at most the poll already under way (and one on a still-fresh reading) followed.
      const after = variableReads(s, forge).filter((e) => e.seq > flippedAt);
      expect(after.length).toBeGreaterThanOrEqual(1);
      expect(polls(s, forge).filter((e) => e.seq > flippedAt).length).toBeLessThanOrEqual(2);
      // Reads are one per poll, not a busy loop: the start read, one before each poll, and the one that saw the flip.
      expect(variableReads(s, forge).length).toBeLessThanOrEqual(polls(s, forge).length + 2);
      expect(run.report?.gates.killSwitch.reads).toBe(variableReads(s, forge).length);
    },
    T,
  );

  it(
    'flipped live between the canary and batch 1: halted, batch 1 never touched, canary left on target',
    async () => {
      const s = await start(world({ shas: repo.shas, forge }));
      let flippedAt = -1;
      const run = await release(s, forge, { soak: '5s' }, {
        onStdout: [
          {
            line: /^Soaking api for 5s/m,
            run: () => {
              flippedAt = s.log.length;
              s.setVariable(forge, VAR, 'true');
            },
          },
        ],
      });

      expect(flippedAt).toBeGreaterThan(0);
      expect(run.outputs.result).toBe('halted');
      expect(run.code).toBe(1);
      // Only the canary was ever changed; batch 1 (web, worker) and batch 2 (admin) got no mutating call.
      const byService = mutationsByService(s);
      expect(Object.keys(byService)).toEqual(['api']);
      // Nothing was changed after the flip: no rollback, no re-activation.
      expect(s.mutations().filter((e) => e.seq > flippedAt)).toEqual([]);
      expect(s.mutations().filter((e) => /\/app-version\/[^/]+\/deploy$/.test(e.path))).toEqual([]);
      // The flip was seen by a live read.
      const after = variableReads(s, forge).filter((e) => e.seq > flippedAt);
      expect(after.length).toBeGreaterThanOrEqual(1);
      expect(after.every((e) => e.status === 200)).toBe(true);
      // What runs where, in Zerops…
      expect(s.service('api').activeVersion?.sha).toBe(target);
      for (const h of ['web', 'worker', 'admin']) expect(s.service(h).activeVersion?.sha).toBe(initial);
      // …and in the report and the summary.
      const services = (run.report?.services ?? []) as Array<{ hostname: string; outcome: string; before: { sha: string }; after: { sha: string }; rollback: unknown }>;
      expect(services.map((r) => [r.hostname, r.outcome, r.before.sha, r.after.sha])).toEqual([
        ['api', 'on-target', initial, target],
        ['web', 'untouched', initial, initial],
        ['worker', 'untouched', initial, initial],
        ['admin', 'untouched', initial, initial],
      ]);
      expect(services.every((r) => r.rollback === null)).toBe(true);
      const row = (h: string) => plain(run.summary).split('\n').find((l) => l.startsWith(`| ${h} |`)) ?? '';
      expect(row('api')).toContain(`| \`${short(initial)}\` | \`${short(target)}\` |`);
      for (const h of ['web', 'worker', 'admin']) expect(row(h)).toContain(`| \`${short(initial)}\` | \`${short(initial)}\` |`);
      expect(run.summary).toMatch(/halted/);
      expect(annotations(run.stdout, 'error').join('\n')).toMatch(/kill switch .*was engaged/);
    },
    T,
  );

  it(
    'variable read 403 (control token lacks the permission): proceeds on the job-start value with a loud warning',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, controlForbidden: true }));
      const run = await release(s, forge);

      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      expect(s.mutations().length).toBeGreaterThan(0);
      // One read, refused; the switch is not live for the rest of the run (no further reads).
      const reads = variableReads(s, forge);
      expect(reads.map((e) => e.status)).toEqual([403]);
      const warnings = annotations(run.stdout, 'warning').join('\n');
      expect(run.stdout).toMatch(/^::warning title=Kill switch not live::/m);
      expect(warnings).toContain(`Cannot read the repository variable ${VAR} (HTTP 403)`);
      // Gitea's variables API is reqOwner(): the owner or a site admin, not an admin collaborator (the world's control token).
      expect(warnings).toContain(forge === 'github' ? '"Variables: read"' : 'only the repository owner (for an organisation repository: a member of its Owners team) or a site admin');
      expect(run.report?.gates.killSwitch).toEqual(expect.objectContaining({ live: false }));
    },
    T,
  );

  it(
    'control token cannot see the repository (404 on the variable and on the repository): holds instead of reading "unset"',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, controlBlind: true }));
      const run = await release(s, forge);

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(run.report?.reasonCode).toBe('kill-switch-hold');
      expect(String(run.report?.reason)).toContain('the control-token cannot see this repository (HTTP 404 on the repository itself)');
      expect(s.mutations()).toEqual([]);
      expect(zeropsRequests(s)).toEqual([]);
      expect(variableReads(s, forge).map((e) => e.status)).toEqual([404]);
      const control = forgeRequests(s, forge).filter((e) => e.headers.authorization === authOf(forge, CONTROL_TOKEN));
      expect(control.map((e) => `${e.status} ${e.path.replace(/^\/api\/v1/, '')}`)).toEqual([`404 /repos/acme/shop/actions/variables/${VAR}`, '404 /repos/acme/shop']);
    },
    T,
  );

  it.each([500, 401])(
    'variable read %i: holds — failed, exit 1, zero Zerops mutations',
    async (status) => {
      const s = await start(world({ shas: repo.shas, forge, faults: [{ server: forge, method: 'GET', path: varPath(forge), respond: { status, body: JSON.stringify({ message: 'boom' }) } }] }));
      const run = await release(s, forge);

      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(run.report?.reasonCode).toBe('kill-switch-hold');
      expect(String(run.report?.reason)).toMatch(new RegExp(`^Holding: the kill-switch variable ${VAR} could not be read`));
      expect(s.mutations()).toEqual([]);
      expect(zeropsRequests(s)).toEqual([]);
      // Retried a little (5xx only), then held; every read failed.
      const reads = variableReads(s, forge);
      expect(reads.length).toBeGreaterThanOrEqual(1);
      expect(reads.length).toBeLessThanOrEqual(status === 401 ? 1 : 3);
      expect(reads.every((e) => e.status === status)).toBe(true);
    },
    T,
  );

  it(
    'variable read 500 mid-rollout: holds before the next mutating call, nothing rolled back',
    async () => {
      const s = await start(world({ shas: repo.shas, forge }));
      let brokeAt = -1;
      const run = await release(s, forge, { soak: '5s' }, {
        onStdout: [
          {
            line: /^Soaking api for 5s/m,
            run: () => {
              brokeAt = s.log.length;
              s.addFault({ server: forge, method: 'GET', path: varPath(forge), respond: { status: 503, body: JSON.stringify({ message: 'down' }) } });
            },
          },
        ],
      });

      expect(brokeAt).toBeGreaterThan(0);
      expect(run.outputs.result).toBe('failed');
      expect(run.code).toBe(1);
      expect(run.report?.reasonCode).toBe('kill-switch-hold');
      expect(Object.keys(mutationsByService(s))).toEqual(['api']);
      expect(s.mutations().filter((e) => e.seq > brokeAt)).toEqual([]);
      expect(s.service('api').activeVersion?.sha).toBe(target);
    },
    T,
  );

  it(
    'no control-token: warns that the switch is not live and never reads the variable',
    async () => {
      const s = await start(world({ shas: repo.shas, forge, variables: { [VAR]: 'true' } }));
      const run = await release(s, forge, { 'control-token': '' });

      // The variable says "disabled", but without a control token nobody can know: the job-start value rules.
      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      expect(variableReads(s, forge)).toEqual([]);
      expect(forgeRequests(s, forge).every((e) => e.headers.authorization === authOf(forge, FORGE_TOKEN))).toBe(true);
      expect(run.stdout).toMatch(/^::warning title=Kill switch not live::No control-token/m);
      expect(annotations(run.stdout, 'warning').join('\n')).toContain(`the kill switch is the job-start value of ${VAR} only, NOT re-read live`);
      expect(run.report?.gates.killSwitch).toEqual(expect.objectContaining({ live: false, reads: 0 }));
    },
    T,
  );
});
