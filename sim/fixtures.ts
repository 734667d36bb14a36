// Helpers for writing scenarios: stable fake commit SHAs and generated fleets.
import { createHash } from 'node:crypto';
import { createPrng, drawDuration } from './prng.js';
import type { BuildInfoSpec, DeployBehaviourSpec, Duration, ServiceSpec } from './scenario.js';

/** A stable, fake 40-hex commit SHA: sha(1) is the same in every run and every test. */
export function sha(n: number | string): string {
  return createHash('sha1').update(`zerops-rollout-sim:${n}`).digest('hex');
}

export interface FleetOptions {
  count: number;
  /** Hostname prefix (default 'app-'); hostnames are prefix + zero-padded index from 1. */
  prefix?: string;
  /** Digits of the index (default 4: app-0001). */
  digits?: number;
  /** Seeds the per-service duration draws (default 1). */
  seed?: number | string;
  /** Each service gets a fixed deploy duration drawn from this range (default [200, 400]). */
  durationMs?: Duration;
  /** SHA of the ACTIVE version every service starts on; null = no version (READY_TO_DEPLOY). */
  activeSha?: string | null;
  /** serviceStackTypeVersionName (default 'nodejs@22'). */
  type?: string;
  deploy?: Omit<DeployBehaviourSpec, 'durationMs'>;
  buildInfo?: BuildInfoSpec;
  /** Per-service overrides, e.g. make every 100th service fail; deploy and buildInfo merge field by field. */
  customize?: (index: number, hostname: string) => Partial<ServiceSpec> | undefined;
}

/** N runtime services `app-0001`… with seeded random deploy durations. */
export function fleetServices(options: FleetOptions): ServiceSpec[] {
  const prefix = options.prefix ?? 'app-';
  const digits = options.digits ?? 4;
  const range = options.durationMs ?? [200, 400];
  const prng = createPrng(options.seed ?? 1, 'fleet', prefix);
  const services: ServiceSpec[] = [];
  for (let index = 1; index <= options.count; index++) {
    const hostname = `${prefix}${String(index).padStart(digits, '0')}`;
    const service: ServiceSpec = {
      hostname,
      type: options.type ?? 'nodejs@22',
      deploy: { ...options.deploy, durationMs: drawDuration(range, prng) },
    };
    const activeSha = options.activeSha === undefined ? sha('fleet-initial') : options.activeSha;
    if (activeSha !== null) service.versions = [{ sha: activeSha }];
    if (options.buildInfo) service.buildInfo = { ...options.buildInfo };
    const override = options.customize?.(index, hostname);
    // deploy and buildInfo merge field by field, so an override keeps the drawn duration.
    services.push(
      override
        ? { ...service, ...override, deploy: { ...service.deploy, ...override.deploy }, ...(override.buildInfo ? { buildInfo: { ...service.buildInfo, ...override.buildInfo } } : {}) }
        : service,
    );
  }
  return services;
}
