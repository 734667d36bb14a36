// Scenario builders for the end-to-end tests: one production project, a repository
// whose commits are real (from makeRepo), tokens with recognisable values (so the
// secret scan can look for them), and inputs that point the bundle at the simulator.
import type { BuildInfoSpec, CheckSpec, DeploymentSpec, FaultSpec, GiteaScenario, Scenario, ServiceSpec, Simulator, StatusSpec, ZeropsScenario } from '../../sim/index.js';

export const OWNER = 'acme';
export const REPO = 'shop';
export const PROJECT_ID = 'prodProject0000000000A';
export const OTHER_PROJECT_ID = 'stagingProject00000000B';
export const ZEROPS_TOKEN = 'zt-prod-8f3a9c2e71b44d05a6e1';
export const FORGE_TOKEN = 'ghs_jobToken0123456789abcdefXYZ';
export const CONTROL_TOKEN = 'ctl_varsToken9876543210fedcbaQRS';
export const RUN_ID = 4242;
export const OWN_SUITE = 9000;
export const DEFAULT_SERVICES = ['api', 'web', 'worker', 'admin'];
/** The stage project is OTHER_PROJECT_ID, named `staging`; with `stage` it gets this token of its own. */
export const STAGE_PROJECT_NAME = 'staging';
export const STAGE_ZEROPS_TOKEN = 'zt-stage-4c7d1e9b02a8f6e35b17';
export const STAGE_ENVIRONMENT = 'staging';
const HOUR_MS = 3_600_000;

/**
 * The stage world (issue 12), for the stage proof. `stage: {}` is a proven stage: every
 * production hostname runs the target on stage, activated `ageMs` ago, and GitHub has one
 * `staging` deployment of the target whose `success` is as old. Each field breaks one piece.
 */
export interface StageOptions {
  /** How long the target has been live on stage (activations and the default deployment). Default 1 h. */
  ageMs?: number;
  /** Stage hostnames. Default: the production ones. */
  hostnames?: string[];
  /** Per stage hostname: another SHA (null = never deployed), another activation age, build-info behaviour. */
  services?: Record<string, { sha?: string | null; activatedAgoMs?: number; buildInfo?: BuildInfoSpec }>;
  /** GitHub deployments history; default one `staging` deployment of the target, `success`, `ageMs` old. [] = none. */
  deployments?: DeploymentSpec[];
  /** The forge tokens may not read (or write) deployments: 403, as without `deployments: read`. */
  deploymentsForbidden?: boolean;
  /** How GitHub's deployment list compares `environment` (undocumented): exact (default) or case-insensitive. */
  environmentMatch?: 'exact' | 'case-insensitive';
}

export interface WorldOptions {
  /** Real commit SHAs, oldest first; the last is the tip of main. */
  shas: string[];
  services?: string[];
  /** What every service (or each named one) runs at start; null = never deployed. Default: shas[0]. */
  deployed?: string | Record<string, string | null>;
  /** Extra kept (BACKUP) versions per service, oldest first. */
  kept?: Record<string, string[]>;
  service?: Record<string, Partial<ServiceSpec>>;
  extraServices?: ServiceSpec[];
  forge?: 'github' | 'gitea';
  /** Check runs on the target (GitHub). Default: one green `test`. */
  checks?: CheckSpec[];
  /** Commit statuses on the target. Default on Gitea: one green `CI / test (push)`. */
  statuses?: StatusSpec[];
  variables?: Record<string, string>;
  tags?: Record<string, string>;
  branches?: Record<string, string>;
  zerops?: Partial<ZeropsScenario>;
  faults?: FaultSpec[];
  /** The Zerops token also reaches a staging project (not production-scoped). */
  broadToken?: boolean;
  /** The control token may not read variables (403). */
  controlForbidden?: boolean;
  rules?: Record<string, string[]>;
  /** The commit the checks/statuses are reported on. Default: the last of `shas`. */
  checksOn?: string;
  /** Page-size clamp of the forge's lists (Gitea `limit`, default 50). Gitea only. */
  forgeMaxLimit?: number;
  /** The control token cannot see the repository (404 on every repository route). */
  controlBlind?: boolean;
  /** Gitea only: version behaviour, sub-path install, variable-name matching. */
  gitea?: Pick<GiteaScenario, 'version' | 'subPath' | 'variableNamesExact' | 'etags'>;
  /** A stage world (see StageOptions). Without it the staging project holds one `api` on shas[0] and has no token. */
  stage?: StageOptions;
}

function stageServices(o: WorldOptions, stage: StageOptions, target: string): ServiceSpec[] {
  const ageMs = stage.ageMs ?? HOUR_MS;
  return (stage.hostnames ?? o.services ?? DEFAULT_SERVICES).map((hostname) => {
    const own = stage.services?.[hostname] ?? {};
    const sha = own.sha === undefined ? target : own.sha;
    return {
      hostname,
      ...(sha ? { versions: [{ sha, status: 'ACTIVE', activatedAgoMs: own.activatedAgoMs ?? ageMs }] } : {}),
      ...(own.buildInfo ? { buildInfo: own.buildInfo } : {}),
    };
  });
}

function stageDeployments(stage: StageOptions, target: string): DeploymentSpec[] {
  const ageMs = stage.ageMs ?? HOUR_MS;
  return stage.deployments ?? [{ sha: target, environment: STAGE_ENVIRONMENT, agoMs: ageMs + 120_000, statuses: [{ state: 'in_progress', agoMs: ageMs + 60_000 }, { state: 'success', agoMs: ageMs }] }];
}

