// Which service statuses may take a deploy. zcli checks none and lets the platform
// decide (it refuses with serviceStackStatusNotSupported, activeServiceStackRequired, ...).
// We refuse only what clearly cannot work, wait out passing states before the first
// change, and leave everything else to the platform, whose refusal is reported as is.
// Decided against the SDK's ServiceStackStatusEnum (36 values, zerops-go 2ffcf82).
import { RolloutError } from '../util/errors.js';
import { formatDuration } from '../util/duration.js';
import type { ServiceStack, ServiceStackStatus } from '../zerops/types.js';
import type { RolloutContext } from './context.js';

export type Deployability = 'ready' | 'transient' | 'refused' | 'platform-decides';

/** Running, or never deployed yet. */
const READY = new Set<string>(['ACTIVE', 'SERVICE_ACTIVE', 'READY_TO_DEPLOY'] satisfies ServiceStackStatus[]);
/** Busy for a moment and then ACTIVE again: worth a bounded wait. */
const TRANSIENT = new Set<string>([
  'STARTING',
  'RESTARTING',
  'RELOADING',
  'UPGRADING',
  'SCALING',
  'MOVING_CONTAINER',
  'REPAIRING',
  'SERVICE_STARTING',
  'SERVICE_RESTARTING',
  'SERVICE_RELOADING',
  'SERVICE_UPGRADING',
  'SERVICE_SCALING',
  'SERVICE_MOVING_CONTAINER',
  'SERVICE_REPAIRING',
] satisfies ServiceStackStatus[]);
/** Not there (yet, or any more): a deploy cannot work. */
const REFUSED = new Set<string>(['NEW', 'CREATING', 'SERVICE_CREATING', 'DELETING', 'DELETED', 'SERVICE_DELETING', 'SERVICE_DELETED'] satisfies ServiceStackStatus[]);
// Left to the platform: STOPPING/STOPPED, FAILED, ACTION_FAILED, CONTAINER_FAILED, REPAIR_FAILED
// and their SERVICE_ forms, and any status the SDK does not list. A deploy may be the very fix
// for a failed service; the platform refuses what it cannot take, and that refusal fails the run.

export function deployability(status: string): Deployability {
  if (READY.has(status)) return 'ready';
  if (TRANSIENT.has(status)) return 'transient';
  if (REFUSED.has(status)) return 'refused';
  return 'platform-decides';
}

/**
 * Before a service's first change: re-reads it and, while it is in a passing state,
 * waits (polling, until `deadline`). Throws when it is gone or still busy at the deadline.
 */
export async function awaitDeployable(ctx: RolloutContext, svc: { hostname: string; serviceId: string }, deadline: number): Promise<ServiceStack> {
  const started = ctx.clock.now();
  let announced = false;
  for (;;) {
    const service = await ctx.zerops.getService(svc.serviceId, svc.hostname, ctx.signal);
    const kind = deployability(service.status);
    if (kind === 'refused') throw new RolloutError('zerops', `${svc.hostname} is ${service.status}; it cannot take a deploy.`);
    if (kind !== 'transient') return service;
    const now = ctx.clock.now();
    if (now >= deadline) {
      throw new RolloutError('zerops', `${svc.hostname} stayed ${service.status} for ${formatDuration(now - started)}, until the stage deadline (deploy-timeout); not deployed.`);
    }
    if (!announced) ctx.log.info(`  ${svc.hostname}: is ${service.status}; waiting for it to settle before deploying.`);
    announced = true;
    await ctx.clock.sleep(Math.min(ctx.timing.pollIntervalMs, deadline - now), ctx.signal);
  }
}
