// One stage: wait out running deploys, deploy its services concurrently, verify each,
// and judge the stage. Stragglers (deployed but not verified) are tolerated in batches
// up to max-stragglers and quarantined; the canary must verify.
import { formatDuration } from '../util/duration.js';
import { describeError } from '../util/errors.js';
import type { RolloutContext } from './context.js';
import { Stopped } from './context.js';
import { deployAndVerify } from './deploy.js';
import { waitForLocks } from './lock.js';
import type { Stage } from './plan.js';
import type { ServiceRecord } from './records.js';
import { verifyService } from './verify.js';

export type StageVerdict = { status: 'ok' } | { status: 'failed'; detail: string } | { status: 'stopped' };

export interface StragglerBudget {
  left: number;
}

export async function runStage(ctx: RolloutContext, stage: Stage, records: ReadonlyMap<string, ServiceRecord>, stragglers: StragglerBudget): Promise<StageVerdict> {
  const rec = (host: string) => records.get(host) as ServiceRecord;
  const work = stage.services.filter((s) => s.strategy !== 'skip');
  const deadline = ctx.clock.now() + ctx.timing.deployTimeoutMs;
  try {
    if (work.length > 0) await waitForLocks(ctx, work);
  } catch (err) {
    if (ctx.signal.aborted) return { status: 'stopped' };
    for (const s of work) rec(s.hostname).reason = `not deployed: ${describeError(err)}`;
    return { status: 'failed', detail: describeError(err) };
  }

  let finished = 0;
  const started = ctx.clock.now();
  const progress = () => ctx.log.progress?.(`${stage.name}: ${finished}/${stage.services.length} done (${formatDuration(ctx.clock.now() - started)})`);
  const results = await Promise.all(
    stage.services.map(async (svc) => {
      if (svc.strategy !== 'skip') {
        const r = await deployAndVerify(ctx, svc, rec(svc.hostname), deadline);
        finished++;
        progress();
        return { svc, r };
      }
      // A canary already on the target is still verified (read-only) before the fleet follows it.
      if (stage.kind === 'canary') return { svc, r: await verifySkippedCanary(ctx, rec(svc.hostname)) };
      return { svc, r: { kind: 'verified' as const } };
    }),
  );
  if (results.some(({ r }) => r.kind === 'stopped') || ctx.stop.stopped) return { status: 'stopped' };

  const failures: string[] = [];
  for (const { svc, r } of results) {
    if (r.kind === 'deploy-failed') failures.push(`${svc.hostname}: ${r.detail}`);
    if (r.kind !== 'verify-failed') continue;
    const record = rec(svc.hostname);
    if (stage.kind === 'batch' && stragglers.left > 0 && record.changed) {
      stragglers.left--;
      record.outcome = 'quarantined';
      record.reason = `quarantined straggler (max-stragglers): ${r.detail}`;
      ctx.log.warning(`${svc.hostname} missed verification and is QUARANTINED as a straggler: ${r.detail}`, 'Straggler quarantined');
    } else {
      failures.push(`${svc.hostname}: ${r.detail}`);
    }
  }
  return failures.length > 0 ? { status: 'failed', detail: failures.join('; ') } : { status: 'ok' };
}

async function verifySkippedCanary(ctx: RolloutContext, record: ServiceRecord) {
  try {
    const v = await verifyService(ctx, record, { versionId: record.before.versionId, sha: ctx.target }, ctx.timing.verifyTimeoutMs);
    record.verification = { kind: v.kind, detail: v.detail };
    if (v.ok) return { kind: 'verified' as const };
    record.outcome = 'failed';
    record.reason = `already on the target, but not verified: ${v.detail}`;
    return { kind: 'deploy-failed' as const, detail: record.reason };
  } catch (err) {
    if (err instanceof Stopped || ctx.signal.aborted) return { kind: 'stopped' as const };
    throw err;
  }
}
