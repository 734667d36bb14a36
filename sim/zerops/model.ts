// The Zerops world as data: projects, services, versions, processes and tokens, with
// the Map indexes that keep every lookup O(1) at fleet scale.
import { stableId } from '../ids.js';
import { createPrng, type Prng } from '../prng.js';
import type { Scheduler } from '../scheduler.js';
import type { Duration, FailPoint, ProjectSpec, ServiceSpec, VersionSpec, ZeropsScenario } from '../scenario.js';
import type { APP_VERSION_STATUSES } from '../scenario-validate.js';
import { STAMP_VARIABLE } from './zerops-yaml.js';

export type AppVersionStatus = (typeof APP_VERSION_STATUSES)[number];
export type ProcessStatus = 'PENDING' | 'RUNNING' | 'CANCELING' | 'ROLLBACKING' | 'FINISHED' | 'FAILED' | 'CANCELED';
export const IN_FLIGHT_STATUSES: ReadonlySet<string> = new Set(['PENDING', 'RUNNING', 'CANCELING', 'ROLLBACKING']);

/** Versions kept per service. An assumption: no reference states a retention count (audit F23). */
export const KEPT_VERSIONS = 10;

export interface Token {
  value: string;
  /** null = every project. */
  projectIds: ReadonlySet<string> | null;
  userId: string;
  email: string;
  fullName: string;
}

export interface Project {
  id: string;
  name: string;
  status: string;
  created: string;
  services: Service[];
  serviceByHostname: Map<string, Service>;
  /** Creation order (oldest first). */
  processes: Process[];
  inFlight: Set<Process>;
}

export interface DeployBehaviour {
  pendingMs: number;
  durationMs: Duration;
  /** null = a third of the drawn deploy duration. */
  activateMs: number | null;
  failAt: FailPoint | null;
  /** Failures still to hand out (Infinity when every deploy fails). */
  failuresLeft: number;
  stuck: boolean;
}

export interface BuildInfoBehaviour {
  staleMs: number;
  staleForever: boolean;
  unreachable: boolean;
  field: string;
}

/** A moment the service started serving a version, for the build-info lag model. */
export interface Activation {
  atMs: number;
  sha: string | null;
  versionId: string;
}

export interface Service {
  id: string;
  hostname: string;
  project: Project;
  status: string;
  typeName: string;
  typeVersionName: string;
  category: string;
  created: string;
  lastUpdate: string;
  /** Oldest first (ascending sequence). */
  versions: Version[];
  activeVersion: Version | null;
  /** Creation order (oldest first). */
  processes: Process[];
  inFlight: Set<Process>;
  /** The process holding the service's deploy lock. */
  running: Process | null;
  /** PENDING processes waiting for the lock, in submission order. */
  queue: Process[];
  nextSequence: number;
  deploy: DeployBehaviour;
  buildInfo: BuildInfoBehaviour;
  /** Served-version history, oldest first; pruned as the lag window passes. */
  activations: Activation[];
  /** Draws this service's deploy durations. */
  prng: Prng;
  lockSpec: ServiceSpec['runningProcess'] | null;
  /** Hidden platform service (SDK `isSystem`). */
  isSystem: boolean;
  /** SDK `serviceStackTypeId`. */
  typeId: string;
  /** A passing status that ends after afterMs (from the simulator's start). */
  settle: { afterMs: number; status: string } | null;
  /** SDK `mode` (a StringNull: HA / NON_HA, or null). */
  mode: string | null;
  /** SDK `subdomainAccess`. */
  subdomainAccess: boolean;
  /** SDK `customAutoscaling.horizontalAutoscaling`; null = not configured (`customAutoscaling: null`). */
  horizontalAutoscaling: { minContainers: number | null; maxContainers: number | null } | null;
}

export interface BuildRecord {
  pipelineStart: string;
  pipelineFinish: string | null;
  pipelineFailed: string | null;
  startDate: string | null;
  endDate: string | null;
}

