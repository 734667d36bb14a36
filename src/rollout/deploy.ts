// One service, from what it runs to the target: the strategy's mutating calls (each
// behind the stop guard), the wait for the platform's process, then verification.
// A deploy call whose answer is lost is never repeated blindly: we look first.
import { HttpError } from '../http/errors.js';
import { describeError, RolloutError } from '../util/errors.js';
import { PROCESS_IN_FLIGHT, UPLOADING_STATUS, type Process } from '../zerops/types.js';
import type { RolloutContext } from './context.js';
import { Stopped } from './context.js';
import type { PlannedService } from './plan.js';
import { describeProcessEnd, waitForProcess } from './process.js';
import { readyToDeploy } from './preflight.js';
import type { ServiceRecord } from './records.js';
import { verifyService } from './verify.js';

export type PipelineResult =
  | { kind: 'verified' }
  | { kind: 'deploy-failed'; detail: string }
  | { kind: 'verify-failed'; detail: string }
  | { kind: 'stopped' };

/** After a timed-out deploy call, how long to look for the process it may still start before sending it again. */
const LATE_CALL_WINDOW_MS = 10_000;

/** How far back a process may have been created and still be the one our lost call started (clock skew). */
const CLOCK_SKEW_MS = 30_000;

export async function deployAndVerify(ctx: RolloutContext, svc: PlannedService, rec: ServiceRecord, deadline: number): Promise<PipelineResult> {
  rec.startedAt = ctx.clock.now();
  try {
    await readyToDeploy(ctx, svc, deadline);
    const { process, versionId } = await startDeploy(ctx, svc, rec);
    rec.deployedVersionId = versionId;
    rec.processId = process.id;
    const end = await waitForProcess(ctx, process.id, svc.hostname, deadline);
    if (end.status !== 'FINISHED') {
      rec.outcome = 'failed';
      rec.reason = `${svc.strategy} ${end.status === 'TIMEOUT' ? 'not confirmed' : 'failed'}: ${describeProcessEnd(end)}`;
      ctx.log.info(`  ✖ ${svc.hostname}: ${rec.reason}`);
      return { kind: 'deploy-failed', detail: rec.reason };
    }
    ctx.log.info(`  ${svc.hostname}: ${svc.strategy} finished (${describeProcessEnd(end)}); verifying`);
    const v = await verifyService(ctx, svc, { versionId, sha: ctx.target }, ctx.timing.verifyTimeoutMs);
    rec.verification = { kind: v.kind, detail: v.detail };
    if (v.ok) {
      rec.outcome = 'on-target';
      rec.after = { versionId, sha: ctx.target };
      ctx.log.info(`  ✔ ${svc.hostname}: verified — ${v.detail}${v.attempts > 1 ? ` (after ${v.attempts} checks)` : ''}`);
      return { kind: 'verified' };
    }
    rec.outcome = 'failed';
    rec.reason = `not verified within verify-timeout: ${v.detail}`;
    ctx.log.info(`  ✖ ${svc.hostname}: ${rec.reason}`);
    return { kind: 'verify-failed', detail: rec.reason };
  } catch (err) {
    if (err instanceof Stopped || ctx.signal.aborted) {
      const reason = err instanceof Stopped ? err.reason.message : 'cancelled';
      rec.outcome = rec.changed ? 'in-flight' : 'untouched';
      rec.reason = rec.changed
        ? `a deploy was under way when the run stopped (${rec.processId ? `process ${rec.processId}` : 'its process unknown'}; check it in Zerops): ${reason}`
        : `not deployed: ${reason}`;
      return { kind: 'stopped' };
    }
    rec.outcome = 'failed';
    rec.reason = describeError(err);
    ctx.log.info(`  ✖ ${svc.hostname}: ${rec.reason}`);
    return { kind: 'deploy-failed', detail: rec.reason };
  } finally {
    rec.finishedAt = ctx.clock.now();
  }
}

