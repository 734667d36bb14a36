// The Gitea adapter against the simulator over loopback HTTP: ancestry on 1.22 (whose
// compare refuses SHAs) and 1.23, lean commit reads, stable status paging, own-run
// detection (run number only, relative URLs, sub-path installs), and the variable read.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunContext } from '../../src/forge/context.js';
import { GiteaForge } from '../../src/forge/gitea.js';
import type { HttpClient } from '../../src/http/client.js';
import { sha, startSimulator, type GiteaScenario, type Simulator } from '../../sim/index.js';
import { forgeClients } from '../helpers/forge-clients.js';

const main = Array.from({ length: 5 }, (_, i) => sha(`gf-main-${i}`));
const side = sha('gf-side');
const tip = main[4] as string;
const newClient = forgeClients();

function scenario(extra: Partial<GiteaScenario> = {}): GiteaScenario {
  return {
    commits: [...main.map((s) => ({ sha: s })), { sha: side, parents: [main[2] as string] }],
    branches: { main: tip, side },
    tags: { 'v1.0.0': main[1] as string },
    tokens: [
      { value: 'job-token' },
      { value: 'owner-token', role: 'owner' },
      { value: 'collab-token', role: 'admin-collaborator' },
      { value: 'blind-token', role: 'owner', seesRepo: false },
    ],
    variables: { ZEROPS_DEPLOY_DISABLED: 'true' },
    ...extra,
  };
}

function client(sim: Simulator, token: string): HttpClient {
  return newClient(sim.urls.gitea, `token ${token}`, { retries: 1 });
}

function forge(sim: Simulator, o: { control?: string | null; runNumber?: string; runId?: string } = {}): { forge: GiteaForge; warnings: string[] } {
  const ctx: RunContext = {
    repo: 'acme/shop',
    owner: 'acme',
    name: 'shop',
    apiUrl: sim.urls.gitea,
    serverUrl: sim.urls.giteaServer,
    sha: tip,
    ref: 'refs/heads/main',
    eventName: 'push',
    runId: o.runId ?? '58',
    runNumber: o.runNumber ?? '57',
    runAttempt: '1',
    workflow: 'deploy.yml',
    job: 'deploy',
    defaultBranchFromEvent: 'main',
    isGitea: true,
  };
  const warnings: string[] = [];
  const control = o.control === null ? null : client(sim, o.control ?? 'owner-token');
  return { forge: new GiteaForge(ctx, client(sim, 'job-token'), control, (m) => warnings.push(m)), warnings };
}

const giteaRequests = (sim: Simulator) => sim.log.filter((e) => e.server === 'gitea');

describe.each(['1.22', '1.23'] as const)('ancestry on Gitea %s', (version) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ gitea: scenario({ version }) });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('tells an ancestor from a non-ancestor with one lean commit-list request each', async () => {
    const { forge: f } = forge(sim);
    const before = giteaRequests(sim).length;
    expect(await f.isAncestor(main[1] as string, tip)).toBe(true);
    expect(await f.isAncestor(tip, main[1] as string)).toBe(false);
    expect(await f.isAncestor(side, tip)).toBe(false);
    expect(await f.isAncestor(main[2] as string, side)).toBe(true);
    expect(await f.isAncestor(tip, tip)).toBe(true);
    const made = giteaRequests(sim).slice(before);
    expect(made).toHaveLength(4);
    for (const e of made) {
      expect(e.path).toBe('/api/v1/repos/acme/shop/commits');
      expect(e.query).toMatchObject({ limit: '1', stat: 'false', verification: 'false', files: 'false' });
    }
    expect(made[0]?.query).toMatchObject({ sha: main[1], not: tip });
  });

  it('answers "cannot tell" (null), never yes, for a commit the server does not know', async () => {
    const { forge: f } = forge(sim);
    expect(await f.isAncestor(sha('unknown'), tip)).toBeNull();
  });
});

