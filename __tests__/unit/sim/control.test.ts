import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sha, startSimulator, type Simulator } from '../../../sim/index.js';
import { request } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    github: { commits: [{ sha: sha(1) }], tokens: [{ value: 'gh', variables: true }], checkRuns: { [sha(1)]: [{ name: 'build', status: 'in_progress' }] } },
    gitea: { commits: [{ sha: sha(1) }], tokens: [{ value: 'gt', role: 'owner' }] },
  });
});
afterAll(async () => {
  await sim.close();
});

const control = (path: string, method = 'GET', body?: unknown) =>
  request(`${sim.urls.control}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const github = (path: string) => request(`${sim.urls.github}/repos/acme/shop${path}`, { headers: { authorization: 'token gh' } });

describe('control server', () => {
  it('serves the log, optionally since a sequence number', async () => {
    await github('');
    await github('/branches/main');
    const log = (await control('/log')).body;
    expect(log.map((e: any) => e.path)).toEqual(['/repos/acme/shop', '/repos/acme/shop/branches/main']);
    expect(log[0]).toMatchObject({ seq: 1, server: 'github', status: 200, mutating: false, headers: { authorization: 'token gh' } });
    expect((await control('/log?since=1')).body.map((e: any) => e.seq)).toEqual([2]);
  });

  it('sets and deletes variables', async () => {
    expect((await control('/variables/gitea/ROLLOUT_DISABLED', 'PUT', { value: 'true' })).status).toBe(204);
    const read = await request(`${sim.urls.gitea}/repos/acme/shop/actions/variables/ROLLOUT_DISABLED`, { headers: { authorization: 'token gt' } });
    expect(read.body.data).toBe('true');
    await control('/variables/gitea/ROLLOUT_DISABLED', 'PUT', { value: null });
    expect((await control('/state')).body.gitea.variables).toEqual({});
    expect((await control('/variables/gitlab/X', 'PUT', { value: 'y' })).status).toBe(404);
    expect((await control('/variables/github/X', 'PUT', { value: 3 })).status).toBe(400);
  });

  it('adds, lists and clears faults', async () => {
    expect((await control('/faults', 'POST', { server: 'github', path: '**/branches/*', respond: { status: 503 } })).status).toBe(201);
    expect((await github('/branches/main')).status).toBe(503);
    expect((await control('/faults')).body).toEqual([expect.objectContaining({ server: 'github', seen: 1, applied: 1 })]);
    const invalid = await control('/faults', 'POST', { server: 'github' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('exactly one');
    expect((await control('/faults', 'DELETE')).status).toBe(204);
    expect((await github('/branches/main')).status).toBe(200);
  });

  it('changes checks, pushes commits and moves branches', async () => {
    expect((await control(`/checks/github/${sha(1)}`, 'POST', { name: 'build', conclusion: 'success' })).status).toBe(204);
    expect((await github(`/commits/${sha(1)}/check-runs`)).body.check_runs[0]).toMatchObject({ name: 'build', status: 'completed', conclusion: 'success' });
    expect((await control('/commits/github', 'POST', { sha: sha(2), message: 'next' })).status).toBe(201);
    expect((await github('/branches/main')).body.commit.sha).toBe(sha(2));
    expect((await control('/branches/github/release/1.x', 'PUT', { sha: sha(1) })).status).toBe(204);
    expect((await github('/branches/release/1.x')).body.commit.sha).toBe(sha(1));
    expect((await control('/nope')).status).toBe(404);
  });
});

describe('CLI', () => {
  it('prints its URLs as one JSON line and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [`${ROOT}node_modules/tsx/dist/cli.mjs`, 'sim/cli.ts', '--scenario', 'sim/scenarios/example.yaml'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const { urls } = JSON.parse(first) as { urls: Record<string, string> };
      expect(Object.keys(urls).sort()).toEqual(['buildInfo', 'control', 'gitea', 'giteaServer', 'github', 'githubServer', 'upload', 'zerops']);
      expect((await request(`${urls.buildInfo}/canary/build-info`)).body.git_sha).toBe(sha(1));
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      clearTimeout(timer);
      child.kill('SIGKILL');
    }
  }, 15_000);
});