async function startDeploy(ctx: RolloutContext, svc: PlannedService, rec: ServiceRecord): Promise<{ process: Process; versionId: string }> {
  const host = svc.hostname;
  if (svc.strategy === 'activate') {
    const versionId = svc.activateVersionId as string;
    await ctx.stop.guard(`activating ${host}`);
    rec.changed = true;
    const process = await sendDeployCall(ctx, svc, versionId, 'activate', () => ctx.zerops.deploy(versionId, host, null, null, ctx.mutationSignal));
    return { process, versionId };
  }
  const kind = svc.strategy;
  const source = kind === 'build' ? ctx.payload.build : kind === 'artifact' ? ctx.payload.artifact : null;
  const yaml = ctx.payload.zeropsYaml;
  if (!source || yaml === null || !svc.setup || (kind !== 'build' && kind !== 'artifact')) {
    throw new RolloutError('internal', `${host}: nothing to upload for strategy ${kind}`);
  }
  const setup = svc.setup;

  await ctx.stop.guard(`creating a version of ${host}`);
  const version = await createVersion(ctx, svc);
  try {
    await ctx.stop.guard(`uploading to ${host}`);
    await ctx.zerops.upload(version.uploadUrl, host, () => source.open(), ctx.signal, source.size);
  } catch (err) {
    await discardUnused(ctx, svc, version.id, 'its upload did not complete');
    throw err;
  }
  await ctx.stop.guard(`deploying ${host}`);
  rec.changed = true;
  const call =
    kind === 'build'
      ? () => ctx.zerops.buildAndDeploy(version.id, host, yaml, setup, ctx.mutationSignal)
      : () => ctx.zerops.deploy(version.id, host, yaml, setup, ctx.mutationSignal);
  try {
    const process = await sendDeployCall(ctx, svc, version.id, kind, call);
    return { process, versionId: version.id };
  } catch (err) {
    // A definite refusal leaves the version unused; anything else may have started work on it.
    if (err instanceof HttpError && err.kind === 'status' && !err.effectUnknown) await discardUnused(ctx, svc, version.id, `the ${kind} call was refused`);
    throw err;
  }
}

/** How long after a lost "create version" call the version it made may carry as its creation time. */
const CREATE_WINDOW_SLACK_MS = CLOCK_SKEW_MS;

/**
 * Creating a version is retried once when its answer is lost: the lost answer carried
 * the upload URL, so the version it made cannot be used. That orphan is deleted when it
 * can be told apart (the one UPLOADING version created in the call's window); it would
 * otherwise linger in UPLOADING.
 */
async function createVersion(ctx: RolloutContext, svc: PlannedService) {
  const firstCall = ctx.clock.now();
  try {
    return await ctx.zerops.createAppVersion(svc.serviceId, svc.hostname, ctx.target, ctx.mutationSignal);
  } catch (err) {
    if (!(err instanceof HttpError) || !err.effectUnknown || err.kind === 'aborted') throw err;
    ctx.log.warning(`${svc.hostname}: the answer to "create version" was lost (${err.detail}); creating another.`);
    await ctx.stop.guard(`creating a version of ${svc.hostname} again`);
    const secondCall = ctx.clock.now();
    const version = await ctx.zerops.createAppVersion(svc.serviceId, svc.hostname, ctx.target, ctx.mutationSignal);
    await discardOrphan(ctx, svc, version.id, firstCall, secondCall);
    return version;
  }
}

/** Finds and deletes the version a lost create call made, when exactly one candidate fits. */
async function discardOrphan(ctx: RolloutContext, svc: PlannedService, keptId: string, from: number, to: number): Promise<void> {
  let candidates: string[];
  try {
    candidates = (await ctx.zerops.listAppVersions(svc.serviceId, svc.hostname, ctx.signal))
      .filter((v) => {
        const created = v.created ? Date.parse(v.created) : NaN;
        return v.id !== keptId && v.status === UPLOADING_STATUS && created >= from - CREATE_WINDOW_SLACK_MS && created <= to + CREATE_WINDOW_SLACK_MS;
      })
      .map((v) => v.id);
  } catch (err) {
    ctx.log.warning(`${svc.hostname}: could not look for the version the lost "create version" call made (${describeError(err)}); it may remain in UPLOADING.`);
    return;
  }
  if (candidates.length === 0) return;
  if (candidates.length > 1) {
    ctx.log.warning(`${svc.hostname}: ${candidates.length} unused versions in UPLOADING (${candidates.join(', ')}) may include the one the lost "create version" call made; none deleted, as they cannot be told apart.`);
    return;
  }
  await deleteBestEffort(ctx, svc, candidates[0] as string, 'the lost "create version" call made it');
}

