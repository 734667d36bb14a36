// A runner cancels by signalling the process. On the first signal the action starts no
// new mutating call, lets the ones already sent answer (briefly), writes outputs,
// summary and report with every service's state, and exits non-zero within seconds.
import { writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { tempDir } from '../helpers/temp.js';
import { runAction, type ActionRun } from '../helpers/action.js';
import { kindOf, mutationList } from '../helpers/log.js';
import { makeRepo } from '../helpers/repo.js';
import { baseInputs, DEFAULT_SERVICES, world } from '../helpers/world.js';

/** The runner sends SIGTERM 7.5 s after SIGINT and kills 2.5 s later: finish well before. */
const RUNNER_GRACE_MS = 7000;

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

function outcomes(run: ActionRun): Record<string, string> {
  return Object.fromEntries((run.report?.services ?? []).map((s: { hostname: string; outcome: string }) => [s.hostname, s.outcome]));
}

/** Time from the signal to the process exit, measured from the log the child printed. */
function expectPromptCancelledExit(run: ActionRun, signalledAt: number, result = 'halted', reason = /Cancelled by the runner/): void {
  expect(run.code).toBe(1);
  expect(run.signal).toBeNull(); // it exited by itself, not killed
  expect(Date.now() - signalledAt).toBeLessThan(RUNNER_GRACE_MS);
  expect(run.outputs.result).toBe(result);
  expect(run.report?.reason).toMatch(reason);
  expect(run.summary).toContain(`zerops-rollout: ${result}`);
}

async function cancelled(o: Parameters<typeof runAction>[0], line: RegExp, delayMs: number): Promise<{ run: ActionRun; signalledAt: number }> {
  let signalledAt = 0;
  const run = await runAction({
    ...o,
    timeoutMs: 60_000,
    signalWhen: { line, signal: 'SIGINT', delayMs, onSignal: () => (signalledAt = Date.now()) },
  });
  expect(signalledAt).toBeGreaterThan(0);
  return { run, signalledAt };
}

describe('cancellation', () => {
  it('while waiting for checks: nothing was or will be changed', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    sim = await startSimulator(world({ shas: repo.shas, checks: [{ name: 'test', status: 'in_progress' }] }));
    const { run, signalledAt } = await cancelled({ sim, inputs: baseInputs(sim, repo.dir, { 'checks-timeout': '5m' }), env: { GITHUB_SHA: repo.shas[2] } }, /Checks on/, 300);
    expectPromptCancelledExit(run, signalledAt);
    expect(sim.mutations()).toEqual([]);
    expect(Object.values(outcomes(run))).toEqual(['untouched', 'untouched', 'untouched', 'untouched']);
  }, 60_000);

  it('mid-upload: the upload is abandoned and no deploy call follows it', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    const dir = tempDir('zr-cancel-');
    const artifact = join(dir, 'app.tgz');
    writeFileSync(artifact, '');
    truncateSync(artifact, 256 * 1024 * 1024); // sparse: large enough to still be uploading
    sim = await startSimulator(world({ shas: repo.shas }));
    // The storage accepts the request but reads nothing for a while: the upload hangs mid-way.
    sim.addFault({ server: 'upload', method: 'PUT', delayMs: 20_000 });
    const { run, signalledAt } = await cancelled(
      { sim, inputs: baseInputs(sim, repo.dir, { strategy: 'artifact', artifact, 'http-timeout': '30s' }), env: { GITHUB_SHA: repo.shas[2] } },
      /▶ canary started/,
      500,
    );
    expectPromptCancelledExit(run, signalledAt);
    expect(mutationList(sim)).toEqual(['create-version api', 'upload api']);
    expect(outcomes(run).api).toBe('untouched');
  }, 60_000);

  it('mid-batch: in-flight deploys are reported as such, no later batch starts', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    sim = await startSimulator(
      world({ shas: repo.shas, service: { web: { deploy: { durationMs: 6000 } }, worker: { deploy: { durationMs: 6000 } } } }),
    );
    const { run, signalledAt } = await cancelled({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: repo.shas[2] } }, /▶ batch 1 started/, 600);
    expectPromptCancelledExit(run, signalledAt);
    expect(outcomes(run)).toEqual({ api: 'on-target', web: 'in-flight', worker: 'in-flight', admin: 'untouched' });
    // Batch 2 (admin) never got a mutating call; each in-flight service got exactly one deploy call.
    expect(sim.mutations().filter((e) => e.service === 'admin')).toEqual([]);
    for (const host of ['web', 'worker']) expect(sim.mutations().filter((e) => e.service === host && kindOf(e) === 'build-and-deploy')).toHaveLength(1);
    const web = run.report?.services.find((s: { hostname: string }) => s.hostname === 'web');
    expect(web.reason).toMatch(/process \S+; check it in Zerops/);
    expect(run.outputs.failed).toBe('["web","worker"]');
  }, 60_000);

  it('during rollback: the rollback in flight is reported, nothing else is started', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    sim = await startSimulator(
      world({ shas: repo.shas, service: { api: { buildInfo: { staleForever: true }, deploy: { activateMs: 6000 } } } }),
    );
    const { run, signalledAt } = await cancelled(
      { sim, inputs: baseInputs(sim, repo.dir, { 'verify-timeout': '500ms' }), env: { GITHUB_SHA: repo.shas[2] } },
      /Rolling back api/,
      600,
    );
    // The release had already failed; the cancel interrupted its rollback, and the reason says both.
    expectPromptCancelledExit(run, signalledAt, 'failed', /Stage canary failed[\s\S]*rollback was interrupted: the run was cancelled/);
    expect(outcomes(run)).toEqual({ api: 'in-flight', web: 'untouched', worker: 'untouched', admin: 'untouched' });
    expect(mutationList(sim)).toEqual(['create-version api', 'upload api', 'build-and-deploy api', 'deploy api']);
    const api = run.report?.services.find((s: { hostname: string }) => s.hostname === 'api');
    expect(api.rollback).toMatchObject({ status: 'held' });
  }, 60_000);
});
