// GitHub Deployments: a record of the release on the repository's environment page.
// Best effort by design — a release never fails because this record could not be made.
import type { Forge } from '../forge/types.js';
import type { Logger } from '../ports.js';
import type { Settings } from '../settings/settings.js';
import { describeError } from '../util/errors.js';
import type { RunFacts } from './facts.js';

export async function recordDeploymentStart(forge: Forge, s: Settings, sha: string, log: Logger): Promise<number | null> {
  if (!forge.deployments || !s.deploymentEnvironment || s.dryRun) return null;
  let id: number;
  try {
    id = await forge.deployments.create({ sha, environment: s.deploymentEnvironment, description: `zerops-rollout ${sha.slice(0, 7)} to project ${s.projectId}` });
  } catch (err) {
    log.info(`No GitHub deployment recorded (${describeError(err)}); give the job \`deployments: write\` to record one.`);
    return null;
  }
  try {
    await forge.deployments.status(id, { state: 'in_progress', logUrl: forge.runUrl() ?? undefined, description: 'Rolling out' });
  } catch (err) {
    // The deployment exists: keep its id so the end of the run still gives it a final state.
    log.info(`Could not mark the GitHub deployment in progress (${describeError(err)}).`);
  }
  return id;
}

/** The closing record is best effort and must not delay the end of a (possibly cancelled) run. */
const END_RECORD_TIMEOUT_MS = 3000;

export async function recordDeploymentEnd(forge: Forge, facts: RunFacts, log: Logger): Promise<void> {
  if (facts.deploymentId === null || !forge.deployments) return;
  const ok = facts.stop === null && facts.records.every((r) => ['on-target', 'skipped', 'quarantined'].includes(r.outcome));
  try {
    await forge.deployments.status(facts.deploymentId, {
      state: ok ? 'success' : 'failure',
      logUrl: forge.runUrl() ?? undefined,
      description: ok ? 'Released and verified' : (facts.stop?.message ?? 'Release failed').split('\n')[0] ?? 'Release failed',
    }, AbortSignal.timeout(END_RECORD_TIMEOUT_MS));
  } catch (err) {
    log.info(`Could not update the GitHub deployment (${describeError(err)}).`);
  }
}