export interface UploadRecord {
  bytes: number;
  sha256: string;
  at: string;
}

export interface Version {
  id: string;
  /** Global creation order: a stable tie-breaker for sorting. */
  ordinal: number;
  service: Service;
  sequence: number;
  name: string | null;
  status: AppVersionStatus;
  created: string;
  lastUpdate: string;
  activationDate: string | null;
  build: BuildRecord | null;
  upload: UploadRecord | null;
  /** The commit this version serves once active (build-info). */
  servedSha: string | null;
  /** AppVersion userDataList: the run env of the zerops.yaml it was deployed with. */
  userData: UserData[];
  /** A build or deploy was requested: uploads are refused from then on. */
  deployRequested: boolean;
  /** The in-flight process working on this version. */
  process: Process | null;
  uploadSignature: string;
}

export interface UserData {
  key: string;
  content: string;
  type: 'ENV';
}

export type ProcessKind = 'build' | 'deploy' | 'activate' | 'external';

export interface Process {
  id: string;
  ordinal: number;
  service: Service;
  kind: ProcessKind;
  actionName: string;
  status: ProcessStatus;
  created: string;
  started: string | null;
  finished: string | null;
  lastUpdate: string;
  /** Kept after the version is pruned so the process still describes it. */
  version: Version | null;
  /** Re-activation: the version status to restore on failure or cancel. */
  restoreStatus: AppVersionStatus | null;
  /** pendingMs has elapsed; the process may take the lock. */
  ready: boolean;
  /** Cancels the next scheduled transition. */
  stopTimer: (() => void) | null;
  /** Whether cancel is still possible (not once the deploy phase started). */
  cancelable: boolean;
  /** Why it failed: sent as `publicMeta.failReason` (read so by zcp). */
  failReason: string | null;
}

const DATABASE_TYPES = new Set([
  'postgresql',
  'mariadb',
  'mysql',
  'valkey',
  'keydb',
  'mongodb',
  'elasticsearch',
  'meilisearch',
  'typesense',
  'qdrant',
  'clickhouse',
  'nats',
  'kafka',
  'rabbitmq',
]);

/** The SDK's ServiceStackTypeCategoryEnum value for a type. */
function categoryOf(typeName: string): string {
  if (typeName === 'object-storage') return 'OBJECT_STORAGE';
  if (typeName === 'shared-storage') return 'SHARED_STORAGE';
  return DATABASE_TYPES.has(typeName) ? 'STANDARD' : 'USER';
}

/**
 * Mode, subdomain and horizontal scaling, defaulting to a production-ready project (see
 * sim/README.md): managed data services HA, runtimes 2-4 containers, no public subdomain.
 */
function productionShapeOf(spec: ServiceSpec, typeName: string, category: string): Pick<Service, 'mode' | 'subdomainAccess' | 'horizontalAutoscaling'> {
  const runtime = category === 'USER';
  const mode = spec.mode !== undefined ? spec.mode : DATABASE_TYPES.has(typeName) ? 'HA' : 'NON_HA';
  const min = spec.minContainers !== undefined ? spec.minContainers : runtime ? 2 : null;
  const max = spec.maxContainers !== undefined ? spec.maxContainers : runtime ? 4 : null;
  return { mode, subdomainAccess: spec.subdomainAccess ?? false, horizontalAutoscaling: min === null && max === null ? null : { minContainers: min, maxContainers: max } };
}

const HOUR_MS = 3_600_000;
/** How long a seeded version's build took: it is activated this long after it was created. */
const SEEDED_BUILD_MS = 180_000;
const isHexSha = /^[0-9a-f]{7,40}$/i;

/** The served SHA a version name implies: the name itself when it looks like a commit. */
export function shaFromName(name: string | null): string | null {
  return name !== null && isHexSha.test(name) ? name.toLowerCase() : null;
}

