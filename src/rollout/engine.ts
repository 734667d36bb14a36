// Stages in order: the canary alone, its soak, then the batches. The first stage that
// fails stops the rollout (no later stage starts) and triggers the rollback policy.
// A stop (kill switch, cancel) touches nothing more, and rolls nothing back.
import { formatDuration } from '../util/duration.js';
import type { RolloutContext } from './context.js';
import { Stopped } from './context.js';
import type { Plan, Stage } from './plan.js';
import type { ServiceRecord, Stop } from './records.js';
import { rollBack } from './rollback.js';
import { soakCanary } from './soak.js';
import { runStage, type StragglerBudget } from './stage.js';

export interface TimelineEntry {
  name: string;
  startedAt: number;
  endedAt: number;
  status: 'ok' | 'failed' | 'stopped';
  services: string[];
}

export interface EngineResult {
  stop: Stop | null;
  /** null when no rollback was attempted. */
  rollbackComplete: boolean | null;
  timeline: TimelineEntry[];
}

export async function runRollout(ctx: RolloutContext, plan: Plan, records: ReadonlyMap<string, ServiceRecord>): Promise<EngineResult> {
  const timeline: TimelineEntry[] = [];
  const stragglers: StragglerBudget = { left: ctx.maxStragglers };
  const done: Stage[] = [];

  const timed = async <T extends { status: string }>(name: string, services: string[], fn: () => Promise<T>): Promise<T> => {
    const startedAt = ctx.clock.now();
    ctx.log.info(`▶ ${name} started: ${services.join(', ') || '(nothing to do)'}`);
    const result = await fn();
    const endedAt = ctx.clock.now();
    const status = result.status === 'ok' ? 'ok' : result.status === 'stopped' ? 'stopped' : 'failed';
    timeline.push({ name, startedAt, endedAt, status, services });
    ctx.log.info(`${status === 'ok' ? '✔' : status === 'stopped' ? '■' : '✖'} ${name} ${status === 'ok' ? 'done' : status} in ${formatDuration(endedAt - startedAt)}`);
    return result;
  };

  for (const stage of plan.stages) {
    if (ctx.stop.stopped) break;
    if (done.length > 0 && ctx.beforeStage) {
      const early = await ctx.beforeStage();
      if (early) {
        ctx.log.warning(early.message, 'Stopped between stages');
        return { stop: early, rollbackComplete: null, timeline };
      }
    }
    const hosts = stage.services.map((s) => s.hostname);
    let verdict = await ctx.log.group(`Stage: ${stage.name} (${hosts.length} service${hosts.length === 1 ? '' : 's'})`, () =>
      timed(stage.name, hosts, () => runStage(ctx, stage, records, stragglers)),
    );
    if (verdict.status === 'ok' && stage.kind === 'canary' && ctx.timing.soakMs > 0) {
      const canary = hosts.map((h) => records.get(h) as ServiceRecord);
      verdict = await ctx.log.group('Soak', () =>
        timed('soak', hosts, async () => {
          try {
            const r = await soakCanary(ctx, canary);
            return r.ok ? { status: 'ok' as const } : { status: 'failed' as const, detail: r.detail };
          } catch (err) {
            if (err instanceof Stopped || ctx.signal.aborted) return { status: 'stopped' as const };
            throw err;
          }
        }),
      );
    }
    if (verdict.status === 'stopped' || ctx.stop.stopped) return { stop: stopOf(ctx), rollbackComplete: null, timeline };
    if (verdict.status === 'failed') {
      const message = `Stage ${stage.name} failed: ${verdict.detail}`;
      ctx.log.error(verdict.detail, `Stage ${stage.name} failed`);
      const scope = ctx.rollback === 'all' ? [...done, stage] : ctx.rollback === 'stage' ? [stage] : [];
      const toRollBack = scope.flatMap((st) => st.services.map((s) => records.get(s.hostname) as ServiceRecord)).filter((r) => r.changed);
      let rollbackComplete: boolean | null = null;
      if (ctx.rollback === 'none') ctx.log.warning('rollback: none — the services this run changed are left as they are.', 'No rollback');
      else if (toRollBack.length > 0) {
        const hostsBack = toRollBack.map((r) => r.hostname);
        rollbackComplete = await ctx.log.group('Rollback', async () => {
          let complete = false;
          await timed('rollback', hostsBack, async () => {
            complete = await rollBack(ctx, toRollBack);
            return { status: complete ? 'ok' : 'failed' };
          });
          return complete;
        });
      }
      const interrupted = ctx.signal.aborted ? ' The rollback was interrupted: the run was cancelled by the runner; see each service\'s state below.' : '';
      return { stop: { kind: 'failed', code: 'stage', message: message + interrupted }, rollbackComplete, timeline };
    }
    done.push(stage);
  }
  if (ctx.stop.stopped) return { stop: stopOf(ctx), rollbackComplete: null, timeline };
  return { stop: null, rollbackComplete: null, timeline };
}

function stopOf(ctx: RolloutContext): Stop {
  const reason = ctx.stop.cancelled() ?? ctx.stop.reason;
  if (!reason) return { kind: 'failed', code: 'internal', message: 'stopped without a reason' };
  if (reason.kind === 'hold') return { kind: 'failed', code: 'kill-switch-hold', message: reason.message };
  return { kind: 'halted', message: reason.message };
}
