// GitHub REST adapter: check runs and commit statuses, refs and ancestry, Actions
// variables (control token), rulesets and branch protection, and Deployments.
import type { components } from '@octokit/openapi-types';
import type { HttpClient, HttpResponse, RequestOptions } from '../http/client.js';
import { isHttpStatus } from '../http/errors.js';
import { arr, obj, optNum, optObj, optStr, reqStr, type Json } from '../util/shape.js';
import type { RunContext } from './context.js';
import { followLinks } from './paging.js';
import { RestForge, type GetOptions } from './rest-forge.js';
import { checkRunState, commitStatusState } from './states.js';
import type { BranchRequirements, CheckRow, DeploymentRecorder, Forge, NamedRef, StageDeployment, VariableRead } from './types.js';
import { readVariableWith } from './variables.js';

type Schemas = components['schemas'];
/** A field name the GitHub schema declares (checked by the compiler); its value is still checked at run time. */
const fieldOf =
  <T>() =>
  <K extends keyof T & string>(key: K): K =>
    key;
const CHECK_RUN = fieldOf<Schemas['check-run']>();
const STATUS = fieldOf<Schemas['status']>();
const BRANCH = fieldOf<Schemas['branch-with-protection']>();
const PROTECTION = fieldOf<Schemas['branch-protection']>();
const REQUIRED = fieldOf<Schemas['protected-branch-required-status-check']>();
const RULE_CHECKS = fieldOf<NonNullable<Schemas['repository-rule-required-status-checks']['parameters']>>();
const RULE_CHECK = fieldOf<Schemas['repository-rule-params-status-check-configuration']>();
const COMPARISON = fieldOf<Schemas['commit-comparison']>();
const WORKFLOW_RUN = fieldOf<Schemas['workflow-run']>();
const DEPLOYMENT = fieldOf<Schemas['deployment']>();
const DEPLOYMENT_STATUS = fieldOf<Schemas['deployment-status']>();
const APP = fieldOf<NonNullable<Schemas['integration']>>();

const PER_PAGE = 100;
const MAX_CHECK_PAGES = 50;
const MAX_RULE_PAGES = 10;
/** Deployments of one SHA to one environment, and statuses of one deployment: more is not a real history. */
const MAX_DEPLOYMENT_PAGES = 5;
/** GitHub answers a renamed repository or branch with a redirect, which undici does not follow. */
const REDIRECTS = [301, 302, 307, 308];
const HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

export class GitHubForge extends RestForge implements Forge {
  readonly kind = 'github' as const;
  readonly deployments: DeploymentRecorder;
  private ownSuite: Promise<number | null> | null = null;

  constructor(ctx: RunContext, api: HttpClient, control: HttpClient | null, onWarning: (message: string) => void) {
    super(ctx, api, control, onWarning, HEADERS);
    this.deployments = new GitHubDeployments(this.path(''), api, (rest, what, query, rows, signal) => this.list(rest, what, query, rows, MAX_DEPLOYMENT_PAGES, { signal }));
  }

  async resolveRef(ref: string): Promise<string | null> {
    // GitHub documents SHA, `heads/B` and `tags/T` here, not `refs/heads/B`.
    const name = ref.replace(/^refs\/(?=heads\/|tags\/)/, '');
    // The sha media type answers with the bare SHA instead of a commit with up to 300 file patches.
    const res = await this.send({
      method: 'GET',
      url: this.path(`/commits/${encodeURIComponent(name)}`),
      what: `resolve ${ref}`,
      headers: { ...HEADERS, accept: 'application/vnd.github.sha' },
      accept: [404, 422],
    });
    if (res.status !== 200) return null;
    const sha = typeof res.data === 'string' ? res.data.trim() : '';
    if (!/^[0-9a-f]{40}$/i.test(sha)) throw new Error(`resolve ${ref}: unexpected answer (not a commit SHA)`);
    return sha.toLowerCase();
  }

  async branchTip(branch: string): Promise<string | null> {
    const data = await this.readBranch(branch);
    return data === null ? null : reqStr(obj(data.commit, 'branch commit'), 'sha', 'branch commit').toLowerCase();
  }

  private async readBranch(branch: string): Promise<Json | null> {
    const res = await this.get(`/branches/${encodeURIComponent(branch)}`, `read branch ${branch}`, { accept: [404] });
    return res.status === 404 ? null : obj(res.data, 'branch');
  }

  async listRefs(kind: 'branch' | 'tag', limit: number): Promise<NamedRef[]> {
    const what = kind === 'branch' ? 'list branches' : 'list tags';
    const { items } = await this.list(kind === 'branch' ? '/branches' : '/tags', what, {}, (data) => arr(data, what).map((r) => namedRef(obj(r, what))), Math.ceil(limit / PER_PAGE));
    return items.slice(0, limit);
  }

