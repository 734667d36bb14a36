import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ScenarioError, fleetServices, loadScenarioFile, sha, startSimulator } from '../../../sim/index.js';
import { scenarioProblems } from '../../../sim/scenario-validate.js';
import { request } from './helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../../sim/scenarios/example.yaml', import.meta.url));
const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('scenario files', () => {
  it('starts the example scenario from its YAML file', async () => {
    const sim = await startSimulator(EXAMPLE);
    try {
      expect(sim.service('canary').activeVersion?.sha).toBe(sha(1));
      expect(sim.service('canary').versions.map((v) => v.status)).toEqual(['ACTIVE', 'BACKUP']);
      expect(sim.service('wedged').inFlight).toEqual([expect.objectContaining({ status: 'RUNNING', actionName: 'stack.build' })]);
      const info = await request(`${sim.urls.buildInfo}/wedged/build-info`);
      expect(info.body.build.sha).toBe(sha(1));
      const branch = await request(`${sim.urls.github}/repos/acme/shop/branches/main`, { headers: { authorization: 'Bearer app-token' } });
      expect(branch.body.commit.sha).toBe(sha(3));
      expect(sim.state().faults).toEqual([expect.objectContaining({ applyThenStatus: 502, seen: 0, applied: 0 })]);
      expect((await request(`${sim.urls.buildInfo}/staging/app-0001/build-info`)).body.git_sha).toBe(sha(3));
      expect(sim.state().github.deployments).toEqual([expect.objectContaining({ sha: sha(3), environment: 'staging', statuses: ['in_progress', 'success'] })]);
    } finally {
      await sim.close();
    }
  });

  it('loads JSON too and reports every problem at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-scenario-'));
    tempDirs.push(dir);
    const file = join(dir, 'broken.json');
    await writeFile(
      file,
      JSON.stringify({
        zerops: { durationMs: [5, 1], projects: [{ name: 'p', services: [{ hostname: 'a', deploy: { failAt: 'later' } }, { hostname: 'a' }] }], tokens: [{ value: 't', projects: ['q'] }] },
        github: { commits: [{ sha: 'abc' }], checkRuns: { main: [{ name: 'x', status: 'done' }] } },
        gitea: { checkRuns: {} },
        faults: [{ server: 'zerops' }],
      }),
    );
    const error = await loadScenarioFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    const problems = (error as ScenarioError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^zerops\.durationMs: /),
        expect.stringMatching(/^zerops\.projects\[0\]\.services\[0\]\.deploy\.failAt: /),
        expect.stringMatching(/^zerops\.projects\[0\]\.services\[1\]\.hostname: duplicate/),
        expect.stringMatching(/^zerops\.tokens\[0\]\.projects: unknown project "q"/),
        expect.stringMatching(/^github\.commits\[0\]\.sha: /),
        expect.stringMatching(/^github\.checkRuns\.main: key must be/),
        expect.stringMatching(/^github\.checkRuns\.main\[0\]\.status: /),
        expect.stringMatching(/^gitea\.checkRuns: Gitea has no such API/),
        expect.stringMatching(/^faults\[0\]\.action: exactly one/),
      ]),
    );
    await expect(startSimulator(file)).rejects.toThrow(/invalid scenario/);
  });

  it('validates scenario objects passed directly', async () => {
    expect(scenarioProblems({ github: { commits: [{ sha: sha(1) }, { sha: sha(2), parents: [sha(3)] }] } })).toEqual([
      expect.stringContaining('must be listed before its child'),
    ]);
    expect(scenarioProblems({})).toEqual([]);
    expect(
      scenarioProblems({
        gitea: { version: '1.21', subPath: 'gitea/', tokens: [{ value: 't', variables: true, role: 'admin' }], commits: [{ sha: sha(1) }], statuses: { [sha(1)]: [{ context: 'c', state: 'skipped' }, { context: 'd', state: 'success', id: 7 }] } },
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^gitea\.version: /),
        expect.stringMatching(/^gitea\.subPath: /),
        expect.stringMatching(/^gitea\.tokens\[0\]\.variables: Gitea decides by role/),
        expect.stringMatching(/^gitea\.tokens\[0\]\.role: must be one of/),
        expect.stringMatching(/state: must be one of/),
        expect.stringMatching(/\[1\]\.id: Gitea numbers statuses per commit/),
      ]),
    );
    await expect(startSimulator({ zerops: { projects: [{ name: 'p', services: [{ hostname: 'a', versions: [{ status: 'ACTIVE' }, { status: 'ACTIVE' }] }] }] } })).rejects.toThrow(
      /at most one version can be ACTIVE/,
    );
  });
});

describe('scenario helpers', () => {
  it('sha() is a stable 40-hex SHA', () => {
    expect(sha(1)).toMatch(/^[0-9a-f]{40}$/);
    expect(sha(1)).toBe('0388edc49ffe413afffb65a3ffe51340c030892d');
    expect(sha('1')).toBe(sha(1));
    expect(sha(2)).not.toBe(sha(1));
  });

  it('fleetServices() names services app-0001… with seeded durations in range', () => {
    const fleet = fleetServices({ count: 1000, seed: 9, durationMs: [100, 200], activeSha: sha(1) });
    expect(fleet).toHaveLength(1000);
    expect(fleet[0]?.hostname).toBe('app-0001');
    expect(fleet[999]?.hostname).toBe('app-1000');
    const durations = fleet.map((s) => s.deploy?.durationMs as number);
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...durations)).toBeLessThanOrEqual(200);
    expect(new Set(durations).size).toBeGreaterThan(50);
    expect(fleetServices({ count: 1000, seed: 9, durationMs: [100, 200] }).map((s) => s.deploy?.durationMs)).toEqual(durations);
    expect(fleetServices({ count: 5, seed: 10, durationMs: [100, 200] }).map((s) => s.deploy?.durationMs)).not.toEqual(durations.slice(0, 5));
    expect(fleet[0]?.versions).toEqual([{ sha: sha(1) }]);
    const custom = fleetServices({ count: 3, activeSha: null, customize: (i) => (i === 2 ? { deploy: { failAt: 'build' } } : undefined) });
    expect(custom[0]?.versions).toBeUndefined();
    expect(custom[1]?.deploy).toEqual({ failAt: 'build', durationMs: expect.any(Number) });
  });

  it('derives the same IDs from the same seed', async () => {
    const scenario = { seed: 5, zerops: { projects: [{ name: 'p', services: fleetServices({ count: 3 }) }] } };
    const first = await startSimulator(scenario);
    const second = await startSimulator(scenario);
    try {
      expect(second.service('app-0002').id).toBe(first.service('app-0002').id);
      expect(first.service('app-0002').id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(first.service('app-0002').activeVersion?.id).toBe(second.service('app-0002').activeVersion?.id);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
