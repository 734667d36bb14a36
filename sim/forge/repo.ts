// One simulated repository on a forge: commit graph, checks, Actions variables, tokens,
// and (GitHub) workflow run, rulesets and deployments.
import type { Scheduler } from '../scheduler.js';
import type { CommitSpec, DeploymentSpec, DeploymentStatusSpec, ForgeScenario, GiteaRole, GiteaScenario, GithubScenario } from '../scenario.js';
import { CheckBoard } from './checks.js';
import { CommitGraph, type Commit } from './graph.js';

export type ForgeKind = 'github' | 'gitea';

export interface ForgeToken {
  value: string;
  /** GitHub: may read Actions variables. */
  variables: boolean;
  /** Gitea: who the token belongs to (variables need owner or site admin). */
  role: GiteaRole;
  /** False: the repository does not exist for this token (404 everywhere). */
  seesRepo: boolean;
  /** May create deployments and their statuses. */
  deployments: boolean;
  /** May list deployments and their statuses (`deployments: read`). */
  deploymentsRead: boolean;
  rateLimit: number;
  remaining: number;
  /** GITHUB_TOKEN: spends the repository's shared budget instead of its own. */
  jobToken: boolean;
}

export interface Variable {
  name: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeploymentStatus {
  id: number;
  state: string;
  environment: string;
  description: string;
  environmentUrl: string;
  logUrl: string;
  createdAt: string;
}

export interface Deployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  productionEnvironment: boolean;
  transientEnvironment: boolean;
  createdAt: string;
  /** Oldest first (ids ascending). */
  statuses: DeploymentStatus[];
}

export interface WorkflowRun {
  id: number;
  checkSuiteId: number;
  headSha: string | null;
  status: string;
}

const DEFAULT_RATE_LIMIT = 5000;

export class ForgeRepo {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly graph: CommitGraph;
  readonly checks: CheckBoard;
  readonly tokens = new Map<string, ForgeToken>();
  readonly variables = new Map<string, Variable>();
  /** Branch → required status check contexts (GitHub rulesets). */
  readonly rules = new Map<string, string[]>();
  /** Other (non-status-check) rules listed before the required checks (GitHub; pagination). */
  readonly rulesBefore: number;
  /** GitHub: how the deployment list's environment filter compares names. */
  readonly deploymentEnvironmentMatch: 'exact' | 'case-insensitive';
  /** Branch → contexts required by branch protection (GitHub classic; Gitea globs). */
  readonly protection = new Map<string, string[]>();
  readonly run: WorkflowRun | null;
  readonly deployments = new Map<number, Deployment>();
  /** Gitea's silent page-size cap. */
  readonly maxLimit: number;
  /** Gitea behaviour switches (see GiteaScenario). */
  readonly gitea: { version: '1.22' | '1.23'; subPath: string; variableNamesExact: boolean; etags: boolean };
  /** GitHub primary rate-limit window end, epoch seconds. */
  readonly rateLimitResetEpoch: number;
  private nextDeploymentId = 9_000_001;
  private nextDeploymentStatusId = 9_500_001;

  constructor(
    readonly kind: ForgeKind,
    scenario: ForgeScenario,
    private readonly scheduler: Scheduler,
  ) {
    const github: GithubScenario = kind === 'github' ? scenario : {};
    const gitea: GiteaScenario = kind === 'gitea' ? scenario : {};
    this.owner = scenario.owner ?? 'acme';
    this.repo = scenario.repo ?? 'shop';
    this.defaultBranch = scenario.defaultBranch ?? 'main';
    this.maxLimit = gitea.maxLimit ?? 50;
    this.gitea = { version: gitea.version ?? '1.22', subPath: gitea.subPath ?? '', variableNamesExact: gitea.variableNamesExact ?? false, etags: gitea.etags ?? false };
    this.rateLimitResetEpoch = Math.floor(scheduler.startedWallMs / 1000) + 3600;
    this.graph = new CommitGraph(scheduler.startedWallMs - 30 * 24 * 3_600_000);

    let previous: string | undefined;
    for (const commit of scenario.commits ?? []) {
      this.graph.add({ sha: commit.sha, parents: commit.parents ?? (previous ? [previous] : []), message: commit.message });
      previous = commit.sha;
    }
    const branches = scenario.branches ?? (previous ? { [this.defaultBranch]: previous } : {});
    for (const [name, sha] of Object.entries(branches)) this.graph.branches.set(name, sha);
    for (const [name, sha] of Object.entries(scenario.tags ?? {})) this.graph.tags.set(name, sha);

    // Ids look like each forge's: GitHub's are large, Gitea's small and sequential.
    this.checks = new CheckBoard(scheduler, kind === 'github' ? { checkRun: 20_000_001, status: 30_000_001 } : { checkRun: 1, status: 1 });
    for (const [ref, rows] of Object.entries(github.checkRuns ?? {})) {
      for (const row of rows) this.checks.addCheckRun(this.mustResolve(ref).sha, row);
    }
    for (const [ref, rows] of Object.entries(scenario.statuses ?? {})) {
      for (const row of rows) this.checks.addStatus(this.mustResolve(ref).sha, row);
    }

    for (const spec of scenario.tokens ?? []) {
      const rateLimit = spec.rateLimit ?? github.rateLimit ?? DEFAULT_RATE_LIMIT;
      this.tokens.set(spec.value, {
        value: spec.value,
        variables: spec.variables ?? false,
        role: spec.role ?? 'reader',
        seesRepo: spec.seesRepo ?? true,
        // Writing deployments implies reading them; a token without read cannot write either.
        deployments: spec.deployments ?? spec.deploymentsRead ?? true,
        deploymentsRead: spec.deploymentsRead ?? true,
        rateLimit,
        remaining: rateLimit,
        jobToken: spec.jobToken ?? false,
      });
    }
    for (const [name, value] of Object.entries(scenario.variables ?? {})) this.setVariable(name, String(value));
    for (const [branch, contexts] of Object.entries(github.rules ?? {})) this.rules.set(branch, [...contexts]);
    for (const [branch, contexts] of Object.entries(scenario.protection ?? {})) this.protection.set(branch, [...contexts]);
    this.rulesBefore = github.rulesBefore ?? 0;
    this.deploymentEnvironmentMatch = github.deploymentEnvironmentMatch ?? 'exact';
    this.seedDeployments(github.deployments ?? []);
    this.run = github.run
      ? { id: github.run.id, checkSuiteId: github.run.checkSuiteId, headSha: github.run.headSha ?? this.headOf(this.defaultBranch) ?? null, status: github.run.status ?? 'in_progress' }
      : null;
  }

