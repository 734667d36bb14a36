// The demo's simulated world — a 7-service production fleet, a database that is not
// released, a stage project where the target has run for two hours (its own token,
// its own build-info, a `staging` deployment on GitHub), a GitHub repository whose
// checks are still running — shared by the demo and by the CLI's end-to-end test, so
// the test runs exactly the demo's plan.
import type { Scenario, ServiceSpec, Simulator } from '../../sim/index.js';
import { makeDemoRepo } from './demo-repo.js';

export type DemoMode = 'release' | 'break' | 'kill' | 'cli' | 'unproven';

export const DEMO = {
  zeropsToken: 'demo-zerops-token-0001',
  jobToken: 'demo-job-token-0002',
  controlToken: 'demo-control-token-0003',
  projectId: 'demoProductionProject0',
  stageToken: 'demo-stage-token-0004',
  stageProjectId: 'demoStageProject00000',
  fleet: ['api', 'web', 'worker', 'admin', 'search', 'mailer', 'cron'],
  tag: 'v1.4.0',
  runId: 9001,
} as const;

export interface DemoWorld {
  repo: { dir: string; shas: string[] };
  target: string;
  scenario: Scenario;
  /** The action's inputs (by action.yml name) for this world. */
  inputs(sim: Simulator): Record<string, string>;
}

const HOUR = 3_600_000;

export function demoWorld(mode: DemoMode): DemoWorld {
  const repo = makeDemoRepo();
  const [old, previous, target] = repo.shas as [string, string, string];
  const services: ServiceSpec[] = DEMO.fleet.map((hostname) => {
    const s: ServiceSpec = { hostname, versions: [{ sha: old }, { sha: previous, status: 'ACTIVE' }], deploy: { durationMs: [900, 2200] } };
    if (hostname === 'search') s.versions = [{ sha: old }, { sha: target }, { sha: previous, status: 'ACTIVE' }]; // keeps the target: activated, no build
    if (hostname === 'web') s.buildInfo = { staleMs: 700 }; // serves the old build for a moment after the switch
    if (hostname === 'mailer' && mode === 'break') s.deploy = { durationMs: 1200, failAt: 'build' };
    return s;
  });
  // Stage runs the target since two hours ago; in `unproven` mode `web` still runs the previous release there.
  const stage: ServiceSpec[] = DEMO.fleet.map((hostname) => ({
    hostname,
    versions: [{ sha: previous }, { sha: mode === 'unproven' && hostname === 'web' ? previous : target, status: 'ACTIVE', activatedAgoMs: 2 * HOUR }],
  }));
  const scenario: Scenario = {
    seed: 2026,
    zerops: {
      pendingMs: 150,
      tokens: [
        { value: DEMO.zeropsToken, projects: [DEMO.projectId] },
        { value: DEMO.stageToken, projects: [DEMO.stageProjectId] },
      ],
      projects: [
        {
          id: DEMO.projectId,
          name: 'shop-production',
          // A mail catcher left over from development: the preflight warns about it (not released, not refused in `warn`).
          services: [...services, { hostname: 'db', type: 'postgresql@16', category: 'STANDARD', versions: [] }, { hostname: 'mailpit', type: 'mailpit@1', versions: [] }],
        },
        { id: DEMO.stageProjectId, name: 'shop-stage', services: stage },
      ],
    },
    github: {
      owner: 'acme',
      repo: 'shop',
      defaultBranch: 'main',
      commits: repo.shas.map((sha, i) => ({ sha, message: `release ${i + 1}` })),
      branches: { main: target },
      tags: { [DEMO.tag]: target },
      tokens: [
        { value: DEMO.jobToken, variables: false },
        { value: DEMO.controlToken, variables: true },
      ],
      run: { id: DEMO.runId, checkSuiteId: 501 },
      checkRuns: {
        [target]: [
          { name: 'test', timeline: [{ status: 'in_progress' }, { afterMs: 2500, status: 'completed', conclusion: 'success' }] },
          { name: 'lint', status: 'completed', conclusion: 'success' },
          { name: 'release', status: 'in_progress', suiteId: 501 }, // this job itself
        ],
      },
      variables: { ZEROPS_DEPLOY_DISABLED: 'false' },
      // The stage workflow recorded the target's deployment to `staging`, green for two hours.
      deployments: [{ sha: target, environment: 'staging', agoMs: 2 * HOUR + 240_000, statuses: [{ state: 'in_progress', agoMs: 2 * HOUR + 200_000 }, { state: 'success', agoMs: 2 * HOUR }] }],
    },
  };
  return {
    repo,
    target,
    scenario,
    inputs: (sim) => ({
      'zerops-token': DEMO.zeropsToken,
      'zerops-api-url': sim.urls.zerops,
      'project-id': DEMO.projectId,
      services: DEMO.fleet.join(', '),
      canary: 'api',
      'batch-size': '3',
      soak: '4s',
      'poll-interval': '300ms',
      setup: 'app',
      'verify-url': `${sim.urls.buildInfo}/{service}/build-info`,
      'verify-timeout': '20s',
      'control-token': DEMO.controlToken,
      'kill-switch': 'false',
      'source-dir': repo.dir,
      // Proof on stage first: the stage twin of every service serves the target and has for 30m.
      'stage-verify-url': `${sim.urls.buildInfo}/shop-stage/{service}/build-info`,
      'stage-zerops-token': DEMO.stageToken,
      'stage-project-id': DEMO.stageProjectId,
      'stage-environment': 'staging',
      'stage-min-age': '30m',
    }),
  };
}
