// Before a service's first change: it can take a deploy now (passing states waited out),
// and the platform accepts the zerops.yaml it is about to get — asked up front, as zcli
// does, so a refused yaml leaves no created-and-uploaded version behind.
import { HttpError } from '../http/errors.js';
import { RolloutError } from '../util/errors.js';
import type { RolloutContext } from './context.js';
import type { PlannedService } from './plan.js';
import { awaitDeployable } from './service-status.js';

export async function readyToDeploy(ctx: RolloutContext, svc: PlannedService, deadline: number): Promise<void> {
  const service = await awaitDeployable(ctx, svc, deadline);
  const operation = svc.strategy === 'build' ? 'BUILD_AND_DEPLOY' : svc.strategy === 'artifact' ? 'DEPLOY' : null;
  const yaml = ctx.payload.zeropsYaml;
  if (!operation || yaml === null || !svc.setup) return;
  const { typeId, typeVersion } = service;
  // Without the type the request cannot be made; the deploy call itself still validates.
  if (!typeId || !typeVersion) {
    ctx.log.debug(`${svc.hostname}: no serviceStackTypeId in the service answer; zerops.yaml is checked by the deploy call only.`);
    return;
  }
  try {
    await ctx.zerops.validateZeropsYaml({ ...service, typeId, typeVersion }, yaml, svc.setup, operation, ctx.signal);
  } catch (err) {
    if (err instanceof HttpError && err.kind === 'status' && err.status === 400) {
      throw new RolloutError('config', `Zerops refuses the zerops.yaml for ${svc.hostname} (setup \`${svc.setup}\`): ${err.detail}`, 'Fix zerops.yaml; nothing was changed on this service.', { cause: err });
    }
    throw err;
  }
}
