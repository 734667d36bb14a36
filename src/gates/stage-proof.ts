// Proof on stage before production: every piece of stage evidence asked for must hold
// for every released service, or the release is refused before anything changes. Each
// source is read with its own credentials: stage build-info anonymously, stage's Zerops
// view with the stage token (never the production one), GitHub Deployments with the forge
// token. Anything that cannot be read counts as missing: "cannot tell" never proves.
import type { DeploymentRecorder, StageDeployment } from '../forge/types.js';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../ports.js';
import type { BuildInfoProbe } from '../rollout/build-info.js';
import { VersionCatalogs } from '../rollout/plan.js';
import type { StageSettings } from '../settings/settings.js';
import { formatDuration } from '../util/duration.js';
import { describeError } from '../util/errors.js';
import { mapLimit } from '../util/concurrency.js';
import type { Clock } from '../util/sleep.js';
import type { ZeropsClient } from '../zerops/client.js';
import type { ServiceStack } from '../zerops/types.js';
import type { StageBuildInfoEvidence, StageDeploymentEvidence, StageProof, StageServiceEvidence, StageZeropsEvidence } from './stage-evidence.js';

/** Reads the newest deployment of a SHA to an environment (GitHub's Deployments; the forge's recorder). */
export type DeploymentHistory = Pick<DeploymentRecorder, 'latestOf'>;

export interface StageProofInput {
  stage: StageSettings;
  target: string;
  /** Production hostnames this release changes. */
  services: readonly string[];
  /** Probes stage build-info (its own URL template); null when `stage-verify-url` is not set. */
  probe: BuildInfoProbe | null;
  /** A client holding the stage token; null when stage's Zerops view is not asked for. */
  stageZerops: ZeropsClient | null;
  deployments: DeploymentHistory | null;
  shaVariable: string;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  /** How many times the proof was checked before (the re-check right before the canary counts on). */
  previousChecks?: number;
}

/** Concurrent stage reads (build-info probes, version catalogs). */
const STAGE_CONCURRENCY = 8;
const FAILED_STATES = new Set(['failure', 'error']);

export function skippedProof(note: string, now: number): StageProof {
  return { status: 'skipped', note, checkedAt: now, checks: 0, minAgeMs: null, stageProject: null, deployment: null, services: [] };
}

export async function proveStage(i: StageProofInput): Promise<StageProof> {
  const { stage, target } = i;
  const now = i.clock.now();
  const stageHost = (h: string) => stage.services.get(h) ?? h;
  const records: StageServiceEvidence[] = i.services.map((service) => ({ service, stageService: stageHost(service), buildInfo: null, zerops: null, ok: true, missing: [] }));

  const deployment = stage.environment ? await deploymentEvidence(i, stage.environment, now) : null;
  let stageProject: StageProof['stageProject'] = null;
  if (stage.zerops) {
    // Asked for but not wired is "cannot tell", never a pass.
    const view = i.stageZerops ? await stageZeropsView(i, i.stageZerops, stage.zerops.projectId) : { error: 'no stage Zerops client was configured' };
    if ('error' in view) {
      for (const r of records) r.zerops = { stageServiceId: null, versionId: null, sha: null, activatedAt: null, ageMs: null, ok: false, detail: view.error };
    } else if (i.stageZerops) {
      stageProject = view.project;
      const catalogs = new VersionCatalogs(i.stageZerops, i.shaVariable, i.log);
      await mapLimit(records, STAGE_CONCURRENCY, async (r) => {
        r.zerops = await zeropsEvidence(catalogs, view.services.get(r.stageService) ?? null, r.stageService, target, stage.minAgeMs, now, view.project.name ?? stage.zerops?.projectId ?? '');
      });
    }
  }
  if (stage.verifyUrl) {
    const probe = i.probe;
    await mapLimit(records, STAGE_CONCURRENCY, async (r) => {
      r.buildInfo = probe ? await buildInfoEvidence(probe, r.stageService, target, i.signal) : { url: stage.verifyUrl as string, observed: null, ok: false, detail: 'unreachable: no stage build-info client was configured' };
    });
  }
  for (const r of records) {
    if (r.buildInfo && !r.buildInfo.ok) r.missing.push(`build-info ${r.buildInfo.detail}`);
    if (r.zerops && !r.zerops.ok) r.missing.push(`Zerops ${r.zerops.detail}`);
    r.ok = r.missing.length === 0;
  }
  const bad = records.filter((r) => !r.ok);
  const proven = bad.length === 0 && (deployment?.ok ?? true);
  const note = proven
    ? `${target.slice(0, 12)} is proven on stage (${sources(stage).join(', ')}) for ${records.length} service(s)`
    : `${target.slice(0, 12)} is not proven on stage: ${[deployment && !deployment.ok ? 'deployment' : null, bad.length ? `${bad.length} of ${records.length} service(s)` : null].filter(Boolean).join(' and ')} missing`;
  return { status: proven ? 'proven' : 'refused', note, checkedAt: now, checks: (i.previousChecks ?? 0) + 1, minAgeMs: stage.minAgeMs, stageProject, deployment, services: records };
}

