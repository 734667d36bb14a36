// One service, from what it runs to the target: the strategy's mutating calls (each
// behind the stop guard), the wait for the platform's process, then verification.
// A deploy call whose answer is lost is never repeated blindly: we look first.
import { HttpError } from '../http/errors.js';
import { describeError, RolloutError } from '../util/errors.js';
import { PROCESS_IN_FLIGHT, type Process } from '../zerops/types.js';
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
  await ctx.stop.guard(`uploading to ${host}`);
  await ctx.zerops.upload(version.uploadUrl, host, () => source.open(), ctx.signal, source.size);
  await ctx.stop.guard(`deploying ${host}`);
  rec.changed = true;
  const call =
    kind === 'build'
      ? () => ctx.zerops.buildAndDeploy(version.id, host, yaml, setup, ctx.mutationSignal)
      : () => ctx.zerops.deploy(version.id, host, yaml, setup, ctx.mutationSignal);
  const process = await sendDeployCall(ctx, svc, version.id, kind, call);
  return { process, versionId: version.id };
}

/**
 * Creating a version is retried once when its answer is lost: the lost answer carried
 * the upload URL, so the version cannot be used; it stays unused in UPLOADING.
 */
async function createVersion(ctx: RolloutContext, svc: PlannedService) {
  try {
    return await ctx.zerops.createAppVersion(svc.serviceId, svc.hostname, ctx.target, ctx.mutationSignal);
  } catch (err) {
    if (!(err instanceof HttpError) || !err.effectUnknown || err.kind === 'aborted') throw err;
    ctx.log.warning(`${svc.hostname}: the answer to "create version" was lost (${err.detail}); creating another. An unused version named ${ctx.target.slice(0, 12)} may remain in UPLOADING.`);
    await ctx.stop.guard(`creating a version of ${svc.hostname} again`);
    return ctx.zerops.createAppVersion(svc.serviceId, svc.hostname, ctx.target, ctx.mutationSignal);
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

async function findProcessFor(ctx: RolloutContext, svc: { hostname: string; serviceId: string }, versionId: string, since: number): Promise<Process | null> {
  const processes = await ctx.zerops.listServiceProcesses(svc.serviceId, svc.hostname, null, 20, ctx.signal);
  return (
    processes.find((p) => {
      if (p.appVersionId !== versionId) return false;
      if ((PROCESS_IN_FLIGHT as readonly string[]).includes(p.status)) return true;
      const created = p.created ? Date.parse(p.created) : NaN;
      return Number.isFinite(created) && created >= since - CLOCK_SKEW_MS;
    }) ?? null
  );
}
