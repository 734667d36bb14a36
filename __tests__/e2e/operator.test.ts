// What an operator relies on: a dry run that changes nothing, the GitHub Deployments
// record (and its absence on Gitea), the CLI rehearsing the demo's plan.
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { annotations, runAction } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { baseInputs, DEFAULT_SERVICES, world } from '../helpers/world.js';
import { DEMO, demoWorld } from '../../scripts/lib/demo-world.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const deploymentCalls = (s: Simulator) => s.log.filter((e) => e.server === 'github' && e.path.includes('/deployments'));

describe('dry run', () => {
  it('plans, reads the gates once, and makes no mutating call', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    const target = repo.shas[2] as string;
    sim = await startSimulator(
      world({
        shas: repo.shas,
        deployed: { api: repo.shas[0] as string, web: target, worker: repo.shas[0] as string, admin: repo.shas[0] as string },
        kept: { worker: [target] },
        checks: [{ name: 'test', status: 'in_progress' }],
      }),
    );
    const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir, { 'dry-run': 'true' }), env: { GITHUB_SHA: target } });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('dry-run');
    expect(sim.mutations()).toEqual([]);
    expect(deploymentCalls(sim)).toEqual([]);
    // The pending check is read once, not waited for.
    expect(sim.log.filter((e) => e.server === 'github' && e.path.endsWith('/check-runs'))).toHaveLength(1);
    // The plan, with the strategy per service and what would be skipped.
    expect(run.summary).toContain('**Plan:** canary (api) → batch 1 (worker, admin)');
    expect(run.summary).toMatch(/\| web \| — \| .* \| skip \| ⏭️ skipped/);
    expect(run.summary).toMatch(/\| worker \| batch 1 \| .* \| activate \|/);
    expect(run.report?.services.map((s: { hostname: string; strategy: string }) => `${s.hostname}:${s.strategy}`)).toEqual([
      'api:build',
      'web:skip',
      'worker:activate',
      'admin:build',
    ]);
  }, 60_000);
});

describe('GitHub Deployments record', () => {
  it('records in_progress then success, linked to the run', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    sim = await startSimulator(world({ shas: repo.shas }));
    const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: repo.shas[2] } });
    expect(run.outputs.result).toBe('success');
    const calls = deploymentCalls(sim);
    expect(calls.map((c) => `${c.method} ${c.path.replace(/\/\d+\//, '/{id}/')}`)).toEqual([
      'POST /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments/{id}/statuses',
      'POST /repos/acme/shop/deployments/{id}/statuses',
    ]);
    expect(calls[0]?.body).toMatchObject({ ref: repo.shas[2], environment: 'production', required_contexts: [] });
    expect((calls[1]?.body as { state: string }).state).toBe('in_progress');
    expect(calls[2]?.body).toMatchObject({ state: 'success', log_url: expect.stringContaining('/acme/shop/actions/runs/4242') });
    // The record is made only once the gates passed: after the checks were read, before the first mutation.
    const first = sim.mutations()[0]?.seq ?? Infinity;
    expect(calls[1]?.seq).toBeLessThan(first);
  }, 60_000);

  it('records failure when the release fails', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    sim = await startSimulator(world({ shas: repo.shas, service: { api: { deploy: { failAt: 'build' } } } }));
    const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: repo.shas[2] } });
    expect(run.code).toBe(1);
    expect((deploymentCalls(sim).at(-1)?.body as { state: string }).state).toBe('failure');
    expect(annotations(run.stdout, 'error').join('\n')).toMatch(/api: build failed/);
  }, 60_000);

  it('never fails a release because the record cannot be made', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    sim = await startSimulator(world({ shas: repo.shas }));
    sim.addFault({ server: 'github', method: 'POST', path: '/repos/*/*/deployments', respond: { status: 403, body: '{"message":"Resource not accessible by integration"}' } });
    const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: repo.shas[2] } });
    expect(run.outputs.result).toBe('success');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/No GitHub deployment recorded .*deployments: write/);
  }, 60_000);

  it('is skipped on Gitea and when deployment-environment is empty', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    sim = await startSimulator(world({ shas: repo.shas, forge: 'gitea' }));
    const gitea = await runAction({ sim, forge: 'gitea', inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: repo.shas[2] } });
    expect(gitea.outputs.result).toBe('success');
    expect(sim.log.filter((e) => e.path.includes('/deployments'))).toEqual([]);
    await sim.close();
    sim = await startSimulator(world({ shas: repo.shas }));
    const off = await runAction({ sim, inputs: baseInputs(sim, repo.dir, { 'deployment-environment': '' }), env: { GITHUB_SHA: repo.shas[2] } });
    expect(off.outputs.result).toBe('success');
    expect(deploymentCalls(sim)).toEqual([]);
  }, 90_000);
});

describe('the CLI', () => {
  it('rehearses the demo plan with --dry-run and changes nothing', async () => {
    const demo = demoWorld('cli');
    sim = await startSimulator(demo.scenario);
    const args = ['--dry-run', '--repository', 'acme/shop', '--forge-api-url', sim.urls.github, '--target', DEMO.tag, '--report-dir', join(demo.repo.dir, '.report')];
    for (const [name, value] of Object.entries(demo.inputs(sim))) if (!name.endsWith('-token')) args.push(`--${name}`, value);
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
      cwd: demo.repo.dir,
      env: { PATH: process.env.PATH, ZEROPS_TOKEN: DEMO.zeropsToken, GITHUB_TOKEN: DEMO.jobToken, ZEROPS_ROLLOUT_CONTROL_TOKEN: DEMO.controlToken, ZEROPS_STAGE_TOKEN: DEMO.stageToken },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(out).toContain('result=dry-run');
    expect(out).toContain('Canary: api [build');
    expect(out).toContain('search [activate');
    // The demo's stage is proven (read with the stage token from ZEROPS_STAGE_TOKEN) before the rehearsal ends.
    expect(out).toMatch(/Stage proof: [0-9a-f]{12} is proven on stage \(build-info, stage Zerops, deployment to staging\) for 7 service\(s\)/);
    // The same handoff block as the action's log ends the CLI's output.
    expect(out).toMatch(/Release handoff[\s\S]*Tags on it: v1\.4\.0[\s\S]*run\.envVariables\.PAYMENTS_URL added/);
    expect(out).not.toContain('payments.example.com');
    expect(sim.mutations()).toEqual([]);
    for (const secret of [DEMO.zeropsToken, DEMO.jobToken, DEMO.controlToken, DEMO.stageToken]) expect(out).not.toContain(secret);
  }, 60_000);

  it('refuses bad usage with exit 2 and prints help', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const c = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], { env: { PATH: process.env.PATH } });
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (out += d.toString()));
        c.on('close', (code) => done({ code, out }));
      });
    expect(await run(['--no-such-flag'])).toMatchObject({ code: 2 });
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--project-id <value>');
    expect(help.out).toContain('ZEROPS_ROLLOUT_PROJECT_ID');
  }, 30_000);
});
