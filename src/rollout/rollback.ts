// Undo what this run changed: re-activate each service's previous version (recorded
// before it was touched), behind the kill switch, and verify that too.
import { HttpError } from '../http/errors.js';
import { describeError, RolloutError } from '../util/errors.js';
import { PROCESS_IN_FLIGHT } from '../zerops/types.js';
import type { RolloutContext } from './context.js';
import { Stopped } from './context.js';
import { sendDeployCall } from './deploy.js';
import { describeProcessEnd, waitForProcess } from './process.js';
import type { ServiceRecord } from './records.js';
import { verifyService } from './verify.js';

/** Rolls back every changed record; true when all of them ended on their previous version. */
export async function rollBack(ctx: RolloutContext, records: readonly ServiceRecord[]): Promise<boolean> {
  const changed = records.filter((r) => r.changed && r.outcome !== 'rolled-back');
  if (changed.length === 0) return true;
  ctx.log.info(`Rolling back ${changed.map((r) => r.hostname).join(', ')} to their previous versions.`);
  const results = await Promise.all(changed.map((r) => rollBackOne(ctx, r)));
  for (const r of changed) if (r.rollback && ['failed', 'held', 'impossible'].includes(r.rollback.status)) ctx.log.info(`  ✖ ${r.hostname}: rollback ${r.rollback.status} — ${r.rollback.detail}`);
  return results.every(Boolean);
}

async function rollBackOne(ctx: RolloutContext, rec: ServiceRecord): Promise<boolean> {
  const host = rec.hostname;
  const prior = rec.before;
  if (!prior.versionId) {
    rec.rollback = { status: 'impossible', detail: 'no previous version: this was the service\'s first deploy' };
    rec.reason = `${rec.reason ? `${rec.reason}; ` : ''}cannot be rolled back: no previous version`;
    rec.outcome = 'failed';
    return false;
  }
  const deadline = ctx.clock.now() + ctx.timing.deployTimeoutMs;
  let rollbackSent = false;
  try {
    // A deploy still in flight (stage deadline hit) could activate later: cancel it first.
    if (rec.processId) {
      const p = await ctx.zerops.getProcess(rec.processId, host, ctx.signal);
      if ((PROCESS_IN_FLIGHT as readonly string[]).includes(p.status)) await cancelInFlight(ctx, p.id, host, deadline);
    }
    const current = (await ctx.zerops.getService(rec.serviceId, host, ctx.signal)).activeVersion;
    if (current?.id === prior.versionId) {
      rec.rollback = { status: 'not-needed', detail: `the previous version ${prior.sha?.slice(0, 7) ?? prior.versionId} is still active` };
      rec.after = { ...prior };
      ctx.log.info(`  ${host}: nothing to undo — ${rec.rollback.detail}`);
      return true;
    }
    await ctx.stop.guard(`rolling back ${host}`);
    const versionId = prior.versionId;
    rollbackSent = true;
    const process = await sendDeployCall(ctx, { hostname: host, serviceId: rec.serviceId }, versionId, 'rollback', () => ctx.zerops.deploy(versionId, host, null, null, ctx.mutationSignal));
    const end = await waitForProcess(ctx, process.id, host, deadline);
    if (end.status !== 'FINISHED') return failRollback(rec, 'failed', describeProcessEnd(end));
    const v = await verifyService(ctx, { hostname: host, serviceId: rec.serviceId }, prior, ctx.timing.verifyTimeoutMs);
    if (!v.ok) return failRollback(rec, 'failed', `rollback not verified: ${v.detail}`);
    rec.rollback = { status: 'done', detail: `re-activated ${prior.sha?.slice(0, 7) ?? prior.versionId}` };
    rec.outcome = 'rolled-back';
    rec.after = { ...prior };
    ctx.log.info(`  ↩ ${host}: ${rec.rollback.detail}, verified`);
    return true;
  } catch (err) {
    if (ctx.signal.aborted && rollbackSent) {
      rec.rollback = { status: 'held', detail: `cancelled while the rollback to ${prior.sha?.slice(0, 7) ?? prior.versionId} was under way; check the service in Zerops` };
      rec.outcome = 'in-flight';
      rec.reason = `${rec.reason ? `${rec.reason}; ` : ''}${rec.rollback.detail}`;
      return false;
    }
    if (err instanceof Stopped || ctx.signal.aborted) return failRollback(rec, 'held', err instanceof Stopped ? err.reason.message : 'cancelled');
    return failRollback(rec, 'failed', describeError(err));
  }
}

/** Codes of a cancel refusal that mean "nothing is running any more": the goal is reached. */
const ALREADY_OVER = new Set(['processAlreadyFinished', 'processIsAlreadyOver', 'nothingToCancel']);

/**
 * Stops a deploy still in flight before re-activating. A process past the point of
 * cancelling (`processCanNoLongerBeCanceled`) is waited for, until the rollback deadline.
 */
async function cancelInFlight(ctx: RolloutContext, processId: string, host: string, deadline: number): Promise<void> {
  await ctx.stop.guard(`cancelling the deploy of ${host}`);
  try {
    await ctx.zerops.cancelProcess(processId, host, ctx.mutationSignal);
  } catch (err) {
    const code = err instanceof HttpError && err.kind === 'status' ? err.apiCode : undefined;
    if (code !== undefined && ALREADY_OVER.has(code)) {
      ctx.log.info(`  ${host}: the deploy ended before it could be cancelled (${code}); rolling back from there.`);
    } else if (code === 'processCanNoLongerBeCanceled') {
      ctx.log.info(`  ${host}: the deploy can no longer be cancelled; waiting for it to end before rolling back.`);
    } else {
      throw err;
    }
    // Either way the process is read until it has ended (one read when it truly has): a deploy that
    // activates after our re-activation would undo the rollback.
    const end = await waitForProcess(ctx, processId, host, deadline);
    if (end.status === 'TIMEOUT') throw new RolloutError('zerops', `the deploy could not be cancelled and had not ended by the rollback deadline (${end.detail})`);
    return;
  }
  await waitForProcess(ctx, processId, host, deadline);
}

/** The service is left on whatever it runs now: its outcome becomes `failed`, saying why. */
function failRollback(rec: ServiceRecord, status: 'failed' | 'held', detail: string): false {
  rec.rollback = { status, detail };
  rec.reason = `${rec.reason ? `${rec.reason}; ` : ''}rollback ${status === 'held' ? 'held' : 'failed'}: ${detail}`;
  rec.outcome = 'failed';
  return false;
}
