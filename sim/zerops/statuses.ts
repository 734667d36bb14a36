// Which service statuses the simulated platform lets a deploy through, and the (real)
// error code it refuses the others with. Stricter than anything the real platform is
// likely to do: only a settled, running (or never-deployed) service takes a deploy.
import type { SimErrorCode } from './errors.js';

const ACCEPTED = new Set(['ACTIVE', 'SERVICE_ACTIVE', 'READY_TO_DEPLOY']);
const CREATING = new Set(['NEW', 'CREATING', 'SERVICE_CREATING']);
const UPGRADING = new Set(['UPGRADING', 'SERVICE_UPGRADING']);
/** Passing states: the service is busy now and will be ACTIVE again. */
export const TRANSIENT_SERVICE_STATUSES: ReadonlySet<string> = new Set([
  'STARTING',
  'RESTARTING',
  'RELOADING',
  'SCALING',
  'MOVING_CONTAINER',
  'REPAIRING',
  'SERVICE_STARTING',
  'SERVICE_RESTARTING',
  'SERVICE_RELOADING',
  'SERVICE_SCALING',
  'SERVICE_MOVING_CONTAINER',
  'SERVICE_REPAIRING',
]);

/** Null when a deploy may start; otherwise the error code the refusal carries. */
export function deployRefusal(status: string): SimErrorCode | null {
  if (ACCEPTED.has(status)) return null;
  if (CREATING.has(status)) return 'serviceStackCreating';
  if (UPGRADING.has(status)) return 'serviceStackUpgrading';
  if (TRANSIENT_SERVICE_STATUSES.has(status)) return 'serviceStackStatusNotSupported';
  return 'activeServiceStackRequired';
}