describe('Gitea reads', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      gitea: scenario({
        statuses: {
          [tip]: [
            // Another run whose number equals our global run id (58): not ours.
            { context: 'CI / test (push)', state: 'failure', targetUrl: '/acme/shop/actions/runs/58/jobs/0' },
            { context: 'Deploy / deploy (push)', state: 'pending', targetUrl: '/acme/shop/actions/runs/57/jobs/1' },
          ],
        },
      }),
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('resolves full refs (`refs/tags/…`, `refs/heads/…`) through the route of their kind', async () => {
    const { forge: f } = forge(sim);
    expect(await f.resolveRef('refs/tags/v1.0.0')).toBe(main[1]);
    expect(await f.resolveRef('refs/heads/main')).toBe(tip);
    expect(await f.resolveRef('refs/heads/v1.0.0')).toBeNull();
  });

  it('resolves a SHA without stats, signatures or file lists', async () => {
    const { forge: f } = forge(sim);
    expect(await f.resolveRef(tip.slice(0, 10))).toBe(tip);
    const read = giteaRequests(sim).filter((e) => e.path.includes('/git/commits/')).at(-1);
    expect(read?.query).toMatchObject({ stat: 'false', verification: 'false', files: 'false' });
  });

  it('pages statuses in per-commit index order, and knows its own run by run number only', async () => {
    const { forge: f } = forge(sim);
    const rows = await f.readChecks(tip);
    const read = giteaRequests(sim).filter((e) => e.path.endsWith('/statuses')).at(-1);
    expect(read?.query.sort).toBe('leastindex');
    expect(rows.map((r) => [r.name, r.ownRun])).toEqual([
      ['CI / test (push)', false],
      ['Deploy / deploy (push)', true],
    ]);
    expect(f.runUrl()).toBe(`${sim.urls.giteaServer}/acme/shop/actions/runs/57`);
  });

  it('reads the variable upper-cased, as Gitea stores it', async () => {
    const { forge: f } = forge(sim);
    expect(await f.readVariable('zerops_deploy_disabled')).toEqual({ kind: 'value', value: 'true' });
  });

  it('on 403 names the roles Gitea allows: owner or site admin, not an admin collaborator', async () => {
    const { forge: f } = forge(sim, { control: 'collab-token' });
    const read = await f.readVariable('ZEROPS_DEPLOY_DISABLED');
    expect(read.kind).toBe('forbidden');
    expect(read.kind === 'forbidden' && read.detail).toMatch(/owner.*site admin.*admin collaborator is refused/);
  });

  it('reads a 404 as unset only after proving the control token sees the repository, once per run', async () => {
    const { forge: f } = forge(sim);
    const before = giteaRequests(sim).length;
    expect(await f.readVariable('NOT_SET_ANYWHERE')).toEqual({ kind: 'unset' });
    expect(await f.readVariable('NOT_SET_ANYWHERE')).toEqual({ kind: 'unset' });
    const made = giteaRequests(sim).slice(before);
    expect(made.filter((e) => e.path === '/api/v1/repos/acme/shop')).toHaveLength(1);
  });

  it('holds (unreadable) when the control token cannot see the repository', async () => {
    const { forge: f } = forge(sim, { control: 'blind-token' });
    const read = await f.readVariable('ZEROPS_DEPLOY_DISABLED');
    expect(read.kind).toBe('unreadable');
    expect(read.kind === 'unreadable' && read.detail).toMatch(/cannot see this repository.*access to this repository/);
  });
});

describe('Gitea quirks modelled as options', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      gitea: scenario({
        subPath: '/gitea',
        variableNamesExact: true,
        statuses: {
          [tip]: [
            { context: 'Deploy / deploy (push)', state: 'pending', targetUrl: '/gitea/acme/shop/actions/runs/57/jobs/1' },
            { context: 'Other / job (push)', state: 'pending', targetUrl: '/acme/shop/actions/runs/57/jobs/1' },
          ],
        },
      }),
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('recognises its own relative target_url under a sub-path install', async () => {
    const { forge: f } = forge(sim);
    const rows = await f.readChecks(tip);
    expect(Object.fromEntries(rows.map((r) => [r.name, r.ownRun]))).toEqual({ 'Deploy / deploy (push)': true, 'Other / job (push)': false });
  });

  it('finds a variable asked for in lower case even where the lookup does not upper-case', async () => {
    const { forge: f } = forge(sim);
    expect(await f.readVariable('zerops_deploy_disabled')).toEqual({ kind: 'value', value: 'true' });
  });
});
