// The demo's simulated world — a 7-service production fleet, a database that is not
// released, a GitHub repository whose checks are still running — shared by the demo
// and by the CLI's end-to-end test, so the test runs exactly the demo's plan.
import type { Scenario, ServiceSpec, Simulator } from '../../sim/index.js';
import { makeDemoRepo } from './demo-repo.js';

export type DemoMode = 'release' | 'break' | 'kill' | 'cli';

export const DEMO = {
  zeropsToken: 'demo-zerops-token-0001',
  jobToken: 'demo-job-token-0002',
  controlToken: 'demo-control-token-0003',
  projectId: 'demoProductionProject0',
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
  const scenario: Scenario = {
    seed: 2026,
    zerops: {
      pendingMs: 150,
      tokens: [{ value: DEMO.zeropsToken, projects: [DEMO.projectId] }],
      projects: [{ id: DEMO.projectId, name: 'shop-production', services: [...services, { hostname: 'db', type: 'postgresql@16', category: 'STANDARD', versions: [] }] }],
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
    }),
  };
}