  /** Owner and repository names compare case-insensitively, as on both forges. */
  matches(owner: string | undefined, repo: string | undefined): boolean {
    return owner?.toLowerCase() === this.owner.toLowerCase() && repo?.toLowerCase() === this.repo.toLowerCase();
  }

  /** Both forges answer 404 (not 403) for a private repository the token cannot see. */
  visibleTo(token: ForgeToken, owner: string | undefined, repo: string | undefined): boolean {
    return token.seesRepo && this.matches(owner, repo);
  }

  headOf(branch: string): string | undefined {
    return this.graph.branches.get(branch);
  }

  mustResolve(ref: string): Commit {
    const commit = this.graph.resolve(ref);
    if (!commit) throw new Error(`${this.kind}: ${ref} does not name a commit`);
    return commit;
  }

  /** Variable names are stored upper-case on both forges; lookups upper-case the asked name unless told to match exactly. */
  getVariable(name: string, exact = false): Variable | undefined {
    return this.variables.get(exact ? name : name.toUpperCase());
  }

  setVariable(name: string, value: string | null): void {
    const key = name.toUpperCase();
    if (value === null) {
      this.variables.delete(key);
      return;
    }
    const now = this.scheduler.nowIso();
    const existing = this.variables.get(key);
    this.variables.set(key, { name: key, value, createdAt: existing?.createdAt ?? now, updatedAt: now });
  }

  /** A runtime push: parents default to the branch head, and the branch moves to it. */
  addCommit(spec: CommitSpec, branch = this.defaultBranch): Commit {
    const head = this.headOf(branch);
    const commit = this.graph.add({ sha: spec.sha, parents: spec.parents ?? (head ? [head] : []), message: spec.message });
    this.graph.branches.set(branch, commit.sha);
    return commit;
  }

  setBranch(name: string, sha: string | null): void {
    if (sha === null) {
      this.graph.branches.delete(name);
      return;
    }
    this.graph.branches.set(name, this.mustResolve(sha).sha);
  }

  createDeployment(fields: Omit<Deployment, 'id' | 'createdAt' | 'statuses'>, createdAt = this.scheduler.nowIso()): Deployment {
    const deployment: Deployment = { ...fields, id: this.nextDeploymentId++, createdAt, statuses: [] };
    this.deployments.set(deployment.id, deployment);
    return deployment;
  }

  addDeploymentStatus(deployment: Deployment, fields: Omit<DeploymentStatus, 'id' | 'createdAt'>, createdAt = this.scheduler.nowIso()): DeploymentStatus {
    const status: DeploymentStatus = { ...fields, id: this.nextDeploymentStatusId++, createdAt };
    deployment.statuses.push(status);
    return status;
  }

  /**
   * Deployments made before the simulator started (e.g. by the stage pipeline), created
   * `agoMs` before start. Ids grow with time, as on GitHub: the oldest gets the lowest id.
   */
  private seedDeployments(specs: DeploymentSpec[]): void {
    const past = (agoMs: number): string => new Date(this.scheduler.startedWallMs - agoMs).toISOString();
    const byAge = [...specs].sort((a, b) => b.agoMs - a.agoMs);
    const statuses: Array<{ deployment: Deployment; spec: DeploymentStatusSpec }> = [];
    for (const spec of byAge) {
      const commit = this.mustResolve(spec.sha);
      const deployment = this.createDeployment(
        { sha: commit.sha, ref: spec.sha, task: 'deploy', environment: spec.environment, description: null, payload: {}, productionEnvironment: spec.environment === 'production', transientEnvironment: false },
        past(spec.agoMs),
      );
      for (const status of spec.statuses ?? []) statuses.push({ deployment, spec: status });
    }
    // Status ids are global on GitHub too: number them across deployments in time order.
    statuses.sort((a, b) => b.spec.agoMs - a.spec.agoMs);
    for (const { deployment, spec } of statuses) {
      this.addDeploymentStatus(deployment, { state: spec.state, environment: deployment.environment, description: '', environmentUrl: '', logUrl: '' }, past(spec.agoMs));
    }
  }
}
