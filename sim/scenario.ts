// The scenario: everything the simulated world starts with. Plain data, so it can be
// written as a JS object in a test or as a YAML/JSON file for the CLI.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { FaultSpec } from './faults.js';
import { scenarioProblems } from './scenario-validate.js';

export interface Scenario {
  /** Seeds IDs and every random draw (default 1). */
  seed?: number | string;
  zerops?: ZeropsScenario;
  github?: GithubScenario;
  gitea?: GiteaScenario;
  faults?: FaultSpec[];
}

export type Duration = number | [number, number];

export interface ZeropsScenario {
  tokens?: ZeropsTokenSpec[];
  projects?: ProjectSpec[];
  /** How long a new process stays PENDING (default 20 ms). */
  pendingMs?: number;
  /** Build-and-deploy duration: fixed, or [min, max] drawn per process (default 300 ms). */
  durationMs?: Duration;
  /** Re-activation (rollback) duration (default a third of durationMs). */
  activateMs?: number;
  /** Page size cap for list endpoints; larger `limit` values are clamped silently (default 100). */
  maxLimit?: number;
  /** Drop `name` from AppVersion objects in list/get answers, as the real API does (default true; false = the old, unreal shape). */
  omitVersionNames?: boolean;
  /**
   * The upload URL's host: 'signed' (default) answers 403 to a Content-Type header, like a
   * URL whose signature covers it (zcli never sends one); 'lenient' takes any header.
   */
  uploadHost?: 'signed' | 'lenient';
  /**
   * `POST /project/search` without a `clientId eq` filter: 'reject' (default, 400) or
   * 'accept' (scoped by token). The real answer is unknown; first-party callers always filter.
   */
  unfilteredProjectSearch?: 'reject' | 'accept';
  /** Fill `name` in a process's embedded appVersion (SDK: declared; runtime: unknown). Default false (null). */
  processVersionNames?: boolean;
  /** Fill AppVersion `userDataList` with the deployed run env (reported live by Zerops' tooling). Default true; false = always []. */
  userDataList?: boolean;
  /** Order of the direct list endpoints (the API defines none). Default 'oldest-first'. */
  listOrder?: 'oldest-first' | 'newest-first';
  /** The version search index lags writes: versions created less than this long ago are not found (default 0). */
  versionSearchLagMs?: number;
  /** DELETE /app-version/{id} of an UPLOADING version: allowed (default) or refused (not determinable). */
  deleteUploading?: 'allowed' | 'refused';
}

export interface ZeropsTokenSpec {
  value: string;
  /** Project ids or names this token reaches; '*' = all. */
  projects: string[];
  email?: string;
  fullName?: string;
}

export interface ProjectSpec {
  /** Defaults to an ID derived from the seed and name. */
  id?: string;
  name: string;
  status?: string;
  services?: ServiceSpec[];
}

export type FailPoint = 'build' | 'deploy';

export interface ServiceSpec {
  hostname: string;
  id?: string;
  /** serviceStackTypeVersionName, e.g. 'nodejs@22' (default). */
  type?: string;
  /** 'USER' = runtime (default for non-database types); e.g. 'STANDARD' for databases. */
  category?: string;
  /** Default ACTIVE, or READY_TO_DEPLOY when the service has no versions. */
  status?: string;
  /** Existing versions, oldest first. Unless one says ACTIVE, the newest without a status is ACTIVE, the rest BACKUP. */
  versions?: VersionSpec[];
  deploy?: DeployBehaviourSpec;
  buildInfo?: BuildInfoSpec;
  /** An in-flight process present at start: a deploy lock held by someone else. */
  runningProcess?: { finishAfterMs?: number | null; actionName?: string };
  /** A passing `status` (e.g. RELOADING) ends this long after start: ACTIVE (READY_TO_DEPLOY without versions). */
  settlesAfterMs?: number;
  /** A hidden platform service (SDK `isSystem`), e.g. category CORE. */
  isSystem?: boolean;
  /** SDK `mode`; default HA for managed data types (postgresql, valkey, ...), NON_HA otherwise; null = the answer omits it. */
  mode?: 'HA' | 'NON_HA' | null;
  /** SDK `subdomainAccess` (public `.zerops.app` subdomain); default false. */
  subdomainAccess?: boolean;
  /** Horizontal autoscaling min/max containers; default 2/4 for runtimes, unset otherwise. Both null: `customAutoscaling: null`. */
  minContainers?: number | null;
  maxContainers?: number | null;
}

export interface VersionSpec {
  /** The commit this version serves (build-info). */
  sha?: string | null;
  /** Defaults to sha. */
  name?: string | null;
  status?: string;
  id?: string;
  /** ACTIVE/BACKUP only: its `activationDate` is this long before simulator start (default: built and activated over the hour its slot covers). */
  activatedAgoMs?: number;
}

export interface DeployBehaviourSpec {
  pendingMs?: number;
  durationMs?: Duration;
  activateMs?: number;
  /** Where deploys fail: the version ends BUILD_FAILED or DEPLOY_FAILED. */
  failAt?: FailPoint;
  /** Only the first n deploys fail (default: all when failAt is set). */
  failTimes?: number;
  /** Deploys stay RUNNING forever. */
  stuck?: boolean;
}