export interface ZeropsOptions {
  maxLimit: number;
  omitVersionNames: boolean;
  uploadHost: 'signed' | 'lenient';
  unfilteredProjectSearch: 'reject' | 'accept';
  processVersionNames: boolean;
  userDataList: boolean;
  listOrder: 'oldest-first' | 'newest-first';
  versionSearchLagMs: number;
  deleteUploading: 'allowed' | 'refused';
}

export class ZeropsState {
  readonly projects = new Map<string, Project>();
  readonly services = new Map<string, Service>();
  /** `/{hostname}/build-info` and `service(hostname)` without a project: the first project listing it wins. */
  readonly servicesByHostname = new Map<string, Service>();
  readonly versions = new Map<string, Version>();
  readonly processes = new Map<string, Process>();
  readonly tokens = new Map<string, Token>();
  readonly clientId: string;
  readonly options: ZeropsOptions;
  private ordinal = 0;

  constructor(
    readonly seed: string | number,
    scenario: ZeropsScenario,
    private readonly scheduler: Scheduler,
  ) {
    this.clientId = stableId(seed, 'client');
    // Defaults are the real API's shape (no `name` on GETs) and the stricter guess where it is unknown.
    this.options = {
      maxLimit: scenario.maxLimit ?? 100,
      omitVersionNames: scenario.omitVersionNames ?? true,
      processVersionNames: scenario.processVersionNames ?? false,
      userDataList: scenario.userDataList ?? true,
      listOrder: scenario.listOrder ?? 'oldest-first',
      versionSearchLagMs: scenario.versionSearchLagMs ?? 0,
      deleteUploading: scenario.deleteUploading ?? 'allowed',
      uploadHost: scenario.uploadHost ?? 'signed',
      unfilteredProjectSearch: scenario.unfilteredProjectSearch ?? 'reject',
    };
    const projectKeys = new Map<string, Project>();
    for (const spec of scenario.projects ?? []) {
      const project = this.addProject(spec, scenario);
      projectKeys.set(project.id, project).set(project.name, project);
    }
    (scenario.tokens ?? []).forEach((spec, index) => {
      const all = spec.projects.includes('*');
      const projectIds = all ? null : new Set(spec.projects.map((key) => projectKeys.get(key)?.id ?? key));
      this.tokens.set(spec.value, {
        value: spec.value,
        projectIds,
        userId: stableId(seed, 'user', index),
        email: spec.email ?? `release-bot-${index + 1}@example.com`,
        fullName: spec.fullName ?? `Release Bot ${index + 1}`,
      });
    });
  }

  private addProject(spec: ProjectSpec, scenario: ZeropsScenario): Project {
    const created = new Date(this.scheduler.startedWallMs - 90 * 24 * HOUR_MS).toISOString();
    const project: Project = {
      id: spec.id ?? stableId(this.seed, 'project', spec.name),
      name: spec.name,
      status: spec.status ?? 'ACTIVE',
      created,
      services: [],
      serviceByHostname: new Map(),
      processes: [],
      inFlight: new Set(),
    };
    this.projects.set(project.id, project);
    for (const serviceSpec of spec.services ?? []) this.addService(project, serviceSpec, scenario);
    return project;
  }

