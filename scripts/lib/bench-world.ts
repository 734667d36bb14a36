// The benchmark's simulated world: one production project with a seeded fleet of
// `count` services (build-and-deploy of 1–3 s each), a GitHub repository whose
// required check goes green after a few polls, and a live kill switch. The ideal
// critical path is computed from the very numbers the simulator runs on.
import { fleetServices, type Scenario, type ServiceSpec, type Simulator } from '../../sim/index.js';

export const BENCH = {
  seed: 2026,
  projectId: 'benchProductionProject',
  zeropsToken: 'bench-zerops-token-0001',
  jobToken: 'bench-job-token-0002',
  controlToken: 'bench-control-token-0003',
  runId: 7001,
  ownSuite: 9100,
  /** Simulated build-and-deploy time of each service, drawn per service from this range. */
  durationMs: [1000, 3000] as [number, number],
  /** PENDING time of every new process. */
  pendingMs: 50,
  /** The app keeps serving its previous build this long after an activation (what verification waits out). */
  staleMs: 300,
  soakMs: 2000,
  pollIntervalMs: 200,
  /** The required check is in progress for this many polls, then green. */
  checksGreenAfterPolls: 3,
  killSwitchVariable: 'ZEROPS_DEPLOY_DISABLED',
  setup: 'app',
} as const;

export interface BenchWorld {
  scenario: Scenario;
  services: ServiceSpec[];
}

export interface WorldOptions {
  count: number;
  /** Every service's ACTIVE version at start (the previous release). */
  previous: string;
  target: string;
  commits: string[];
}

export function benchWorld(o: WorldOptions): BenchWorld {
  const services = fleetServices({
    count: o.count,
    seed: BENCH.seed,
    durationMs: BENCH.durationMs,
    activeSha: o.previous,
    deploy: { pendingMs: BENCH.pendingMs },
    buildInfo: { staleMs: BENCH.staleMs },
  });
  const scenario: Scenario = {
    seed: BENCH.seed,
    zerops: {
      pendingMs: BENCH.pendingMs,
      tokens: [{ value: BENCH.zeropsToken, projects: [BENCH.projectId] }],
      projects: [{ id: BENCH.projectId, name: 'production', services }],
    },
    github: {
      owner: 'acme',
      repo: 'shop',
      defaultBranch: 'main',
      commits: o.commits.map((sha, i) => ({ sha, message: `release ${i + 1}` })),
      branches: { main: o.target },
      tokens: [
        { value: BENCH.jobToken, variables: false },
        { value: BENCH.controlToken, variables: true },
      ],
      run: { id: BENCH.runId, checkSuiteId: BENCH.ownSuite },
      checkRuns: {
        [o.target]: [
          { name: 'test', timeline: [{ status: 'in_progress' }, { status: 'completed', conclusion: 'success', afterPolls: BENCH.checksGreenAfterPolls }] },
          { name: 'deploy', status: 'in_progress', suiteId: BENCH.ownSuite }, // this job itself
        ],
      },
      variables: { [BENCH.killSwitchVariable]: 'false' },
    },
  };
  return { scenario, services };
}

/** The action's inputs for a rollout of the whole fleet. */
export function benchInputs(sim: Simulator, sourceDir: string, batchSize: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'zerops-token': BENCH.zeropsToken,
    'github-token': BENCH.jobToken,
    'control-token': BENCH.controlToken,
    'zerops-api-url': sim.urls.zerops,
    'project-id': BENCH.projectId,
    services: 'app-*',
    'batch-size': String(batchSize),
    soak: `${BENCH.soakMs}ms`,
    'poll-interval': `${BENCH.pollIntervalMs}ms`,
    strategy: 'build',
    setup: BENCH.setup,
    'source-dir': sourceDir,
    'verify-url': `${sim.urls.buildInfo}/{service}/build-info`,
    'verify-timeout': '60s',
    'kill-switch': 'false',
    'kill-switch-variable': BENCH.killSwitchVariable,
    'checks-timeout': '30s',
    'deploy-timeout': '10m',
    'lock-timeout': '1m',
    'http-timeout': '30s',
    ...extra,
  };
}

/** The simulator's process time for one build-and-deploy: PENDING, then its four phases, rounded as the simulator rounds them. */
export function simulatedBuildMs(durationMs: number, pendingMs: number): number {
  const share = (f: number) => Math.max(1, Math.round(durationMs * f));
  return pendingMs + share(0.45) + share(0.1) + share(0.05) + share(0.4);
}

/** A service's deploy duration as fleetServices drew it (a fixed number per service). */
export function drawnDuration(s: ServiceSpec): number {
  const d = s.deploy?.durationMs;
  if (typeof d !== 'number') throw new Error(`${s.hostname}: expected a fixed drawn duration`);
  return d;
}

/**
 * The ideal critical path of a staged rollout: for each stage, its slowest service's
 * process time plus the verification wait (the app's stale window), plus the soak.
 * Stages are the plan's: the first service alone, then `batchSize` at a time in
 * hostname order (what `services: app-*` resolves to).
 */
export function idealCriticalPath(services: readonly ServiceSpec[], batchSize: number, soakMs: number): { idealMs: number; stages: number } {
  const each = [...services]
    .sort((a, b) => a.hostname.localeCompare(b.hostname))
    .map((s) => simulatedBuildMs(drawnDuration(s), s.deploy?.pendingMs ?? BENCH.pendingMs) + (s.buildInfo?.staleMs ?? 0));
  const stages: number[][] = [each.slice(0, 1)];
  for (let i = 1; i < each.length; i += batchSize) stages.push(each.slice(i, i + batchSize));
  return { idealMs: stages.reduce((sum, st) => sum + Math.max(...st), 0) + (services.length > 0 ? soakMs : 0), stages: stages.length };
}

/** The sequential baseline's ideal: every service's process time, one after another (no verification, no soak). */
export function sequentialIdeal(services: readonly ServiceSpec[]): number {
  return services.reduce((sum, s) => sum + simulatedBuildMs(drawnDuration(s), s.deploy?.pendingMs ?? BENCH.pendingMs), 0);
}
