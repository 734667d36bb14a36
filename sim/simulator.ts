// Assembles the simulated world from a scenario: state, servers, log, faults, and the
// Simulator handle tests drive it with.
import { buildInfoSha, BuildInfoServer } from './buildinfo.js';
import { startControlServer } from './control.js';
import { FaultSet, type FaultSpec } from './faults.js';
import type { CheckPatch } from './forge/checks.js';
import { GiteaApi, GITEA_API_PREFIX } from './forge/gitea.js';
import { GithubApi } from './forge/github.js';
import { ForgeRepo, type ForgeKind } from './forge/repo.js';
import { listen, type Listener } from './http.js';
import { RequestLog, type RequestLogEntry } from './log.js';
import { createPipeline, type PipelineDeps, type SimServer } from './pipeline.js';
import { assertValidScenario, loadScenarioFile, type CommitSpec, type Scenario } from './scenario.js';
import { Scheduler } from './scheduler.js';
import { ZeropsApi } from './zerops/api.js';
import { DeployEngine } from './zerops/lifecycle.js';
import { ZeropsState, type Service, type Version } from './zerops/model.js';
import { UploadServer } from './zerops/upload.js';

export interface SimulatorUrls {
  /** Zerops API origin; clients append /api/rest/public/... */
  zerops: string;
  /** Where uploadUrl points (no auth needed). */
  upload: string;
  /** GitHub REST API base (GITHUB_API_URL). */
  github: string;
  /** GITHUB_SERVER_URL equivalent; the same server. */
  githubServer: string;
  /** Gitea API base including /api/v1. */
  gitea: string;
  /** Gitea server URL without /api/v1. */
  giteaServer: string;
  /**
   * Build-info base: `${buildInfo}/{service}/build-info` (the first project with that hostname)
   * or `${buildInfo}/{project}/{service}/build-info` (project id or name, e.g. a stage project).
   */
  buildInfo: string;
  control: string;
}

export type ForgeName = ForgeKind;

export interface VersionView {
  id: string;
  name: string | null;
  /** The commit this version serves (or will serve once active). */
  sha: string | null;
  status: string;
  created: string;
  sequence: number;
  upload: { bytes: number; sha256: string } | null;
}

export interface ServiceView {
  id: string;
  hostname: string;
  projectId: string;
  status: string;
  activeVersion: VersionView | null;
  /** Newest first. */
  versions: VersionView[];
  /** What GET build-info answers right now (null when unreachable or nothing is served). */
  buildInfoSha: string | null;
  /** In-flight processes, oldest first. */
  inFlight: Array<{ id: string; actionName: string; status: string }>;
}

export interface Simulator {
  urls: SimulatorUrls;
  /** Live, append-only, in arrival order. */
  log: RequestLogEntry[];
  /** Zerops and upload mutating calls, in arrival order. */
  mutations(): RequestLogEntry[];
  /** null deletes the variable. */
  setVariable(forge: ForgeName, name: string, value: string | null): void;
  addFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Changes (or adds) a check run / status at runtime; `sha` may be any ref. */
  setCheck(forge: ForgeName, sha: string, name: string, patch: CheckPatch): void;
  /** A push: parents default to the branch head, and the branch (default branch by default) moves. */
  addCommit(forge: ForgeName, commit: CommitSpec, branch?: string): void;
  /** Points a branch at a commit (null deletes it). */
  setBranch(forge: ForgeName, branch: string, sha: string | null): void;
  /** A service by hostname: in `project` (id or name) when given, else the first project listing it. */
  service(hostname: string, project?: string): ServiceView;
  /** A JSON snapshot of the whole world (what GET /state on the control server returns). */
  state(): SimulatorSnapshot;
  close(): Promise<void>;
}

export interface SimulatorSnapshot {
  elapsedMs: number;
  zerops: { projects: Array<{ id: string; name: string; services: ServiceView[] }> };
  github: ForgeSnapshot;
  gitea: ForgeSnapshot;
  faults: Array<FaultSpec & { seen: number; applied: number }>;
  requests: number;
}

export interface ForgeSnapshot {
  branches: Record<string, string>;
  tags: Record<string, string>;
  variables: Record<string, string>;
  deployments: Array<{ id: number; sha: string; ref: string; environment: string; statuses: string[] }>;
  /** Tokens are shown masked: the snapshot may end up in logs. */
  rateLimitRemaining: Array<{ token: string; remaining: number }>;
}

function versionView(version: Version): VersionView {
  return {
    id: version.id,
    name: version.name,
    sha: version.servedSha,
    status: version.status,
    created: version.created,
    sequence: version.sequence,
    upload: version.upload ? { bytes: version.upload.bytes, sha256: version.upload.sha256 } : null,
  };
}

