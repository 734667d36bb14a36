// The Deployments half of the stage proof: which deployment histories prove a target,
// and which refuse it (each with its reason). The build-info and stage-Zerops halves
// cross the network and are tested end to end against the simulator (e2e/stage-proof).
import { describe, expect, it } from '@jest/globals';
import type { StageDeployment } from '../../src/forge/types.js';
import { proveStage, refusalMessage, type DeploymentHistory } from '../../src/gates/stage-proof.js';
import { HttpError } from '../../src/http/errors.js';
import type { StageSettings } from '../../src/settings/settings.js';
import { fakeClock, recordingLogger } from '../helpers/fakes.js';

const SHA = 'c'.repeat(40);
const NOW = Date.UTC(2026, 11, 1, 12);
const MIN = 60_000;
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function history(d: StageDeployment | null | Error): DeploymentHistory & { asked: Array<[string, string]> } {
  const asked: Array<[string, string]> = [];
  return {
    asked,
    latestOf: async (sha, env) => {
      asked.push([sha, env]);
      if (d instanceof Error) throw d;
      return d;
    },
  };
}

function deployment(statuses: Array<[string, number]>): StageDeployment {
  return {
    id: 42,
    sha: SHA,
    environment: 'staging',
    createdAt: ago(3_600_000),
    url: 'https://api.github.example/repos/o/r/deployments/42',
    // Newest first, as the reader returns them.
    statuses: statuses.map(([state, agoMs], i) => ({ id: 100 - i, state, createdAt: ago(agoMs), logUrl: null })),
  };
}

async function prove(d: StageDeployment | null | Error, minAgeMs: number | null = 30 * MIN) {
  const stage: StageSettings = { verifyUrl: null, services: new Map(), minAgeMs, environment: 'staging', zerops: null };
  const deployments = history(d);
  const proof = await proveStage({ stage, target: SHA, services: ['api'], probe: null, stageZerops: null, deployments, shaVariable: 'ZEROPS_ROLLOUT_SHA', clock: fakeClock(NOW), log: recordingLogger() });
  return { proof, asked: deployments.asked };
}

describe('stage proof from GitHub Deployments', () => {
  it('is proven by a success older than the minimum age, asking for the target in the environment', async () => {
    const { proof, asked } = await prove(deployment([['success', 45 * MIN], ['in_progress', 50 * MIN]]));
    expect(asked).toEqual([[SHA, 'staging']]);
    expect(proof.status).toBe('proven');
    expect(proof.deployment).toMatchObject({ id: 42, state: 'success', ageMs: 45 * MIN, ok: true, successAt: ago(45 * MIN) });
  });

  it('refuses a deployment that is too young, saying its age and the minimum', async () => {
    const { proof } = await prove(deployment([['success', 5 * MIN]]));
    expect(proof.status).toBe('refused');
    expect(proof.deployment?.detail).toBe('deployment 42 is too young: success 5m ago, needs 30m');
    expect(refusalMessage(proof)).toContain('deployment to staging: deployment 42 is too young');
  });

  it('accepts any age when no minimum is set', async () => {
    expect((await prove(deployment([['success', 1000]]), null)).proof.status).toBe('proven');
  });

  it('refuses none, no status, never-successful and failed-after-success deployments', async () => {
    expect((await prove(null)).proof.deployment?.detail).toBe(`no deployment of ${SHA.slice(0, 12)} to staging`);
    expect((await prove(deployment([]))).proof.deployment?.detail).toBe('deployment 42 has no status yet');
    expect((await prove(deployment([['failure', 40 * MIN], ['in_progress', 50 * MIN]]))).proof.deployment?.detail).toMatch(/never reached success \(latest status: failure\)/);
    expect((await prove(deployment([['error', 35 * MIN], ['success', 40 * MIN]]))).proof.deployment?.detail).toMatch(/ended in error after its success/);
    expect((await prove(deployment([['in_progress', 1 * MIN], ['success', 40 * MIN]]))).proof.deployment?.detail).toMatch(/in_progress again after its success/);
  });

  it('counts an inactive deployment by how long it was live before it was replaced', async () => {
    const long = await prove(deployment([['inactive', 10 * MIN], ['success', 50 * MIN]]));
    expect(long.proof.status).toBe('proven');
    expect(long.proof.deployment?.ageMs).toBe(40 * MIN);
    const short = await prove(deployment([['inactive', 45 * MIN], ['success', 50 * MIN]]));
    expect(short.proof.deployment?.detail).toBe('deployment 42 is too young: was live 5m until a later deployment replaced it, needs 30m');
  });

  it('fails closed when the deployments cannot be read', async () => {
    const forbidden = new HttpError({ kind: 'status', status: 403, what: 'list deployments', detail: 'HTTP 403: Resource not accessible by integration' });
    expect((await prove(forbidden)).proof).toMatchObject({ status: 'refused', deployment: { ok: false, detail: expect.stringContaining('give the job `deployments: read`') } });
    const hidden = new HttpError({ kind: 'status', status: 404, what: 'list deployments', detail: 'HTTP 404' });
    expect((await prove(hidden)).proof.deployment?.detail).toMatch(/not visible to the github-token \(HTTP 404\)/);
    const throttled = new HttpError({ kind: 'status', status: 403, what: 'list deployments', detail: 'rate limited', rateLimited: true });
    expect((await prove(throttled)).proof.deployment?.detail).toMatch(/could not be read .*rate limited/);
    const down = new HttpError({ kind: 'network', what: 'list deployments', detail: 'ECONNRESET' });
    expect((await prove(down)).proof.status).toBe('refused');
  });

  it('refuses when the forge has no Deployments at all', async () => {
    const stage: StageSettings = { verifyUrl: null, services: new Map(), minAgeMs: null, environment: 'staging', zerops: null };
    const proof = await proveStage({ stage, target: SHA, services: ['api'], probe: null, stageZerops: null, deployments: null, shaVariable: 'X', clock: fakeClock(NOW), log: recordingLogger() });
    expect(proof.deployment?.detail).toBe('GitHub Deployments are not available on this forge');
    expect(proof.status).toBe('refused');
  });

  it('never proves a source that was asked for but has no client', async () => {
    const stage: StageSettings = { verifyUrl: 'https://{service}.stage.example.com/v', services: new Map(), minAgeMs: null, environment: null, zerops: { token: 't', projectId: 'STAGE' } };
    const proof = await proveStage({ stage, target: SHA, services: ['api'], probe: null, stageZerops: null, deployments: null, shaVariable: 'X', clock: fakeClock(NOW), log: recordingLogger() });
    expect(proof.status).toBe('refused');
    expect(proof.services[0]?.missing).toEqual(['build-info unreachable: no stage build-info client was configured', 'Zerops no stage Zerops client was configured']);
  });
});
