// Production preflight, end to end: the committed bundle runs against the simulator. A zcp
// service refuses before anything is touched (both forges); warn mode warns and releases;
// strict refuses on a warning; off checks nothing; a dry run refuses like a real run.
import { describe, expect, it } from '@jest/globals';
import type { ServiceSpec, Simulator } from '../../sim/index.js';
import { RUN_TEST_TIMEOUT, runAction, type ActionRun } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { baseInputs, DEFAULT_SERVICES, world, type WorldOptions } from '../helpers/world.js';

const TIMEOUT = RUN_TEST_TIMEOUT;
const repo = makeRepo(DEFAULT_SERVICES);
const target = repo.shas[2] as string;
const ZCP: ServiceSpec = { hostname: 'zcp', type: 'zcp@1' };

const sims = simulatorPerTest();

async function release(o: Partial<WorldOptions>, inputs: Record<string, string> = {}): Promise<{ run: ActionRun; sim: Simulator }> {
  const forge = o.forge ?? 'github';
  const sim = await sims.start(world({ shas: repo.shas, ...o }));
  const run = await runAction({ sim, forge, inputs: baseInputs(sim, repo.dir, inputs), env: { GITHUB_SHA: target } });
  return { run, sim };
}

const tail = (run: ActionRun) => `${run.stdout}\n${run.stderr}`.slice(-3000);
/** Every write to a forge (deployment records, statuses): none may happen before a refusal. */
const forgeWrites = (sim: Simulator) => sim.log.filter((e) => (e.server === 'github' || e.server === 'gitea') && !['GET', 'HEAD'].includes(e.method));
const checkReads = (sim: Simulator) => sim.log.filter((e) => /check-runs|\/status(es)?\b/.test(e.path));
const kinds = (run: ActionRun) => (run.report?.preflight?.findings ?? []).map((f: { kind: string; service: string; severity: string }) => `${f.kind}:${f.service}:${f.severity}`);