  protected override get<T = unknown>(rest: string, what: string, extra: GetOptions = {}): Promise<HttpResponse<T>> {
    return this.send<T>({ method: 'GET', url: this.path(rest), what, headers: HEADERS, ...extra });
  }

  /** A GET that follows one redirect on the API's own origin (a renamed repository or branch; never the token elsewhere). */
  private async send<T>(req: RequestOptions): Promise<HttpResponse<T>> {
    const res = await this.api.send<T>({ ...req, accept: [...(req.accept ?? []), ...REDIRECTS] });
    if (!REDIRECTS.includes(res.status)) return res;
    const origin = new URL(this.ctx.apiUrl).origin;
    const location = res.headers.location;
    const target = location ? new URL(location, origin) : null;
    if (!target) throw new Error(`${req.what} failed: HTTP ${res.status} without a Location`);
    if (target.origin !== origin) throw new Error(`${req.what} failed: redirected off ${origin} (to ${target.origin}); not followed`);
    return this.api.send<T>({ ...req, url: target.toString() }); // a second redirect is an error
  }

  /**
   * Every page of a GitHub list, following the `Link` header's rel="next" (its URL may name
   * /repositories/{id}/…); stops when there is none. Next URLs must stay on the API origin.
   */
  private async list<T>(rest: string, what: string, query: Record<string, string | number>, rows: (data: unknown) => T[], maxPages: number, extra: { conditional?: boolean; maxRateLimitWaitMs?: number; signal?: AbortSignal } = {}) {
    return followLinks(this.ctx.apiUrl, this.path(rest), { ...query, per_page: PER_PAGE }, maxPages, async (url, q) => {
      const res = await this.send({ method: 'GET', url, what, headers: HEADERS, query: q, ...extra });
      return { items: rows(res.data), link: res.headers.link };
    });
  }

  async isAncestor(ancestor: string, descendant: string, likely = false): Promise<boolean | null> {
    if (ancestor === descendant) return true;
    // The comparison lists the commits head has over base (up to 250, with file patches): put the
    // commit expected to be older as head, so the common answer comes with an empty list.
    const [base, head] = likely ? [descendant, ancestor] : [ancestor, descendant];
    const res = await this.get(`/compare/${base}...${head}`, `compare ${base.slice(0, 7)}...${head.slice(0, 7)}`, { accept: [404, 422] });
    if (res.status !== 200) return null;
    const status = optStr(obj(res.data, 'comparison'), COMPARISON('status'));
    return status === 'identical' || status === (likely ? 'behind' : 'ahead');
  }

  async readChecks(sha: string): Promise<CheckRow[]> {
    const suite = await this.currentSuite();
    // Rate-limit waits go to the checks gate, which knows its deadline.
    const extra = { conditional: true, maxRateLimitWaitMs: 0 };
    const runs = await this.list(`/commits/${sha}/check-runs`, 'read check runs', { filter: 'all' }, (data) => arr(obj(data, 'check runs').check_runs, 'check runs').map((r) => checkRunRow(obj(r, 'check run'), suite)), MAX_CHECK_PAGES, extra);
    const statuses = await this.list(`/commits/${sha}/statuses`, 'read commit statuses', {}, (data) => arr(data, 'commit statuses').map((r) => statusRow(obj(r, 'commit status'))), MAX_CHECK_PAGES, extra);
    if (!runs.complete || !statuses.complete) this.onWarning(`More than ${MAX_CHECK_PAGES * PER_PAGE} check rows on ${sha.slice(0, 7)}; the rest were not read.`);
    return [...runs.items, ...statuses.items];
  }

  /** The check suite of this workflow run: its check runs are our own jobs, never waited on. */
  private currentSuite(): Promise<number | null> {
    this.ownSuite ??= (async () => {
      if (!this.ctx.runId) return null;
      try {
        const res = await this.get(`/actions/runs/${this.ctx.runId}`, 'read this workflow run');
        return optNum(obj(res.data, 'workflow run'), WORKFLOW_RUN('check_suite_id'));
      } catch (err) {
        this.onWarning(`Could not read this workflow run to exclude its own check runs (${err instanceof Error ? err.message : String(err)}); if the required checks include this job, set \`required-checks\`.`);
        return null;
      }
    })();
    return this.ownSuite;
  }

