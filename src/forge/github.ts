// GitHub REST adapter: check runs and commit statuses, refs and ancestry, Actions
// variables (control token), rulesets and Deployments.
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import { arr, obj, optNum, optObj, optStr, reqStr, type Json } from '../util/shape.js';
import type { RunContext } from './context.js';
import { collectPages } from './paging.js';
import { RestForge } from './rest-forge.js';
import { checkRunState, commitStatusState } from './states.js';
import type { CheckRow, DeploymentRecorder, Forge, NamedRef, VariableRead } from './types.js';
import { readVariableWith } from './variables.js';

const PER_PAGE = 100;
const MAX_CHECK_PAGES = 50;
const HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

export class GitHubForge extends RestForge implements Forge {
  readonly kind = 'github' as const;
  readonly deployments: DeploymentRecorder;
  private ownSuite: Promise<number | null> | null = null;

  constructor(ctx: RunContext, api: HttpClient, control: HttpClient | null, onWarning: (message: string) => void) {
    super(ctx, api, control, onWarning, HEADERS);
    this.deployments = new GitHubDeployments(this.path(''), api);
  }

  async resolveRef(ref: string): Promise<string | null> {
    const res = await this.get(`/commits/${encodeURIComponent(ref)}`, `resolve ${ref}`, { accept: [404, 422] });
    if (res.status !== 200) return null;
    return reqStr(obj(res.data, 'commit'), 'sha', 'commit').toLowerCase();
  }

  async branchTip(branch: string): Promise<string | null> {
    const res = await this.get(`/branches/${encodeURIComponent(branch)}`, `read branch ${branch}`, { accept: [404] });
    if (res.status === 404) return null;
    return reqStr(obj(obj(res.data, 'branch').commit, 'branch commit'), 'sha', 'branch commit').toLowerCase();
  }

  async listRefs(kind: 'branch' | 'tag', limit: number): Promise<NamedRef[]> {
    const what = kind === 'branch' ? 'list branches' : 'list tags';
    const { items } = await collectPages(async (page) => {
      const res = await this.get(kind === 'branch' ? '/branches' : '/tags', what, { query: { per_page: PER_PAGE, page } });
      return { items: arr(res.data, what).map((r) => namedRef(obj(r, what), 'sha')) };
    }, Math.ceil(limit / PER_PAGE));
    return items.slice(0, limit);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean | null> {
    if (ancestor === descendant) return true;
    const res = await this.get(`/compare/${ancestor}...${descendant}`, `compare ${ancestor.slice(0, 7)}...${descendant.slice(0, 7)}`, {
      accept: [404, 422],
    });
    if (res.status !== 200) return null;
    const status = optStr(obj(res.data, 'comparison'), 'status');
    return status === 'ahead' || status === 'identical';
  }

  async readChecks(sha: string): Promise<CheckRow[]> {
    const suite = await this.currentSuite();
    const runs = await collectPages(async (page) => {
      const res = await this.get(`/commits/${sha}/check-runs`, 'read check runs', { query: { per_page: PER_PAGE, page, filter: 'all' }, conditional: true });
      const body = obj(res.data, 'check runs');
      return { items: arr(body.check_runs, 'check runs').map((r) => checkRunRow(obj(r, 'check run'), suite)), total: optNum(body, 'total_count') ?? undefined };
    }, MAX_CHECK_PAGES);
    const statuses = await collectPages(async (page) => {
      const res = await this.get(`/commits/${sha}/statuses`, 'read commit statuses', { query: { per_page: PER_PAGE, page }, conditional: true });
      return { items: arr(res.data, 'commit statuses').map((r) => statusRow(obj(r, 'commit status'))) };
    }, MAX_CHECK_PAGES);
    if (!runs.complete || !statuses.complete) this.onWarning(`More than ${MAX_CHECK_PAGES * PER_PAGE} check rows on ${sha.slice(0, 7)}; the rest were not read.`);
    return [...runs.items, ...statuses.items];
  }

  /** The check suite of this workflow run: its check runs are our own jobs, never waited on. */
  private currentSuite(): Promise<number | null> {
    this.ownSuite ??= (async () => {
      if (!this.ctx.runId) return null;
      try {
        const res = await this.get(`/actions/runs/${this.ctx.runId}`, 'read this workflow run');
        return optNum(obj(res.data, 'workflow run'), 'check_suite_id');
      } catch (err) {
        this.onWarning(`Could not read this workflow run to exclude its own check runs (${err instanceof Error ? err.message : String(err)}); if the required checks include this job, set \`required-checks\`.`);
        return null;
      }
    })();
    return this.ownSuite;
  }

  async requiredByRules(branch: string): Promise<string[]> {
    try {
      const res = await this.get(`/rules/branches/${encodeURIComponent(branch)}`, `read rules of ${branch}`, { accept: [403, 404] });
      if (res.status !== 200) return [];
      const contexts: string[] = [];
      for (const rule of arr(res.data, 'rules')) {
        const r = obj(rule, 'rule');
        if (r.type !== 'required_status_checks') continue;
        for (const c of arr(optObj(r, 'parameters')?.required_status_checks ?? [], 'required checks')) {
          const name = optStr(obj(c, 'required check'), 'context');
          if (name) contexts.push(name);
        }
      }
      return [...new Set(contexts)];
    } catch (err) {
      if (err instanceof HttpError) return [];
      throw err;
    }
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

function namedRef(o: Json, shaKey: 'sha' | 'id'): NamedRef {
  return { name: reqStr(o, 'name', 'ref'), sha: reqStr(obj(o.commit, 'ref commit'), shaKey, 'ref commit').toLowerCase() };
}

function checkRunRow(r: Json, ownSuite: number | null): CheckRow {
  const { state, raw } = checkRunState(optStr(r, 'status') ?? 'unknown', optStr(r, 'conclusion'));
  const suite = optNum(optObj(r, 'check_suite'), 'id');
  return {
    name: reqStr(r, 'name', 'check run'),
    kind: 'check-run',
    state,
    raw,
    url: optStr(r, 'html_url') ?? optStr(r, 'details_url'),
    id: optNum(r, 'id') ?? 0,
    at: optStr(r, 'started_at') ?? optStr(r, 'completed_at') ?? '',
    ownRun: ownSuite !== null && suite === ownSuite,
  };
}

function statusRow(r: Json): CheckRow {
  const { state, raw } = commitStatusState(optStr(r, 'state') ?? '');
  return {
    name: reqStr(r, 'context', 'commit status'),
    kind: 'status',
    state,
    raw,
    url: optStr(r, 'target_url'),
    id: optNum(r, 'id') ?? 0,
    at: optStr(r, 'updated_at') ?? optStr(r, 'created_at') ?? '',
    ownRun: false,
  };
}

class GitHubDeployments implements DeploymentRecorder {
  constructor(
    private readonly base: string,
    private readonly api: HttpClient,
  ) {}

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
        production_environment: true,
        transient_environment: false,
      },
      retries: 0,
    });
    const id = optNum(obj(res.data, 'deployment'), 'id');
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