/** Deletes a version this run created, if it is still unused (UPLOADING); never fails the run. */
async function discardUnused(ctx: RolloutContext, svc: PlannedService, versionId: string, why: string): Promise<void> {
  if (ctx.stop.stopped) return;
  try {
    const v = await ctx.zerops.getAppVersion(versionId, svc.hostname);
    if (v.status !== UPLOADING_STATUS) return;
  } catch (err) {
    ctx.log.warning(`${svc.hostname}: version ${versionId} was left behind (${why}); could not read it to clean it up: ${describeError(err)}`);
    return;
  }
  await deleteBestEffort(ctx, svc, versionId, why);
}

async function deleteBestEffort(ctx: RolloutContext, svc: PlannedService, versionId: string, why: string): Promise<void> {
  try {
    await ctx.stop.guard(`deleting an unused version of ${svc.hostname}`);
    await ctx.zerops.deleteAppVersion(versionId, svc.hostname, ctx.mutationSignal);
    ctx.log.info(`${svc.hostname}: deleted unused version ${versionId} (${why}).`);
  } catch (err) {
    ctx.log.warning(`${svc.hostname}: could not delete unused version ${versionId} (${why}): ${describeError(err)}. It stays in UPLOADING; it is never activated (only BACKUP versions are).`);
  }
}

/**
 * Sends a deploy/build-and-deploy/activate call. When its outcome is unknown (lost
 * answer, 5xx, timeout) it looks at the service's processes for the one the call
 * would have started, and only sends again when the platform shows no sign of it.
 */
export async function sendDeployCall(
  ctx: RolloutContext,
  svc: { hostname: string; serviceId: string },
  versionId: string,
  kind: 'build' | 'artifact' | 'activate' | 'rollback',
  call: () => Promise<Process>,
): Promise<Process> {
  const callStart = ctx.clock.now();
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof HttpError) || !err.effectUnknown || err.kind === 'aborted') throw err;
    ctx.log.warning(`${svc.hostname}: the answer to the ${kind} call was lost (${err.detail}); looking at the service's processes before doing anything else.`);
    // A call we timed out on may still be queued on the platform: look for longer before re-sending.
    const lookUntil = ctx.clock.now() + (err.kind === 'timeout' ? Math.max(LATE_CALL_WINDOW_MS, ctx.timing.httpTimeoutMs) : 0);
    for (let look = 0; look < 3 || ctx.clock.now() < lookUntil; look++) {
      const found = await findProcessFor(ctx, svc, versionId, callStart);
      if (found) {
        ctx.log.info(`${svc.hostname}: the platform did start process ${found.id} (${found.status}); following it instead of sending the call again.`);
        return found;
      }
      await ctx.clock.sleep(Math.min(ctx.timing.pollIntervalMs, 2000), ctx.signal);
    }
    if (kind === 'build' || kind === 'artifact') {
      const v = await ctx.zerops.getAppVersion(versionId, svc.hostname);
      if (v.status !== 'UPLOADING') {
        throw new RolloutError('zerops', `${svc.hostname}: the ${kind} call's answer was lost and version ${versionId} is now ${v.status}, but no process for it is visible; not sending it again.`);
      }
    }
    ctx.log.info(`${svc.hostname}: no sign that the ${kind} call took effect; sending it once more.`);
    await ctx.stop.guard(`re-sending the ${kind} call for ${svc.hostname}`);
    return call();
  }
}

/**
 * The process a lost call started: in flight, or created since the call. The API defines
 * no list order, so the in-flight ones are read first (few), then the whole history (paged, bounded).
 */
async function findProcessFor(ctx: RolloutContext, svc: { hostname: string; serviceId: string }, versionId: string, since: number): Promise<Process | null> {
  const ours = (p: Process, inFlightOnly: boolean): boolean => {
    if (p.appVersionId !== versionId) return false;
    if ((PROCESS_IN_FLIGHT as readonly string[]).includes(p.status)) return true;
    if (inFlightOnly) return false;
    const created = p.created ? Date.parse(p.created) : NaN;
    return Number.isFinite(created) && created >= since - CLOCK_SKEW_MS;
  };
  const inFlight = await ctx.zerops.allServiceProcesses(svc.serviceId, svc.hostname, PROCESS_IN_FLIGHT, ctx.signal);
  const found = inFlight.find((p) => ours(p, true));
  if (found) return found;
  return (await ctx.zerops.allServiceProcesses(svc.serviceId, svc.hostname, null, ctx.signal)).find((p) => ours(p, false)) ?? null;
}