/** The readiness section leads the body: after the verdict (and the Why quote), before the plan. */
function expectReadinessLeads(summary: string): void {
  const at = summary.indexOf('### Production readiness');
  expect(at).toBeGreaterThan(0);
  expect(at).toBeLessThan(summary.indexOf('**Plan:**'));
  expect(summary.slice(0, at)).not.toMatch(/###/);
}

describe.each(['github', 'gitea'] as const)('preflight on %s', (forge) => {
  it(
    'a zcp service in production refuses in the default (warn) mode: nothing touched, non-zero exit',
    async () => {
      const { run, sim } = await release({ forge, extraServices: [ZCP] });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      expect(run.report?.reasonCode).toBe('preflight');
      expect(run.report?.reason).toMatch(/Production preflight refused \(warn\): 1 finding\(s\)\.\n {2}- zcp: `zcp` is a zcp service \(by type\)/);
      expect(run.report?.reason).toMatch(/Remove the zcp service from the production project/);
      expect(sim.mutations()).toEqual([]);
      expect(forgeWrites(sim)).toEqual([]);
      // Refused before the checks gate: the checks were never read.
      expect(checkReads(sim)).toEqual([]);
      expect(run.report?.preflight).toEqual({ mode: 'warn', refused: true, findings: [expect.objectContaining({ kind: 'zcp', service: 'zcp', severity: 'refuse', fix: expect.stringMatching(/Delete `zcp`/) })] });
      expect(run.stdout).toMatch(/::warning[^\n]*Preflight \(refuses\)%3A zcp \(zcp\)/);
      expectReadinessLeads(run.summary);
      expect(run.summary).toMatch(/\*\*Why:\*\* Production preflight refused/);
      expect(run.summary).toMatch(/Preflight <code>warn<\/code>: \*\*refused\*\* \(1 refusing\); nothing was changed\./);
      expect(run.summary).toMatch(/\| 🛑 refuses \| <code>zcp<\/code> \| <code>zcp<\/code> /);
    },
    TIMEOUT,
  );

  it(
    'a production-ready project: no findings, no preflight warning, released',
    async () => {
      const { run, sim } = await release({ forge });
      expect({ code: run.code, tail: run.code === 0 ? '' : tail(run) }).toEqual({ code: 0, tail: '' });
      // What the refusal tests assert absent is there in a run that goes ahead.
      expect(checkReads(sim).length).toBeGreaterThan(0);
      if (forge === 'github') expect(forgeWrites(sim).length).toBeGreaterThan(0); // the deployment record (Gitea has none)
      expect(run.report?.preflight).toEqual({ mode: 'warn', refused: false, findings: [] });
      expect(run.stdout).not.toMatch(/::warning[^\n]*Preflight/);
      expect(run.summary).toMatch(/### Production readiness\n\nPreflight <code>warn<\/code>: no findings\./);
    },
    TIMEOUT,
  );
});

describe('preflight modes (github)', () => {
  /** One of each warning: a NON_HA database, Mailpit, a released runtime that can drop to 1 container, a public subdomain. */
  const risky: Partial<WorldOptions> = {
    service: { api: { minContainers: 1 }, web: { subdomainAccess: true } },
    extraServices: [
      { hostname: 'db', type: 'postgresql@16', mode: 'NON_HA' },
      { hostname: 'mailpit', type: 'go@1' },
    ],
  };

  it(
    'warn: every finding is a warning with its fix, and the release goes ahead',
    async () => {
      const { run, sim } = await release(risky);
      expect({ code: run.code, tail: run.code === 0 ? '' : tail(run) }).toEqual({ code: 0, tail: '' });
      expect(run.outputs.result).toBe('success');
      expect(kinds(run)).toEqual(['few-containers:api:warn', 'public-subdomain:web:warn', 'non-ha-data:db:warn', 'dev-tool:mailpit:warn']);
      expect(run.report?.preflight?.refused).toBe(false);
      expect(run.stdout).toMatch(/::warning[^\n]*Preflight%3A few-containers \(api\)[^\n]*can drop to 1 container[^\n]*Fix: Set `api`'s minimum containers to 2/);
      expect(run.stdout).toMatch(/::warning[^\n]*Preflight%3A non-ha-data \(db\)[^\n]*NON_HA mode/);
      expect(run.stdout).toMatch(/::warning[^\n]*Preflight%3A dev-tool \(mailpit\)/);
      expect(run.stdout).toMatch(/::warning[^\n]*Preflight%3A public-subdomain \(web\)/);
      expect(sim.mutations().length).toBeGreaterThan(0);
      expectReadinessLeads(run.summary);
      expect(run.summary).toMatch(/Preflight <code>warn<\/code>: 4 warning\(s\); not refused\./);
      expect(run.summary.match(/\| ⚠️ warns \|/g)?.length).toBe(4);
    },
    TIMEOUT,
  );

  it(
    'strict: one warning refuses, before anything changes',
    async () => {
      const { run, sim } = await release({ extraServices: [{ hostname: 'db', type: 'postgresql@16', mode: 'NON_HA' }] }, { preflight: 'strict' });
      expect(run.code).toBe(1);
      expect(run.report?.reasonCode).toBe('preflight');
      expect(run.report?.reason).toMatch(/Production preflight refused \(strict\): 1 finding\(s\)\.\n {2}- non-ha-data: `db` \(postgresql\) runs in NON_HA mode/);
      expect(run.report?.reason).toMatch(/set the `preflight` input to `warn`/);
      expect(kinds(run)).toEqual(['non-ha-data:db:refuse']);
      expect(sim.mutations()).toEqual([]);
      expect(forgeWrites(sim)).toEqual([]);
      expect(run.summary).toMatch(/\| 🛑 refuses \| <code>db<\/code> \|/);
    },
    TIMEOUT,
  );

  it(
    'off: not even a zcp service is checked; the release goes ahead and says so',
    async () => {
      const { run, sim } = await release({ ...risky, extraServices: [...(risky.extraServices ?? []), ZCP] }, { preflight: 'off' });
      expect({ code: run.code, tail: run.code === 0 ? '' : tail(run) }).toEqual({ code: 0, tail: '' });
      expect(run.report?.preflight).toEqual({ mode: 'off', refused: false, findings: [] });
      expect(run.stdout).not.toMatch(/::warning[^\n]*Preflight/);
      expect(sim.mutations().length).toBeGreaterThan(0);
      expect(run.summary).toMatch(/Preflight <code>off<\/code>: production readiness was not checked\./);
    },
    TIMEOUT,
  );

  it(
    'dry run: warnings are reported, and a zcp service still refuses (exit 1)',
    async () => {
      const warned = await release(risky, { 'dry-run': 'true' });
      expect(warned.run.outputs.result).toBe('dry-run');
      expect(warned.run.code).toBe(0);
      expect(kinds(warned.run)).toHaveLength(4);
      const refused = await release({ extraServices: [ZCP] }, { 'dry-run': 'true' });
      expect(refused.run.code).toBe(1);
      expect(refused.run.report?.reasonCode).toBe('preflight');
      expect(refused.sim.mutations()).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'system services are never findings, and runtimes not released are not held to the container minimum',
    async () => {
      const { run } = await release(
        {
          service: { admin: { minContainers: 1, maxContainers: 1 } },
          extraServices: [{ hostname: 'zcp', type: 'zcp@1', category: 'CORE', isSystem: true, subdomainAccess: true }],
        },
        { services: 'api,web,worker' },
      );
      expect({ code: run.code, tail: run.code === 0 ? '' : tail(run) }).toEqual({ code: 0, tail: '' });
      expect(run.report?.preflight).toEqual({ mode: 'warn', refused: false, findings: [] });
    },
    TIMEOUT,
  );
});