  /**
   * Contexts required by rulesets (`GET /rules/branches/{b}`, every page) and by classic branch
   * protection (`protection.required_status_checks` of `GET /branches/{b}`). Only "there are none
   * for this token" (404, a plan-restricted 403) counts as none; anything else throws.
   */
  async requiredChecks(branch: string): Promise<BranchRequirements> {
    const contexts = new Set<string>();
    const apps: Record<string, number> = {};
    const sources: string[] = [];
    const wait = { maxRateLimitWaitMs: 0 };
    try {
      const { items } = await this.list(`/rules/branches/${encodeURIComponent(branch)}`, `read the rules of ${branch}`, {}, (data) => rulesetContexts(data), MAX_RULE_PAGES, wait);
      if (items.length > 0) sources.push('ruleset');
      for (const c of items) {
        contexts.add(c.context);
        if (c.app !== null) apps[c.context] = c.app;
      }
    } catch (err) {
      if (!(isHttpStatus(err, 403, 404) && !err.rateLimited)) throw err;
      this.onWarning(`Could not read the rulesets of ${branch} (${err.detail}); only branch protection and reported checks are required.`);
    }
    const data = await this.readBranch(branch);
    const required = optObj(optObj(data, BRANCH('protection')), PROTECTION('required_status_checks'));
    if (data?.[BRANCH('protected')] === true && !required && sources.length === 0) {
      this.onWarning(`${branch} is protected, but the branch answer shows no required checks to this token; if the protection requires some, name them in \`required-checks\`.`);
    }
    const fromProtection = arr(required?.[REQUIRED('contexts')] ?? [], 'required contexts').filter((c): c is string => typeof c === 'string' && c !== '');
    for (const c of arr(required?.[REQUIRED('checks')] ?? [], 'required checks')) {
      const check = obj(c, 'required check');
      const name = optStr(check, 'context');
      if (!name) continue;
      fromProtection.push(name);
      const app = optNum(check, 'app_id');
      if (app !== null) apps[name] ??= app;
    }
    if (fromProtection.length > 0) sources.push('branch protection');
    for (const c of fromProtection) contexts.add(c);
    return { contexts: [...contexts], patterns: [], sources, apps };
  }

  readVariable(name: string): Promise<VariableRead> {
    return readVariableWith(this.control, this.path(`/actions/variables/${encodeURIComponent(name)}`), HEADERS, 'value', {
      forbiddenHint: 'the control-token needs the fine-grained "Variables: read" repository permission (or a GitHub App with actions_variables:read)',
    });
  }

  commitUrl(sha: string): string {
    return `${this.serverUrl}/${this.repo}/commit/${sha}`;
  }

  runUrl(): string | null {
    return this.ctx.runId ? `${this.serverUrl}/${this.repo}/actions/runs/${this.ctx.runId}` : null;
  }
}

function deploymentId(d: Json): number {
  const id = optNum(d, DEPLOYMENT('id'));
  if (id === null) throw new Error('a deployment in the list had no id');
  return id;
}

function deploymentStatus(r: Json): StageDeployment['statuses'][number] {
  const id = optNum(r, DEPLOYMENT_STATUS('id'));
  if (id === null) throw new Error('a deployment status had no id');
  return {
    id,
    state: reqStr(r, DEPLOYMENT_STATUS('state'), 'deployment status'),
    createdAt: reqStr(r, DEPLOYMENT_STATUS('created_at'), 'deployment status'),
    // log_url is the newer name; target_url its older alias.
    logUrl: optStr(r, DEPLOYMENT_STATUS('log_url')) || optStr(r, DEPLOYMENT_STATUS('target_url')) || null,
  };
}

function namedRef(o: Json): NamedRef {
  return { name: reqStr(o, 'name', 'ref'), sha: reqStr(obj(o.commit, 'ref commit'), 'sha', 'ref commit').toLowerCase() };
}

/** Contexts of the `required_status_checks` rules on one page of `GET /rules/branches/{b}`. */
function rulesetContexts(data: unknown): Array<{ context: string; app: number | null }> {
  const out: Array<{ context: string; app: number | null }> = [];
  for (const rule of arr(data, 'rules')) {
    const r = obj(rule, 'rule');
    if (r.type !== 'required_status_checks') continue;
    for (const c of arr(optObj(r, 'parameters')?.[RULE_CHECKS('required_status_checks')] ?? [], 'required checks')) {
      const check = obj(c, 'required check');
      const name = optStr(check, RULE_CHECK('context'));
      if (name) out.push({ context: name, app: optNum(check, RULE_CHECK('integration_id')) });
    }
  }
  return out;
}

function checkRunRow(r: Json, ownSuite: number | null): CheckRow {
  const { state, raw } = checkRunState(optStr(r, CHECK_RUN('status')) ?? 'unknown', optStr(r, CHECK_RUN('conclusion')));
  const suite = optNum(optObj(r, CHECK_RUN('check_suite')), 'id');
  const app = optNum(optObj(r, CHECK_RUN('app')), APP('id'));
  return {
    name: reqStr(r, CHECK_RUN('name'), 'check run'),
    kind: 'check-run',
    state,
    raw,
    url: optStr(r, CHECK_RUN('html_url')) ?? optStr(r, CHECK_RUN('details_url')),
    id: optNum(r, CHECK_RUN('id')) ?? 0,
    at: optStr(r, CHECK_RUN('started_at')) ?? optStr(r, CHECK_RUN('completed_at')) ?? '',
    source: `app:${app ?? '?'}/suite:${suite ?? '?'}`,
    ...(app !== null ? { appId: app } : {}),
    ownRun: ownSuite !== null && suite === ownSuite,
  };
}