  private addService(project: Project, spec: ServiceSpec, scenario: ZeropsScenario): void {
    const typeVersionName = spec.type ?? 'nodejs@22';
    const typeName = typeVersionName.split('@')[0] ?? typeVersionName;
    const category = spec.category ?? categoryOf(typeName);
    const deploy = spec.deploy ?? {};
    const created = new Date(this.scheduler.startedWallMs - 60 * 24 * HOUR_MS).toISOString();
    const service: Service = {
      id: spec.id ?? stableId(this.seed, 'service', project.id, spec.hostname),
      hostname: spec.hostname,
      project,
      status: spec.status ?? ((spec.versions?.length ?? 0) > 0 ? 'ACTIVE' : 'READY_TO_DEPLOY'),
      typeName,
      typeVersionName,
      category,
      created,
      lastUpdate: created,
      versions: [],
      activeVersion: null,
      processes: [],
      inFlight: new Set(),
      running: null,
      queue: [],
      nextSequence: 1,
      deploy: {
        pendingMs: deploy.pendingMs ?? scenario.pendingMs ?? 20,
        durationMs: deploy.durationMs ?? scenario.durationMs ?? 300,
        activateMs: deploy.activateMs ?? scenario.activateMs ?? null,
        failAt: deploy.failAt ?? (deploy.failTimes !== undefined ? 'deploy' : null),
        failuresLeft: deploy.failTimes ?? Number.POSITIVE_INFINITY,
        stuck: deploy.stuck ?? false,
      },
      buildInfo: {
        staleMs: spec.buildInfo?.staleMs ?? 0,
        staleForever: spec.buildInfo?.staleForever ?? false,
        unreachable: spec.buildInfo?.unreachable ?? false,
        field: spec.buildInfo?.field ?? 'git_sha',
      },
      activations: [],
      prng: createPrng(this.seed, 'deploy', project.id, spec.hostname),
      lockSpec: spec.runningProcess ?? null,
      isSystem: spec.isSystem ?? false,
      typeId: stableId(this.seed, 'service-stack-type', typeName),
      settle:
        spec.settlesAfterMs === undefined
          ? null
          : { afterMs: spec.settlesAfterMs, status: (spec.versions?.length ?? 0) > 0 ? 'ACTIVE' : 'READY_TO_DEPLOY' },
      ...productionShapeOf(spec, typeName, category),
    };
    project.services.push(service);
    project.serviceByHostname.set(service.hostname, service);
    this.services.set(service.id, service);
    if (!this.servicesByHostname.has(service.hostname)) this.servicesByHostname.set(service.hostname, service);
    this.seedVersions(service, spec.versions ?? []);
  }

  /**
   * Pre-existing history: oldest first, one hour apart, the newest an hour ago; a version
   * with `activatedAgoMs` was built just before that activation. Each version is created
   * at least an hour before the next (a re-activated old version keeps its old creation).
   */
  private seedVersions(service: Service, specs: VersionSpec[]): void {
    // Without a declared ACTIVE, the newest version without a declared status is the active one.
    const declaredActive = specs.findIndex((spec) => spec.status === 'ACTIVE');
    const activeIndex = declaredActive >= 0 ? declaredActive : specs.map((spec) => spec.status).lastIndexOf(undefined);
    const start = this.scheduler.startedWallMs;
    const createdAt: number[] = [];
    for (let index = specs.length - 1; index >= 0; index--) {
      const agoMs = specs[index]?.activatedAgoMs;
      const next = createdAt[index + 1];
      const own = agoMs === undefined ? start - (specs.length - index) * HOUR_MS : start - agoMs - SEEDED_BUILD_MS;
      createdAt[index] = Math.min(own, next === undefined ? Infinity : next - HOUR_MS);
    }
    specs.forEach((spec, index) => {
      const createdMs = createdAt[index] as number;
      const at = (offsetMs: number): string => new Date(createdMs + offsetMs).toISOString();
      const status = (spec.status ?? (index === activeIndex ? 'ACTIVE' : 'BACKUP')) as AppVersionStatus;
      const name = spec.name === undefined ? (spec.sha ?? null) : spec.name;
      const version = this.newVersion(service, name, { id: spec.id, created: at(0) });
      version.status = status;
      version.servedSha = spec.sha ?? shaFromName(name);
      // Seeded history was released by this tool: its run env carries the stamped SHA.
      if (version.servedSha) version.userData = [{ key: STAMP_VARIABLE, content: version.servedSha, type: 'ENV' }];
      version.deployRequested = true;
      version.lastUpdate = at(SEEDED_BUILD_MS);
      version.build = { pipelineStart: at(0), pipelineFinish: at(SEEDED_BUILD_MS), pipelineFailed: null, startDate: at(10_000), endDate: at(120_000) };
      if (status === 'ACTIVE' || status === 'BACKUP') {
        version.activationDate = spec.activatedAgoMs === undefined ? at(SEEDED_BUILD_MS) : new Date(start - spec.activatedAgoMs).toISOString();
        version.lastUpdate = version.activationDate;
      }
      this.seedBuildProcess(service, version, at);
      if (status === 'ACTIVE') {
        service.activeVersion = version;
        service.activations = [{ atMs: Number.NEGATIVE_INFINITY, sha: version.servedSha, versionId: version.id }];
      }
    });
    this.pruneVersions(service);
  }