/** Inputs that prove stage every way the world offers (verify URL, stage token + project; add `stage-environment` on GitHub). */
export function stageInputs(sim: Simulator): Record<string, string> {
  return {
    'stage-verify-url': `${sim.urls.buildInfo}/${STAGE_PROJECT_NAME}/{service}/build-info`,
    'stage-zerops-token': STAGE_ZEROPS_TOKEN,
    'stage-project-id': OTHER_PROJECT_ID,
  };
}

export function world(o: WorldOptions): Scenario {
  const target = o.shas[o.shas.length - 1] as string;
  const checked = o.checksOn ?? target;
  const hostnames = o.services ?? DEFAULT_SERVICES;
  const deployedOf = (h: string): string | null => (typeof o.deployed === 'string' ? o.deployed : o.deployed && h in o.deployed ? (o.deployed[h] ?? null) : (o.shas[0] as string));
  const services: ServiceSpec[] = hostnames.map((hostname) => {
    const current = deployedOf(hostname);
    const versions = [...(o.kept?.[hostname] ?? []).map((sha) => ({ sha })), ...(current ? [{ sha: current, status: 'ACTIVE' }] : [])];
    return { hostname, ...(versions.length ? { versions } : {}), ...o.service?.[hostname] };
  });
  const forge = o.forge ?? 'github';
  const commits = o.shas.map((sha, i) => ({ sha, message: `release ${i + 1}` }));
  const seesRepo = !o.controlBlind;
  // Gitea grants variables by role (owner or site admin); an admin collaborator gets 403.
  const noDeployments = o.stage?.deploymentsForbidden ? { deploymentsRead: false } : {};
  const tokens =
    forge === 'github'
      ? [
          { value: FORGE_TOKEN, variables: false, jobToken: true, ...noDeployments },
          { value: CONTROL_TOKEN, variables: !o.controlForbidden, seesRepo, ...noDeployments },
        ]
      : [
          { value: FORGE_TOKEN, role: 'reader' as const },
          { value: CONTROL_TOKEN, role: o.controlForbidden ? ('admin-collaborator' as const) : ('owner' as const), seesRepo },
        ];
  const common = {
    owner: OWNER,
    repo: REPO,
    defaultBranch: 'main',
    commits,
    branches: o.branches ?? { main: target },
    tags: o.tags ?? {},
    tokens,
    variables: o.variables ?? {},
  };
  const scenario: Scenario = {
    seed: 7,
    zerops: {
      durationMs: 150,
      pendingMs: 10,
      ...o.zerops,
      tokens: [
        { value: ZEROPS_TOKEN, projects: o.broadToken ? [PROJECT_ID, OTHER_PROJECT_ID] : [PROJECT_ID] },
        ...(o.stage ? [{ value: STAGE_ZEROPS_TOKEN, projects: [OTHER_PROJECT_ID] }] : []),
      ],
      projects: [
        { id: PROJECT_ID, name: 'production', services: [...services, ...(o.extraServices ?? [])] },
        {
          id: OTHER_PROJECT_ID,
          name: STAGE_PROJECT_NAME,
          services: o.stage ? stageServices(o, o.stage, target) : [{ hostname: 'api', versions: [{ sha: o.shas[0] as string }] }],
        },
      ],
    },
    faults: o.faults ?? [],
  };
  if (forge === 'github') {
    scenario.github = {
      ...common,
      run: { id: RUN_ID, checkSuiteId: OWN_SUITE },
      checkRuns: {
        [checked]: [
          ...(o.checks ?? [{ name: 'test', status: 'completed', conclusion: 'success' }]),
          // This very job: in progress forever; waiting on it would never end.
          { name: 'deploy', status: 'in_progress', suiteId: OWN_SUITE },
        ],
      },
      statuses: o.statuses ? { [checked]: o.statuses } : {},
      rules: o.rules ?? {},
      ...(o.stage ? { deployments: stageDeployments(o.stage, target), deploymentEnvironmentMatch: o.stage.environmentMatch ?? 'exact' } : {}),
    };
  } else {
    scenario.gitea = {
      ...common,
      ...(o.forgeMaxLimit !== undefined ? { maxLimit: o.forgeMaxLimit } : {}),
      ...o.gitea,
      statuses: {
        [checked]: [
          ...(o.statuses ?? [{ context: 'CI / test (push)', state: 'success' }]),
          // Gitea writes the own job's target_url relative, under the install's sub-path.
          { context: 'Deploy / deploy (push)', state: 'pending', targetUrl: `${o.gitea?.subPath ?? ''}/acme/shop/actions/runs/17/jobs/1` },
        ],
      },
    };
  }
  return scenario;
}

/** Inputs pointing the bundle at the simulator, fast timings for tests. */
export function baseInputs(sim: Simulator, sourceDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'zerops-token': ZEROPS_TOKEN,
    'zerops-api-url': sim.urls.zerops,
    'project-id': PROJECT_ID,
    services: DEFAULT_SERVICES.join(','),
    'batch-size': '2',
    soak: '0s',
    'poll-interval': '40ms',
    'checks-timeout': '10s',
    'verify-url': `${sim.urls.buildInfo}/{service}/build-info`,
    'verify-timeout': '3s',
    'control-token': CONTROL_TOKEN,
    'http-timeout': '3s',
    'lock-timeout': '5s',
    'deploy-timeout': '20s',
    'source-dir': sourceDir,
    ...extra,
  };
}
