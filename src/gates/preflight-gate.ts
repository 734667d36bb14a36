// Acts on the production preflight's result: each finding logged as a warning, and a
// refusal thrown before anything is touched.
import type { Logger } from '../ports.js';
import { RolloutError } from '../util/errors.js';
import { refusalMessage, type PreflightResult } from './preflight.js';

export function enforcePreflight(result: PreflightResult, log: Logger): void {
  if (result.mode === 'off') {
    log.info('Preflight: off (production readiness not checked).');
    return;
  }
  for (const f of result.findings) log.warning(`${f.message} Fix: ${f.fix}`, `Preflight${f.severity === 'refuse' ? ' (refuses)' : ''}: ${f.kind} (${f.service})`);
  if (result.findings.length === 0) log.info(`Preflight (${result.mode}): no findings.`);
  if (result.refused) {
    const hint =
      result.mode === 'strict'
        ? 'Nothing was changed. Fix the findings, or set the `preflight` input to `warn` to release with warnings (a zcp service refuses in both).'
        : 'Nothing was changed. Remove the zcp service from the production project (the `preflight` input set to `off` skips every readiness check).';
    throw new RolloutError('preflight', refusalMessage(result), hint);
  }
}
