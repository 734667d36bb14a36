// The GitHub REST API subset a release gate uses: commits, check runs, statuses,
// workflow runs, Actions variables, compare, rulesets, branches, tags, deployments.
import { HttpError, Router, jsonReply, type Reply } from '../http.js';
import { credentialOf, type RequestContext, type Route, type SimServer } from '../pipeline.js';
import type { CheckRunRow, StatusRow, Visible } from './checks.js';
import { conditional } from './conditional.js';
import type { Commit } from './graph.js';
import { fullRepository, githubApp, simpleUser, workflowRunDetails, type GithubBases, type RepoIdentity } from './github-shapes.js';
import { pageHeaders, readPage, slicePage, type PagingRules } from './paging.js';
import type { Deployment, DeploymentStatus, ForgeRepo, ForgeToken } from './repo.js';
import { DEPLOYMENT_STATES as DEPLOYMENT_STATE_NAMES } from '../scenario-validate.js';

const PAGING: PagingRules = { sizeParam: 'per_page', defaultSize: 30, maxSize: 100 };
/** The repository's id: GitHub's Link headers name /repositories/{id}/…, not owner/name. */
const REPOSITORY_ID = 1_296_269;
/** Every GITHUB_TOKEN of one repository shares this many requests an hour (docs: rate limits, GITHUB_TOKEN). */
export const JOB_TOKEN_RATE_LIMIT = 1000;
const DOCS = 'https://docs.github.com/rest';
const DEPLOYMENT_STATES = new Set(DEPLOYMENT_STATE_NAMES);

const iso = (ms: number): string => new Date(ms).toISOString();
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function githubError(status: number, message: string, headers?: Record<string, string>): HttpError {
  return new HttpError(jsonReply(status, { message, documentation_url: DOCS, status: String(status) }, headers));
}