/** The refusal, naming each service and what it was missing. */
export function refusalMessage(proof: StageProof): string {
  const lines: string[] = [];
  const d = proof.deployment;
  if (d && !d.ok) lines.push(`deployment to ${d.environment}: ${d.detail}`);
  for (const r of proof.services) {
    if (r.ok) continue;
    const as = r.stageService === r.service ? '' : ` (stage ${r.stageService})`;
    lines.push(`${r.service}${as}: ${r.missing.join('; ')}`);
  }
  return `Refusing to release: ${proof.note}.\n${lines.map((l) => `  - ${l}`).join('\n')}\nNothing was changed.`;
}

export const STAGE_PROOF_HINT =
  'Release the target to stage first and let it run there (for `stage-min-age`, when set); the run re-checks stage each time. A rollback to a commit that already ran in production sets `allow-downgrade: true`, which skips the stage proof.';

function sources(stage: StageSettings): string[] {
  return [stage.verifyUrl ? 'build-info' : null, stage.zerops ? 'stage Zerops' : null, stage.environment ? `deployment to ${stage.environment}` : null].filter((x): x is string => x !== null);
}

async function buildInfoEvidence(probe: BuildInfoProbe, host: string, target: string, signal?: AbortSignal): Promise<StageBuildInfoEvidence> {
  const url = probe.urlFor(host, target);
  try {
    const r = await probe.probe(host, target, signal);
    if (r.kind === 'ok') return { url, observed: r.observed, ok: true, detail: r.detail };
    const detail = r.kind === 'stale' ? `serves ${r.observed?.slice(0, 12) ?? 'another commit'}, not the target` : `${r.kind}: ${r.detail}`;
    return { url, observed: r.observed, ok: false, detail };
  } catch (err) {
    return { url, observed: null, ok: false, detail: `unreachable: ${describeError(err)}` };
  }
}

/** Stage's project and its services by hostname, or why they cannot be read. */
async function stageZeropsView(i: StageProofInput, zerops: ZeropsClient, projectId: string): Promise<{ project: { id: string; name: string | null }; services: Map<string, ServiceStack> } | { error: string }> {
  try {
    const project = await zerops.getProject(projectId);
    if (project.id !== projectId) return { error: `answered project ${project.id} when asked for stage project ${projectId}` };
    const services = new Map((await zerops.listServices(projectId, i.signal)).filter((s) => s.projectId === projectId).map((s) => [s.hostname, s]));
    return { project: { id: project.id, name: project.name }, services };
  } catch (err) {
    if (err instanceof HttpError && err.kind === 'status' && (err.status === 401 || err.status === 403 || err.status === 404)) {
      return { error: `the stage token cannot read stage project ${projectId} (HTTP ${err.status})` };
    }
    return { error: `stage project ${projectId} could not be read (${describeError(err)})` };
  }
}