function forgeSnapshot(repo: ForgeRepo): ForgeSnapshot {
  return {
    branches: Object.fromEntries(repo.graph.branches),
    tags: Object.fromEntries(repo.graph.tags),
    variables: Object.fromEntries([...repo.variables.values()].map((v) => [v.name, v.value])),
    deployments: [...repo.deployments.values()].map((d) => ({ id: d.id, sha: d.sha, ref: d.ref, environment: d.environment, statuses: d.statuses.map((s) => s.state) })),
    rateLimitRemaining: [...repo.tokens.values()].map((t) => ({ token: `${t.value.slice(0, 3)}…`, remaining: t.remaining })),
  };
}

export async function startSimulator(scenarioOrPath: Scenario | string, options: { verbose?: boolean } = {}): Promise<Simulator> {
  const scenario = typeof scenarioOrPath === 'string' ? await loadScenarioFile(scenarioOrPath) : scenarioOrPath;
  assertValidScenario(scenario);
  const seed = scenario.seed ?? 1;
  const scheduler = new Scheduler();
  const log = new RequestLog(() => scheduler.elapsedMs(), options.verbose ?? false);
  const faults = new FaultSet();
  for (const fault of scenario.faults ?? []) faults.add(fault);

  const zerops = new ZeropsState(seed, scenario.zerops ?? {}, scheduler);
  const engine = new DeployEngine(zerops, scheduler);
  const repos: Record<ForgeName, ForgeRepo> = {
    github: new ForgeRepo('github', scenario.github ?? {}, scheduler),
    gitea: new ForgeRepo('gitea', scenario.gitea ?? {}, scheduler),
  };

  // Filled in once every server listens; handlers only read it per request.
  const urls = {} as SimulatorUrls;
  const deps: PipelineDeps = { log, faults, scheduler };
  const serve = <P>(server: SimServer<P>): Promise<Listener> => listen(createPipeline(server, deps));
  const listeners: Listener[] = [];
  const [zeropsListener, uploadListener, githubListener, giteaListener, buildInfoListener] = await Promise.all([
    serve(new ZeropsApi(zerops, engine, () => urls.upload)),
    serve(new UploadServer(zerops)),
    serve(new GithubApi(repos.github, () => urls.github)),
    serve(new GiteaApi(repos.gitea, () => urls.giteaServer)),
    serve(new BuildInfoServer(zerops, () => scheduler.elapsedMs())),
  ]);
  listeners.push(zeropsListener, uploadListener, githubListener, giteaListener, buildInfoListener);
  Object.assign(urls, {
    zerops: zeropsListener.url,
    upload: uploadListener.url,
    github: githubListener.url,
    githubServer: githubListener.url,
    gitea: `${giteaListener.url}${repos.gitea.gitea.subPath}${GITEA_API_PREFIX}`,
    giteaServer: `${giteaListener.url}${repos.gitea.gitea.subPath}`,
    buildInfo: buildInfoListener.url,
  });
  engine.startSeededLocks();

  const serviceView = (service: Service): ServiceView => ({
    id: service.id,
    hostname: service.hostname,
    projectId: service.project.id,
    status: service.status,
    activeVersion: service.activeVersion ? versionView(service.activeVersion) : null,
    versions: service.versions.map(versionView).reverse(),
    buildInfoSha: buildInfoSha(service, scheduler.elapsedMs()),
    inFlight: [...service.inFlight].map((p) => ({ id: p.id, actionName: p.actionName, status: p.status })),
  });

  const simulator: Simulator = {
    urls,
    log: log.entries,
    mutations: () => log.mutations(),
    setVariable: (forge, name, value) => repos[forge].setVariable(name, value),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setCheck: (forge, ref, name, patch) => {
      const repo = repos[forge];
      repo.checks.patch(repo.mustResolve(ref).sha, name, patch, forge === 'github');
    },
    addCommit: (forge, commit, branch) => {
      repos[forge].addCommit(commit, branch);
    },
    setBranch: (forge, branch, sha) => repos[forge].setBranch(branch, sha),
    service: (hostname, projectKey) => {
      const project = projectKey === undefined ? undefined : (zerops.projects.get(projectKey) ?? [...zerops.projects.values()].find((p) => p.name === projectKey));
      if (projectKey !== undefined && !project) throw new Error(`no project ${projectKey} in the scenario`);
      const service = project ? project.serviceByHostname.get(hostname) : zerops.servicesByHostname.get(hostname);
      if (!service) throw new Error(`no service named ${hostname} in ${projectKey === undefined ? 'the scenario' : `project ${projectKey}`}`);
      return serviceView(service);
    },
    state: () => ({
      elapsedMs: Math.round(scheduler.elapsedMs()),
      zerops: { projects: [...zerops.projects.values()].map((p) => ({ id: p.id, name: p.name, services: p.services.map(serviceView) })) },
      github: forgeSnapshot(repos.github),
      gitea: forgeSnapshot(repos.gitea),
      faults: faults.list().map((f) => ({ ...f.spec, seen: f.seen, applied: f.applied })),
      requests: log.entries.length,
    }),
    close: async () => {
      scheduler.close();
      await Promise.all(listeners.map((listener) => listener.close()));
    },
  };

  const control = await startControlServer(simulator, log);
  listeners.push(control);
  urls.control = control.url;
  return simulator;
}