  /** The finished build that made a seeded version: history a process list shows. */
  private seedBuildProcess(service: Service, version: Version, at: (offsetMs: number) => string): void {
    const process = this.newProcess(service, 'build', version, 'stack.build');
    const failed = version.status === 'BUILD_FAILED' || version.status === 'DEPLOY_FAILED';
    process.status = version.status === 'CANCELLED' ? 'CANCELED' : failed ? 'FAILED' : 'FINISHED';
    process.created = at(0);
    process.started = at(5_000);
    process.finished = at(SEEDED_BUILD_MS);
    process.lastUpdate = process.finished;
    process.ready = true;
    process.cancelable = false;
    service.inFlight.delete(process);
    service.project.inFlight.delete(process);
  }

  newVersion(service: Service, name: string | null, seeded?: { id: string | undefined; created: string }): Version {
    const sequence = service.nextSequence++;
    const created = seeded?.created ?? this.scheduler.nowIso();
    const id = seeded?.id ?? stableId(this.seed, 'version', service.id, sequence);
    const version: Version = {
      id,
      ordinal: ++this.ordinal,
      service,
      sequence,
      name,
      status: 'UPLOADING',
      created,
      lastUpdate: created,
      activationDate: null,
      build: null,
      upload: null,
      servedSha: null,
      userData: [],
      deployRequested: false,
      process: null,
      uploadSignature: stableId(this.seed, 'upload-signature', id),
    };
    service.versions.push(version);
    this.versions.set(version.id, version);
    if (!seeded) this.pruneVersions(service);
    return version;
  }

  newProcess(service: Service, kind: ProcessKind, version: Version | null, actionName: string): Process {
    const now = this.scheduler.nowIso();
    const process: Process = {
      id: stableId(this.seed, 'process', service.id, service.processes.length + 1),
      ordinal: ++this.ordinal,
      service,
      kind,
      actionName,
      status: 'PENDING',
      created: now,
      started: null,
      finished: null,
      lastUpdate: now,
      version,
      restoreStatus: null,
      ready: false,
      stopTimer: null,
      cancelable: true,
      failReason: null,
    };
    service.processes.push(process);
    service.inFlight.add(process);
    service.project.processes.push(process);
    service.project.inFlight.add(process);
    this.processes.set(process.id, process);
    return process;
  }

  /** Drops the oldest versions beyond the kept count; never the active, an in-flight or a not-yet-deployed one. */
  pruneVersions(service: Service): void {
    let excess = service.versions.length - KEPT_VERSIONS;
    if (excess <= 0) return;
    service.versions = service.versions.filter((version) => {
      const prunable = excess > 0 && version !== service.activeVersion && version.process === null && version.status !== 'UPLOADING';
      if (!prunable) return true;
      excess--;
      this.versions.delete(version.id);
      return false;
    });
  }

  deleteVersion(version: Version): void {
    const { service } = version;
    service.versions = service.versions.filter((v) => v !== version);
    this.versions.delete(version.id);
  }

  canAccess(token: Token, projectId: string): boolean {
    return token.projectIds === null || token.projectIds.has(projectId);
  }

  accessibleProjects(token: Token): Project[] {
    return [...this.projects.values()].filter((project) => this.canAccess(token, project.id));
  }
}