export interface BuildInfoSpec {
  /** After an activation keep answering the previous SHA (200) for this long. */
  staleMs?: number;
  /** Keep answering the SHA served at simulator start, forever. */
  staleForever?: boolean;
  /** Answer 503. */
  unreachable?: boolean;
  /** Field name for the SHA instead of git_sha; dotted for nesting (build.sha). */
  field?: string;
}

export interface CommitSpec {
  sha: string;
  /** Default: the previous commit in the list (none for the first). */
  parents?: string[];
  message?: string;
}

export interface TimelineStep {
  /** Check run status, or (Gitea) the status state. */
  status?: string;
  conclusion?: string | null;
  /** Commit status state. */
  state?: string;
  description?: string | null;
  /** Step applies once this many earlier polls (page-1 reads of the list) were answered. */
  afterPolls?: number;
  /** Step applies once this long after simulator start. */
  afterMs?: number;
}

export interface CheckSpec extends TimelineStep {
  name: string;
  id?: number;
  suiteId?: number;
  app?: string;
  detailsUrl?: string;
  /** Without a timeline the spec's own fields are its single step. */
  timeline?: TimelineStep[];
}

export interface StatusSpec extends TimelineStep {
  context: string;
  id?: number;
  targetUrl?: string;
  timeline?: TimelineStep[];
}

export interface ForgeTokenSpec {
  value: string;
  /** GitHub: may read Actions variables (else 403). Gitea decides by `role` instead. */
  variables?: boolean;
  /** Gitea: who the token belongs to; only `owner` and `site-admin` may read variables (default `reader`). */
  role?: GiteaRole;
  /** The token can see the repository (default true); when false every repository route answers 404. */
  seesRepo?: boolean;
  /** May create deployments (GitHub; default: deploymentsRead). */
  deployments?: boolean;
  /**
   * May list deployments and their statuses (GitHub `deployments: read`; default true). False
   * answers those reads 403 `Resource not accessible by integration`, as GitHub does.
   */
  deploymentsRead?: boolean;
  /** Primary rate limit for this token (GitHub; default the forge's). */
  rateLimit?: number;
  /** A GitHub Actions GITHUB_TOKEN: all of them share the repository's 1,000 requests an hour. */
  jobToken?: boolean;
}

export interface ForgeScenario {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  commits?: CommitSpec[];
  /** Default: { [defaultBranch]: last commit }. */
  branches?: Record<string, string>;
  tags?: Record<string, string>;
  tokens?: ForgeTokenSpec[];
  /** Keyed by commit (any ref that resolves to one). */
  statuses?: Record<string, StatusSpec[]>;
  variables?: Record<string, string>;
  /** Branch → contexts its branch protection requires (GitHub classic protection; Gitea status_check_contexts, globs). */
  protection?: Record<string, string[]>;
}

export interface GithubScenario extends ForgeScenario {
  run?: { id: number; checkSuiteId: number; headSha?: string; status?: string };
  checkRuns?: Record<string, CheckSpec[]>;
  /** Branch → required status check contexts (rulesets). */
  rules?: Record<string, string[]>;
  /** Other rules (deletion, non_fast_forward) listed before the required checks, e.g. 40 to push them to page 2. */
  rulesBefore?: number;
  /** Requests per hour per token (default 5000). */
  rateLimit?: number;
  /** Deployments made before start (e.g. to a staging environment); the action's own appear in the same list. */
  deployments?: DeploymentSpec[];
  /**
   * How `GET …/deployments?environment=` compares names: 'exact' (default) or 'case-insensitive'
   * (GitHub treats environment names case-insensitively elsewhere; the list filter is not documented).
   */
  deploymentEnvironmentMatch?: 'exact' | 'case-insensitive';
}

export interface DeploymentSpec {
  /** Any ref naming a listed commit; the deployment's `ref` is this text, its `sha` the commit. */
  sha: string;
  environment: string;
  /** Created this long before simulator start. */
  agoMs: number;
  /** Its statuses, in any order; each at most as old as the deployment. */
  statuses?: DeploymentStatusSpec[];
}

export interface DeploymentStatusSpec {
  /** error, failure, inactive, in_progress, queued, pending or success. */
  state: string;
  /** Created this long before simulator start. */
  agoMs: number;
}

export type GiteaRole = 'owner' | 'site-admin' | 'admin-collaborator' | 'reader';

export interface GiteaScenario extends ForgeScenario {
  /** `limit` is clamped to this silently (default 50). */
  maxLimit?: number;
  /** 1.22 (default): compare takes branch and tag names only; 1.23: commit SHAs too. */
  version?: '1.22' | '1.23';
  /** Install under a sub-path (ROOT_URL https://host/gitea/), e.g. '/gitea'. */
  subPath?: string;
  /** Variable lookups match the stored (upper-case) name exactly instead of upper-casing the asked name. */
  variableNamesExact?: boolean;
  /** Send ETags and answer If-None-Match with 304 (not documented for Gitea; off by default). */
  etags?: boolean;
}

export class ScenarioError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid scenario:\n  ${problems.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

/** Throws a ScenarioError listing every problem at once. */
export function assertValidScenario(scenario: unknown): asserts scenario is Scenario {
  const problems = scenarioProblems(scenario);
  if (problems.length > 0) throw new ScenarioError(problems);
}

/** Reads a .yaml/.yml/.json scenario file (YAML is a superset of JSON). */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new ScenarioError([`${path}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  assertValidScenario(parsed);
  return parsed;
}