/** Newest row per key; rows arrive newest first. */
function latestBy<R>(rows: R[], key: (row: R) => string): R[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const k = key(row);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Combined state over the newest status per context: any failure/error fails; nothing yet is pending. */
function combinedState(states: string[]): string {
  if (states.length === 0) return 'pending';
  if (states.some((s) => s === 'failure' || s === 'error')) return 'failure';
  if (states.some((s) => s === 'pending')) return 'pending';
  return 'success';
}

export class GithubApi implements SimServer<ForgeToken> {
  readonly name = 'github' as const;
  private readonly router = new Router<Route<ForgeToken>>();

  constructor(
    private readonly repo: ForgeRepo,
    /** API base URL, also used as the html (server) base. */
    private readonly baseUrl: () => string,
  ) {
    const route = (method: string, path: string, handle: Route<ForgeToken>['handle']): void => {
      this.router.add(method, `/repos/:owner/:repo${path}`, {
        handle: (ctx, token) => {
          if (!repo.visibleTo(token, ctx.params.owner, ctx.params.repo)) throw githubError(404, 'Not Found');
          return handle(ctx, token);
        },
      });
      // The same resource by repository id, as the Link headers name it.
      this.router.add(method, `/repositories/:repositoryId${path}`, {
        handle: (ctx, token) => {
          if (ctx.params.repositoryId !== String(REPOSITORY_ID)) throw githubError(404, 'Not Found');
          return handle(ctx, token);
        },
      });
    };
    // The fields the gate reads, inside the rest schema full-repository requires.
    route('GET', '', () => jsonReply(200, { ...this.repositoryJson(), ...fullRepository(this.bases, this.identity, this.repo.defaultBranch) }));
    // Refs may contain slashes, so the suffixed commit routes come before the bare one.
    route('GET', '/commits/*ref/check-runs', (ctx) => this.checkRuns(ctx));
    route('GET', '/commits/*ref/statuses', (ctx) => this.statuses(ctx));
    route('GET', '/commits/*ref/status', (ctx) => this.combinedStatus(ctx));
    route('GET', '/commits/*ref', (ctx) => this.commitReply(ctx));
    route('GET', '/actions/runs/:runId', (ctx) => this.workflowRun(ctx));
    route('GET', '/actions/variables/:name', (ctx, token) => this.variable(ctx, token));
    route('GET', '/compare/*spec', (ctx) => this.compare(ctx));
    route('GET', '/rules/branches/*branch', (ctx) => this.rules(ctx));
    route('GET', '/branches', (ctx) => this.refList(ctx, this.repo.graph.branches, (name) => ({ protected: this.repo.rules.has(name) })));
    route('GET', '/branches/*branch', (ctx) => this.branch(ctx));
    route('GET', '/tags', (ctx) => this.refList(ctx, this.repo.graph.tags, (name) => this.tagExtras(name)));
    route('GET', '/deployments', (ctx, token) => this.listDeployments(ctx, token));
    route('POST', '/deployments', (ctx, token) => this.createDeployment(ctx, token));
    route('GET', '/deployments/:deploymentId/statuses', (ctx, token) => this.listDeploymentStatuses(ctx, token));
    route('POST', '/deployments/:deploymentId/statuses', (ctx, token) => this.createDeploymentStatus(ctx, token));
  }

  match(method: string, path: string) {
    return this.router.match(method, path);
  }

  isMutating(method: string, path: string): boolean {
    return method === 'POST' && path.includes('/deployments');
  }

  authenticate(ctx: RequestContext): ForgeToken {
    const value = credentialOf(ctx.authorization, ['bearer', 'token']);
    if (value === undefined) throw githubError(401, 'Requires authentication');
    const token = this.repo.tokens.get(value);
    if (!token) throw githubError(401, 'Bad credentials');
    if (this.budgetOf(token).remaining <= 0) {
      throw githubError(403, 'API rate limit exceeded for installation. Wait for the limit to reset.', this.rateHeaders(token));
    }
    return token;
  }

  notFound(): Reply {
    return jsonReply(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  }

  /** ETag/304 on GETs; a 304 does not use up the rate limit. */
  finalize(ctx: RequestContext, reply: Reply, token: ForgeToken): Reply {
    const result = conditional(ctx.method, ctx.req.headers['if-none-match'], reply);
    const budget = this.budgetOf(token);
    if (!result.notModified && budget.remaining > 0) budget.remaining--;
    return { ...result.reply, headers: { ...result.reply.headers, ...this.rateHeaders(token) } };
  }

  private readonly jobBudget = { rateLimit: JOB_TOKEN_RATE_LIMIT, remaining: JOB_TOKEN_RATE_LIMIT };

  /** A GITHUB_TOKEN spends the repository's shared hourly budget; other tokens their own. */
  private budgetOf(token: ForgeToken): { rateLimit: number; remaining: number } {
    return token.jobToken ? this.jobBudget : token;
  }

  private rateHeaders(token: ForgeToken): Record<string, string> {
    const budget = this.budgetOf(token);
    return {
      'x-ratelimit-limit': String(budget.rateLimit),
      'x-ratelimit-remaining': String(budget.remaining),
      'x-ratelimit-reset': String(this.repo.rateLimitResetEpoch),
      'x-ratelimit-used': String(budget.rateLimit - budget.remaining),
      'x-ratelimit-resource': 'core',
    };
  }

  // --- JSON shapes ---

  private get apiRepoUrl(): string {
    return `${this.baseUrl()}/repos/${this.repo.owner}/${this.repo.repo}`;
  }

  private get htmlRepoUrl(): string {
    return `${this.baseUrl()}/${this.repo.owner}/${this.repo.repo}`;
  }

  private get bases(): GithubBases {
    return { api: this.baseUrl(), html: this.baseUrl() };
  }

  private get identity(): RepoIdentity {
    return { owner: this.repo.owner, repo: this.repo.repo, id: 1_296_269 };
  }

  private repositoryJson(): Record<string, unknown> {
    const { owner, repo } = this.repo;
    return {
      id: REPOSITORY_ID,
      node_id: 'R_sim',
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: { login: owner, id: 1, type: 'Organization' },
      private: true,
      visibility: 'private',
      html_url: this.htmlRepoUrl,
      url: this.apiRepoUrl,
      default_branch: this.repo.defaultBranch,
    };
  }

  private commitJson(commit: Commit): Record<string, unknown> {
    const person = { name: 'Sim Developer', email: 'dev@example.com', date: commit.date };
    return {
      sha: commit.sha,
      node_id: `C_${commit.sha.slice(0, 12)}`,
      url: `${this.apiRepoUrl}/commits/${commit.sha}`,
      html_url: `${this.htmlRepoUrl}/commit/${commit.sha}`,
      comments_url: `${this.apiRepoUrl}/commits/${commit.sha}/comments`,
      commit: { url: `${this.apiRepoUrl}/git/commits/${commit.sha}`, message: commit.message, author: person, committer: person, tree: this.treeJson(commit), comment_count: 0 },
      author: null,
      committer: null,
      parents: commit.parents.map((sha) => ({ sha, url: `${this.apiRepoUrl}/commits/${sha}`, html_url: `${this.htmlRepoUrl}/commit/${sha}` })),
    };
  }

  private treeJson(commit: Commit): Record<string, unknown> {
    const sha = commit.sha.split('').reverse().join('');
    return { sha, url: `${this.apiRepoUrl}/git/trees/${sha}` };
  }

  private checkRunJson({ row, step, sinceMs }: Visible<CheckRunRow>, sha: string): Record<string, unknown> {
    const completed = step.status === 'completed';
    const htmlUrl = `${this.htmlRepoUrl}/actions/runs/${row.suiteId}/job/${row.id}`;
    return {
      id: row.id,
      name: row.name,
      node_id: `CR_${row.id}`,
      head_sha: sha,
      external_id: '',
      url: `${this.apiRepoUrl}/check-runs/${row.id}`,
      html_url: htmlUrl,
      details_url: row.detailsUrl ?? htmlUrl,
      status: step.status,
      conclusion: completed ? step.conclusion : null,
      // Nullable: an app may create a queued run without a start time.
      started_at: step.status === 'queued' ? null : iso(row.createdAtMs),
      completed_at: completed ? iso(sinceMs) : null,
      output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${this.apiRepoUrl}/check-runs/${row.id}/annotations` },
      check_suite: { id: row.suiteId },
      app: githubApp(this.bases, row.app, row.app === 'github-actions' ? 'GitHub Actions' : row.app, 15_368),
      pull_requests: [],
    };
  }

  private statusJson({ row, step, sinceMs }: Visible<StatusRow>, sha: string): Record<string, unknown> {
    return {
      url: `${this.apiRepoUrl}/statuses/${sha}`,
      avatar_url: null,
      id: row.id,
      node_id: `SC_${row.id}`,
      state: step.state,
      description: step.description,
      target_url: row.targetUrl,
      context: row.context,
      created_at: iso(row.createdAtMs),
      updated_at: iso(sinceMs),
      creator: simpleUser(this.bases, 'ci-bot', 2, 'Bot'),
    };
  }

  // --- handlers ---

  /**
   * 422 like GitHub when a ref names no commit. GitHub documents SHA, `heads/B` and `tags/T`;
   * whether `refs/heads/B` resolves is unknown, so the stricter answer is modelled.
   */
  private commit(ref = ''): Commit {
    if (ref.startsWith('refs/')) throw githubError(422, `No commit found for SHA: ${ref}`);
    const commit = this.repo.graph.resolve(ref);
    if (!commit) throw githubError(422, `No commit found for SHA: ${ref}`);
    return commit;
  }

  /** Link headers name the repository by id, like GitHub's. */
  private paged(ctx: RequestContext, total: number, page: ReturnType<typeof readPage>): Record<string, string> {
    const path = ctx.path.replace(/^\/repos\/[^/]+\/[^/]+/, `/repositories/${REPOSITORY_ID}`);
    return pageHeaders(this.baseUrl(), path, ctx.query, PAGING, page, total, false);
  }

  /** `Accept: application/vnd.github.sha` answers with the bare SHA as text. */
  private commitReply(ctx: RequestContext): Reply {
    const commit = this.commit(ctx.params.ref);
    if (/application\/vnd\.github(?:\.v3)?\.sha/.test(String(ctx.req.headers.accept ?? ''))) {
      return { status: 200, headers: { 'content-type': 'application/vnd.github.sha; charset=utf-8' }, text: commit.sha };
    }
    return jsonReply(200, this.commitJson(commit));
  }

  private checkRuns(ctx: RequestContext): Reply {
    const commit = this.commit(ctx.params.ref);
    const page = readPage(ctx.query, PAGING);
    let rows = this.repo.checks.readCheckRuns(commit.sha, page.page === 1);
    // filter=latest (the default) keeps the newest run per name within a check suite.
    if ((ctx.query.filter ?? 'latest') === 'latest') rows = latestBy(rows, ({ row }) => `${row.name}\u0000${row.suiteId}`);
    const checkName = ctx.query.check_name;
    const status = ctx.query.status;
    if (checkName) rows = rows.filter(({ row }) => row.name === checkName);
    if (status) rows = rows.filter(({ step }) => step.status === status);
    const body = { total_count: rows.length, check_runs: slicePage(rows, page).map((row) => this.checkRunJson(row, commit.sha)) };
    return jsonReply(200, body, this.paged(ctx, rows.length, page));
  }

  private statuses(ctx: RequestContext): Reply {
    const commit = this.commit(ctx.params.ref);
    const page = readPage(ctx.query, PAGING);
    const rows = this.repo.checks.readStatuses(commit.sha, page.page === 1);
    return jsonReply(200, slicePage(rows, page).map((row) => this.statusJson(row, commit.sha)), this.paged(ctx, rows.length, page));
  }

  private combinedStatus(ctx: RequestContext): Reply {
    const commit = this.commit(ctx.params.ref);
    const page = readPage(ctx.query, PAGING);
    const latest = latestBy(this.repo.checks.readStatuses(commit.sha, page.page === 1), ({ row }) => row.context);
    const body = {
      state: combinedState(latest.map(({ step }) => step.state)),
      statuses: slicePage(latest, page).map((row) => this.statusJson(row, commit.sha)),
      sha: commit.sha,
      total_count: latest.length,
      repository: { id: 1_296_269, full_name: `${this.repo.owner}/${this.repo.repo}` },
      commit_url: `${this.apiRepoUrl}/commits/${commit.sha}`,
      url: `${this.apiRepoUrl}/commits/${commit.sha}/status`,
    };
    return jsonReply(200, body, this.paged(ctx, latest.length, page));
  }

  private workflowRun(ctx: RequestContext): Reply {
    const run = this.repo.run;
    if (!run || String(run.id) !== ctx.params.runId) throw githubError(404, 'Not Found');
    return jsonReply(200, {
      id: run.id,
      name: 'Release',
      head_branch: this.repo.defaultBranch,
      head_sha: run.headSha,
      run_number: 1,
      run_attempt: 1,
      event: 'push',
      status: run.status,
      conclusion: null,
      check_suite_id: run.checkSuiteId,
      check_suite_node_id: `CS_${run.checkSuiteId}`,
      url: `${this.apiRepoUrl}/actions/runs/${run.id}`,
      html_url: `${this.htmlRepoUrl}/actions/runs/${run.id}`,
      ...workflowRunDetails(this.bases, this.identity, { ...run, createdAt: iso(0) }),
    });
  }

  private variable(ctx: RequestContext, token: ForgeToken): Reply {
    // GITHUB_TOKEN has no variables permission at all.
    if (!token.variables) throw githubError(403, 'Resource not accessible by integration');
    const variable = this.repo.getVariable(ctx.params.name ?? '');
    if (!variable) throw githubError(404, 'Not Found');
    return jsonReply(200, { name: variable.name, value: variable.value, created_at: variable.createdAt, updated_at: variable.updatedAt });
  }

  private compare(ctx: RequestContext): Reply {
    const spec = ctx.params.spec ?? '';
    const split = spec.indexOf('...');
    if (split < 0) throw githubError(404, 'Not Found');
    const base = this.repo.graph.resolve(spec.slice(0, split));
    const head = this.repo.graph.resolve(spec.slice(split + 3));
    if (!base || !head) throw githubError(404, 'Not Found');
    const result = this.repo.graph.compare(base.sha, head.sha);
    if (!result.mergeBase) throw githubError(404, `No common ancestor between ${base.sha} and ${head.sha}.`);
    return jsonReply(200, {
      url: `${this.apiRepoUrl}/compare/${spec}`,
      html_url: `${this.htmlRepoUrl}/compare/${spec}`,
      permalink_url: `${this.htmlRepoUrl}/compare/${base.sha}...${head.sha}`,
      diff_url: `${this.htmlRepoUrl}/compare/${spec}.diff`,
      patch_url: `${this.htmlRepoUrl}/compare/${spec}.patch`,
      status: result.status,
      ahead_by: result.aheadBy,
      behind_by: result.behindBy,
      total_commits: result.aheadBy,
      base_commit: this.commitJson(base),
      merge_base_commit: this.commitJson(result.mergeBase),
      // GitHub lists at most 250 commits in a comparison.
      commits: result.aheadCommits.slice(0, 250).map((commit) => this.commitJson(commit)),
      files: [],
    });
  }

  /** Active rules for a branch, paginated like every GitHub list (default 30 a page). */
  private rules(ctx: RequestContext): Reply {
    const rules = this.rulesFor(ctx.params.branch ?? '');
    const page = readPage(ctx.query, PAGING);
    return jsonReply(200, slicePage(rules, page), this.paged(ctx, rules.length, page));
  }

  private rulesFor(branch: string): unknown[] {
    const contexts = this.repo.rules.get(branch);
    if (!contexts) return [];
    // Other rule types come first (as in org + repo rulesets), so required checks can sit on a later page.
    const filler = Array.from({ length: this.repo.rulesBefore }, (_, i) => ({
      type: i % 2 ? 'non_fast_forward' : 'deletion',
      ruleset_source_type: 'Organization',
      ruleset_source: this.repo.owner,
      ruleset_id: 100 + i,
    }));
    return [
      ...filler,
      {
        type: 'required_status_checks',
        ruleset_source_type: 'Repository',
        ruleset_source: `${this.repo.owner}/${this.repo.repo}`,
        ruleset_id: 1,
        parameters: {
          strict_required_status_checks_policy: false,
          do_not_enforce_on_create: false,
          required_status_checks: contexts.map((context) => ({ context })),
        },
      },
    ];
  }

  private branch(ctx: RequestContext): Reply {
    const name = ctx.params.branch ?? '';
    const sha = this.repo.graph.branches.get(name);
    const commit = sha === undefined ? undefined : this.repo.graph.get(sha);
    if (!commit) throw githubError(404, 'Branch not found');
    const contexts = this.repo.protection.get(name);
    return jsonReply(200, {
      name,
      commit: this.commitJson(commit),
      _links: { self: `${this.apiRepoUrl}/branches/${name}`, html: `${this.htmlRepoUrl}/tree/${name}` },
      protected: contexts !== undefined || this.repo.rules.has(name),
      // Schema branch-with-protection: `protection` is required.
      protection: contexts
        ? {
            enabled: true,
            required_status_checks: {
              enforcement_level: 'non_admins',
              contexts,
              checks: contexts.map((context) => ({ context, app_id: null })),
            },
          }
        : { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
      protection_url: `${this.apiRepoUrl}/branches/${name}/protection`,
    });
  }

  private tagExtras(name: string): Record<string, unknown> {
    return { zipball_url: `${this.apiRepoUrl}/zipball/refs/tags/${name}`, tarball_url: `${this.apiRepoUrl}/tarball/refs/tags/${name}`, node_id: `REF_${name}` };
  }

  private refList(ctx: RequestContext, refs: Map<string, string>, extras: (name: string) => Record<string, unknown>): Reply {
    const names = [...refs.keys()].sort();
    const page = readPage(ctx.query, PAGING);
    const list = slicePage(names, page).map((name) => {
      const sha = refs.get(name) as string;
      return { name, commit: { sha, url: `${this.apiRepoUrl}/commits/${sha}` }, ...extras(name) };
    });
    return jsonReply(200, list, this.paged(ctx, names.length, page));
  }

  private createDeployment(ctx: RequestContext, token: ForgeToken): Reply {
    if (!token.deployments) throw githubError(403, 'Resource not accessible by integration');
    const body = isRecord(ctx.body) ? ctx.body : {};
    const ref = typeof body.ref === 'string' ? body.ref : '';
    const commit = this.repo.graph.resolve(ref);
    if (!commit) throw githubError(422, `No ref found for: ${ref}`);
    const environment = typeof body.environment === 'string' ? body.environment : 'production';
    const deployment = this.repo.createDeployment({
      sha: commit.sha,
      ref,
      task: typeof body.task === 'string' && body.task !== '' ? body.task : 'deploy',
      environment,
      description: typeof body.description === 'string' ? body.description : null,
      payload: body.payload ?? {},
      productionEnvironment: typeof body.production_environment === 'boolean' ? body.production_environment : environment === 'production',
      transientEnvironment: body.transient_environment === true,
    });
    return jsonReply(201, this.deploymentJson(deployment));
  }

  private createDeploymentStatus(ctx: RequestContext, token: ForgeToken): Reply {
    if (!token.deployments) throw githubError(403, 'Resource not accessible by integration');
    const deployment = this.repo.deployments.get(Number(ctx.params.deploymentId));
    if (!deployment) throw githubError(404, 'Not Found');
    const body = isRecord(ctx.body) ? ctx.body : {};
    const state = typeof body.state === 'string' ? body.state : '';
    if (!DEPLOYMENT_STATES.has(state)) throw githubError(422, `Invalid request.\n\n${JSON.stringify(state)} is not a valid deployment state.`);
    const text = (field: string): string => (typeof body[field] === 'string' ? (body[field] as string) : '');
    const status = this.repo.addDeploymentStatus(deployment, { state, environment: text('environment') || deployment.environment, description: text('description'), environmentUrl: text('environment_url'), logUrl: text('log_url') });
    return jsonReply(201, this.deploymentStatusJson(deployment, status));
  }

  /** Newest first (GitHub documents this order); filters match exactly (environment: per scenario). */
  private listDeployments(ctx: RequestContext, token: ForgeToken): Reply {
    if (!token.deploymentsRead) throw githubError(403, 'Resource not accessible by integration');
    const { sha, ref, task, environment } = ctx.query;
    const fold = this.repo.deploymentEnvironmentMatch === 'case-insensitive' ? (name: string) => name.toLowerCase() : (name: string) => name;
    const rows = [...this.repo.deployments.values()]
      .filter((d) => (sha === undefined || d.sha === sha) && (ref === undefined || d.ref === ref) && (task === undefined || d.task === task) && (environment === undefined || fold(d.environment) === fold(environment)))
      .sort((a, b) => b.id - a.id);
    const page = readPage(ctx.query, PAGING);
    return jsonReply(200, slicePage(rows, page).map((d) => this.deploymentJson(d)), this.paged(ctx, rows.length, page));
  }

  private listDeploymentStatuses(ctx: RequestContext, token: ForgeToken): Reply {
    if (!token.deploymentsRead) throw githubError(403, 'Resource not accessible by integration');
    const deployment = this.repo.deployments.get(Number(ctx.params.deploymentId));
    if (!deployment) throw githubError(404, 'Not Found');
    const rows = [...deployment.statuses].sort((a, b) => b.id - a.id);
    const page = readPage(ctx.query, PAGING);
    return jsonReply(200, slicePage(rows, page).map((s) => this.deploymentStatusJson(deployment, s)), this.paged(ctx, rows.length, page));
  }

  /** Schema deployment. `updated_at` follows the newest status (assumed; GitHub does not document it). */
  private deploymentJson(deployment: Deployment): Record<string, unknown> {
    const url = `${this.apiRepoUrl}/deployments/${deployment.id}`;
    const newest = deployment.statuses[deployment.statuses.length - 1];
    return {
      url,
      id: deployment.id,
      node_id: `DE_${deployment.id}`,
      sha: deployment.sha,
      ref: deployment.ref,
      task: deployment.task,
      payload: deployment.payload,
      original_environment: deployment.environment,
      environment: deployment.environment,
      description: deployment.description,
      creator: simpleUser(this.bases, 'github-actions[bot]', 41_898_282, 'Bot'),
      created_at: deployment.createdAt,
      updated_at: newest?.createdAt ?? deployment.createdAt,
      statuses_url: `${url}/statuses`,
      repository_url: this.apiRepoUrl,
      transient_environment: deployment.transientEnvironment,
      production_environment: deployment.productionEnvironment,
    };
  }

  /** Schema deployment-status. */
  private deploymentStatusJson(deployment: Deployment, status: DeploymentStatus): Record<string, unknown> {
    const url = `${this.apiRepoUrl}/deployments/${deployment.id}`;
    return {
      url: `${url}/statuses/${status.id}`,
      id: status.id,
      node_id: `DES_${status.id}`,
      state: status.state,
      description: status.description,
      environment: status.environment,
      target_url: status.logUrl,
      log_url: status.logUrl,
      environment_url: status.environmentUrl,
      created_at: status.createdAt,
      updated_at: status.createdAt,
      deployment_url: url,
      repository_url: this.apiRepoUrl,
      creator: simpleUser(this.bases, 'github-actions[bot]', 41_898_282, 'Bot'),
    };
  }
}