async function zeropsEvidence(catalogs: VersionCatalogs, svc: ServiceStack | null, host: string, target: string, minAgeMs: number | null, now: number, projectName: string): Promise<StageZeropsEvidence> {
  const none = { stageServiceId: svc?.id ?? null, versionId: null, sha: null, activatedAt: null, ageMs: null };
  if (!svc) return { ...none, ok: false, detail: `has no service \`${host}\` in stage project ${projectName}` };
  let running: { versionId: string | null; sha: string | null };
  try {
    running = await catalogs.currentOf(svc);
  } catch (err) {
    return { ...none, ok: false, detail: `versions of ${host} could not be read (${describeError(err)})` };
  }
  const activatedAt = svc.activeVersion?.activationDate ?? null;
  const at = activatedAt ? Date.parse(activatedAt) : NaN;
  const ageMs = Number.isFinite(at) ? Math.max(0, now - at) : null;
  const base = { stageServiceId: svc.id, versionId: running.versionId, sha: running.sha, activatedAt, ageMs };
  if (!running.versionId) return { ...base, ok: false, detail: `${host} runs nothing` };
  if (!running.sha) return { ...base, ok: false, detail: `${host} runs version ${running.versionId}, whose commit is unknown` };
  if (running.sha !== target) return { ...base, ok: false, detail: `${host} runs ${running.sha.slice(0, 12)}, not the target` };
  if (minAgeMs !== null) {
    if (ageMs === null) return { ...base, ok: false, detail: `${host} runs the target, but its activation time is unknown, so its age cannot be proven` };
    if (ageMs < minAgeMs) return { ...base, ok: false, detail: `${host} is too young: live ${formatDuration(ageMs)}, needs ${formatDuration(minAgeMs)}` };
  }
  return { ...base, ok: true, detail: `${host} runs the target${ageMs !== null ? `, live ${formatDuration(ageMs)}` : ''}` };
}

async function deploymentEvidence(i: StageProofInput, environment: string, now: number): Promise<StageDeploymentEvidence> {
  const none = { environment, id: null, state: null, successAt: null, ageMs: null, url: null };
  if (!i.deployments) return { ...none, ok: false, detail: 'GitHub Deployments are not available on this forge' };
  let d: StageDeployment | null;
  try {
    d = await i.deployments.latestOf(i.target, environment, i.signal);
  } catch (err) {
    if (err instanceof HttpError && err.kind === 'status' && err.status === 403 && !err.rateLimited) {
      return { ...none, ok: false, detail: `the github-token cannot read deployments (HTTP 403); give the job \`deployments: read\`` };
    }
    if (err instanceof HttpError && err.kind === 'status' && err.status === 404) {
      return { ...none, ok: false, detail: 'the deployments of this repository are not visible to the github-token (HTTP 404)' };
    }
    return { ...none, ok: false, detail: `deployments could not be read (${describeError(err)})` };
  }
  if (!d) return { ...none, ok: false, detail: `no deployment of ${i.target.slice(0, 12)} to ${environment}` };
  const base = { environment, id: d.id, url: d.url };
  const newest = d.statuses[0];
  if (!newest) return { ...base, state: null, successAt: null, ageMs: null, ok: false, detail: `deployment ${d.id} has no status yet` };
  const success = d.statuses.find((s) => s.state === 'success');
  const successAt = success?.createdAt ?? null;
  const at = successAt ? Date.parse(successAt) : NaN;
  const withState = { ...base, state: newest.state, successAt };
  if (!success || !Number.isFinite(at)) return { ...withState, ageMs: null, ok: false, detail: `deployment ${d.id} never reached success (latest status: ${newest.state})` };
  if (FAILED_STATES.has(newest.state)) return { ...withState, ageMs: null, ok: false, detail: `deployment ${d.id} ended in ${newest.state} after its success` };
  let ageMs: number;
  let how: string;
  if (newest.state === 'success') {
    ageMs = Math.max(0, now - at);
    how = `success ${formatDuration(ageMs)} ago`;
  } else if (newest.state === 'inactive') {
    // A later deployment replaced it on stage: it was live from its success until then.
    const until = Date.parse(newest.createdAt);
    ageMs = Number.isFinite(until) ? Math.max(0, until - at) : 0;
    how = `was live ${formatDuration(ageMs)} until a later deployment replaced it`;
  } else {
    return { ...withState, ageMs: null, ok: false, detail: `deployment ${d.id} is ${newest.state} again after its success` };
  }
  const minAge = i.stage.minAgeMs;
  if (minAge !== null && ageMs < minAge) return { ...withState, ageMs, ok: false, detail: `deployment ${d.id} is too young: ${how}, needs ${formatDuration(minAge)}` };
  return { ...withState, ageMs, ok: true, detail: `deployment ${d.id}: ${how}` };
}
