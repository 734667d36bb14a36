// Release history on Gitea, as the bundle runs it, under both compare behaviours: 1.22
// (compare takes branch and tag names only, a SHA is 404) and 1.23 (SHAs too). The
// documented rollback (target = an older main commit) and the downgrade refusal both
// depend on asking Gitea whether one commit is in another's history.
import { describe, expect, it } from '@jest/globals';
import { type Simulator } from '../../sim/index.js';
import { RUN_TEST_TIMEOUT, runAction } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { forgeRequests } from '../helpers/requests.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { baseInputs, DEFAULT_SERVICES, world } from '../helpers/world.js';

const repo = makeRepo(DEFAULT_SERVICES);
const [first, older, newest] = repo.shas as [string, string, string];
const { start } = simulatorPerTest();

/** Gitea ancestry questions: `GET …/commits?sha=<ancestor>&not=<descendant>`. */
const ancestryReads = (s: Simulator) => forgeRequests(s, 'gitea').filter((e) => e.path.endsWith('/commits') && e.query.not !== undefined);

describe.each(['1.22', '1.23'] as const)('Gitea %s: release history', (version) => {
  it(
    'rolls back to an older main commit given by short SHA (allowed as an ancestor of main)',
    async () => {
      const s = await start(world({ shas: repo.shas, forge: 'gitea', gitea: { version }, deployed: newest, checksOn: older }));
      const run = await runAction({
        sim: s,
        forge: 'gitea',
        inputs: baseInputs(s, repo.dir, { target: older.slice(0, 10), 'allow-downgrade': 'true' }),
        env: { GITHUB_SHA: newest },
      });
      expect(run.outputs.result).toBe('success');
      expect(run.code).toBe(0);
      expect(run.report?.target).toEqual(expect.objectContaining({ sha: older, allowedBy: 'refs/heads/main', how: 'ancestor' }));
      expect(run.stdout).toContain(`downgrade from ${newest.slice(0, 7)} (allowed)`);
      for (const h of DEFAULT_SERVICES) expect(s.service(h).activeVersion?.sha).toBe(older);
      expect(ancestryReads(s).every((e) => e.status === 200)).toBe(true);
    },
    RUN_TEST_TIMEOUT,
  );

  it(
    'refuses to replace a newer deployed commit with an older one, before any mutation',
    async () => {
      const s = await start(world({ shas: repo.shas, forge: 'gitea', gitea: { version }, deployed: { api: newest, web: newest, worker: first, admin: first }, checksOn: older }));
      const run = await runAction({ sim: s, forge: 'gitea', inputs: baseInputs(s, repo.dir, { target: older }), env: { GITHUB_SHA: newest } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      expect(run.report?.reasonCode).toBe('downgrade');
      expect(s.mutations()).toEqual([]);
      const reason = String(run.report?.reason);
      expect(reason).toContain(`api runs ${newest.slice(0, 12)}`);
      expect(reason).toContain(`web runs ${newest.slice(0, 12)}`);
      expect(reason).not.toMatch(/worker|admin/);
      // The question was asked in the history direction that works on 1.22: is the target reachable from what runs?
      expect(ancestryReads(s).some((e) => e.query.sha === older && e.query.not === newest)).toBe(true);
    },
    RUN_TEST_TIMEOUT,
  );
});