function statusRow(r: Json): CheckRow {
  const { state, raw } = commitStatusState(optStr(r, STATUS('state')) ?? '');
  return {
    name: reqStr(r, STATUS('context'), 'commit status'),
    kind: 'status',
    state,
    raw,
    url: optStr(r, STATUS('target_url')),
    id: optNum(r, STATUS('id')) ?? 0,
    at: optStr(r, STATUS('updated_at')) ?? optStr(r, STATUS('created_at')) ?? '',
    ownRun: false,
  };
}

/** Every page of a repository list (Link paging, same-origin redirects, the forge's headers), up to a cap. */
type ListReader = <T>(rest: string, what: string, query: Record<string, string | number>, rows: (data: unknown) => T[], signal?: AbortSignal) => Promise<{ items: T[]; complete: boolean }>;

class GitHubDeployments implements DeploymentRecorder {
  constructor(
    private readonly base: string,
    private readonly api: HttpClient,
    private readonly list: ListReader,
  ) {}

  /**
   * The deployment list is filtered by sha and environment; the newest is the highest id (the
   * documented newest-first order is not relied on). A list cut off at the page cap throws:
   * the newest row could be on a page not read.
   */
  async latestOf(sha: string, environment: string, signal?: AbortSignal): Promise<StageDeployment | null> {
    const what = `list the ${environment} deployments of ${sha.slice(0, 7)}`;
    const found = await this.list('/deployments', what, { sha, environment }, (data) => arr(data, 'deployments').map((d) => obj(d, 'deployment')), signal);
    if (!found.complete) throw new Error(`${what}: more than ${MAX_DEPLOYMENT_PAGES * PER_PAGE} deployments; the newest cannot be told`);
    // The filters are re-applied in case a server ignores one; environment names are case-insensitive on GitHub.
    const rows = found.items.filter((d) => optStr(d, DEPLOYMENT('sha'))?.toLowerCase() === sha.toLowerCase() && optStr(d, DEPLOYMENT('environment'))?.toLowerCase() === environment.toLowerCase());
    const newest = rows.reduce<Json | null>((best, d) => (best === null || deploymentId(d) > deploymentId(best) ? d : best), null);
    if (newest === null) return null;
    const id = deploymentId(newest);
    const statusWhat = `list the statuses of deployment ${id}`;
    const statuses = await this.list(`/deployments/${id}/statuses`, statusWhat, {}, (data) => arr(data, 'deployment statuses').map((r) => deploymentStatus(obj(r, 'deployment status'))), signal);
    if (!statuses.complete) throw new Error(`${statusWhat}: more than ${MAX_DEPLOYMENT_PAGES * PER_PAGE} statuses; the newest cannot be told`);
    return {
      id,
      sha: reqStr(newest, DEPLOYMENT('sha'), 'deployment').toLowerCase(),
      environment: reqStr(newest, DEPLOYMENT('environment'), 'deployment'),
      createdAt: reqStr(newest, DEPLOYMENT('created_at'), 'deployment'),
      url: optStr(newest, DEPLOYMENT('url')),
      statuses: statuses.items.sort((a, b) => b.id - a.id),
    };
  }

  async create(input: { sha: string; environment: string; description: string }): Promise<number> {
    const res = await this.api.send({
      method: 'POST',
      url: `${this.base}/deployments`,
      what: 'record a GitHub deployment',
      headers: HEADERS,
      json: {
        ref: input.sha,
        environment: input.environment,
        description: input.description,
        required_contexts: [],
        auto_merge: false,
        // GitHub's own default: only an environment named production is one.
        production_environment: input.environment === 'production',
        transient_environment: false,
      },
      retries: 0,
    });
    const id = optNum(obj(res.data, 'deployment'), DEPLOYMENT('id'));
    if (id === null) throw new Error('the deployment answer had no id');
    return id;
  }

  async status(id: number, input: { state: 'in_progress' | 'success' | 'failure' | 'inactive'; logUrl?: string; description: string }, signal?: AbortSignal): Promise<void> {
    await this.api.send({
      method: 'POST',
      url: `${this.base}/deployments/${id}/statuses`,
      what: `set deployment status ${input.state}`,
      headers: HEADERS,
      json: { state: input.state, log_url: input.logUrl, description: input.description.slice(0, 140), auto_inactive: true },
      retries: 0,
      signal,
    });
  }
}

