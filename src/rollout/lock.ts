// The deploy lock: never stack a deploy on a service that already has one in flight
// (another run, a GUI deploy, a git integration). Wait for it, bounded, or fail.
import { formatDuration } from '../util/duration.js';
import { RolloutError } from '../util/errors.js';
import { PROCESS_IN_FLIGHT } from '../zerops/types.js';
import type { RolloutContext } from './context.js';

export async function waitForLocks(ctx: RolloutContext, services: readonly { hostname: string; serviceId: string }[]): Promise<void> {
  const deadline = ctx.clock.now() + ctx.timing.lockTimeoutMs;
  await Promise.all(
    services.map(async (svc) => {
      let announced = false;
      for (;;) {
        const running = (await ctx.zerops.listServiceProcesses(svc.serviceId, svc.hostname, PROCESS_IN_FLIGHT, 10, ctx.signal)).filter((p) =>
          (PROCESS_IN_FLIGHT as readonly string[]).includes(p.status),
        );
        if (running.length === 0) {
          if (announced) ctx.log.info(`${svc.hostname}: the running process finished; proceeding.`);
          return;
        }
        const first = running[0];
        const what = `${first?.actionName ?? 'process'} ${first?.id} (${first?.status})`;
        if (!announced) ctx.log.info(`${svc.hostname}: ${what} is already running; waiting for it (at most ${formatDuration(ctx.timing.lockTimeoutMs)}).`);
        announced = true;
        const now = ctx.clock.now();
        if (now >= deadline) {
          throw new RolloutError(
            'lock',
            `${svc.hostname} still has ${what} running after lock-timeout (${formatDuration(ctx.timing.lockTimeoutMs)}); deploys are never stacked.`,
            'Another deploy is in progress: let it finish, or raise `lock-timeout`.',
          );
        }
        await ctx.clock.sleep(Math.min(ctx.timing.pollIntervalMs, deadline - now), ctx.signal);
      }
    }),
  );
}
