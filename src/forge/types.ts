// What the gates need from a forge, the same for GitHub and Gitea.

export type ForgeKind = 'github' | 'gitea';

/** Normalised state of one check run or commit status. */
export type CheckState = 'success' | 'pending' | 'failure' | 'neutral' | 'skipped';

export interface CheckRow {
  name: string;
  kind: 'check-run' | 'status';
  state: CheckState;
  /** The forge's own words, e.g. `completed/timed_out`, `error`, `warning`. */
  raw: string;
  url: string | null;
  /** Monotonic per kind: the newest check run of a source is the highest id. */
  id: number;
  /** When it started/updated (ISO 8601, any offset; may be empty): orders statuses. */
  at: string;
  /** Who reports it: for a check run its app and check suite (workflow run); rows of one name from different sources must each pass. */
  source?: string;
  /** The GitHub App that reported a check run. */
  appId?: number;
  /** Reported by this very workflow run (never waited on). */
  ownRun: boolean;
}

export type VariableRead =
  | { kind: 'value'; value: string }
  | { kind: 'unset' }
  | { kind: 'forbidden'; detail: string }
  | { kind: 'unreadable'; detail: string };

export interface BranchRequirements {
  /** Exact context names. */
  contexts: string[];
  /** Glob patterns (Gitea's `status_check_contexts`). */
  patterns: string[];
  /** Where they were read, for the log: "ruleset", "branch protection". */
  sources: string[];
  /** Context → the only app (GitHub App id) whose check run satisfies it (ruleset `integration_id`, protection `app_id`). */
  apps?: Record<string, number>;
}

export const NO_REQUIREMENTS: BranchRequirements = { contexts: [], patterns: [], sources: [] };

export interface NamedRef {
  name: string;
  sha: string;
}

/** One GitHub deployment as read back (the stage proof). */
export interface StageDeployment {
  id: number;
  sha: string;
  environment: string;
  createdAt: string;
  url: string | null;
  /** Newest first (by id). */
  statuses: Array<{ id: number; state: string; createdAt: string; logUrl: string | null }>;
}

export interface DeploymentRecorder {
  create(input: { sha: string; environment: string; description: string }): Promise<number>;
  status(id: number, input: { state: 'in_progress' | 'success' | 'failure' | 'inactive'; logUrl?: string; description: string }, signal?: AbortSignal): Promise<void>;
  /** The newest deployment of `sha` to `environment` with its statuses; null when there is none. Throws HttpError on 403/404/5xx (the caller refuses). */
  latestOf(sha: string, environment: string, signal?: AbortSignal): Promise<StageDeployment | null>;
}

export interface Forge {
  readonly kind: ForgeKind;
  /** owner/name */
  readonly repo: string;
  readonly serverUrl: string;
  defaultBranch(): Promise<string>;
  /** Full SHA of a SHA, short SHA, tag or branch; null when the forge knows no such ref. */
  resolveRef(ref: string): Promise<string | null>;
  branchTip(branch: string): Promise<string | null>;
  /** Branches or tags with their commit, at most `limit`. */
  listRefs(kind: 'branch' | 'tag', limit: number): Promise<NamedRef[]>;
  /**
   * Whether `ancestor` is `descendant` or reachable from it; null when the forge cannot tell.
   * `likely`: the caller expects yes, so the forge asks the question whose yes-answer is cheap.
   */
  isAncestor(ancestor: string, descendant: string, likely?: boolean): Promise<boolean | null>;
  /** Every check run and status on the commit (newest row per name decided by the caller). */
  readChecks(sha: string): Promise<CheckRow[]>;
  /**
   * Checks the branch requires before a merge: GitHub rulesets and classic branch protection,
   * Gitea branch protection. Throws when it cannot tell (rate limit, 5xx, timeout).
   */
  requiredChecks(branch: string): Promise<BranchRequirements>;
  /** Live read of a repository Actions variable with the control token. */
  readVariable(name: string): Promise<VariableRead>;
  /** GitHub Deployments; null on Gitea. */
  readonly deployments: DeploymentRecorder | null;
  commitUrl(sha: string): string;
  runUrl(): string | null;
}
