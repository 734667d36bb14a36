// Gitea REST adapter (also Forgejo): commit statuses only (no check runs), states in
// the `status` field, silently clamped page sizes, variables in `data`, and a compare
// endpoint without ahead/behind — ancestry is decided from the commits it lists.
import type { HttpClient } from '../http/client.js';
import { arr, obj, optNum, optStr, reqStr, type Json } from '../util/shape.js';
import type { RunContext } from './context.js';
import { collectPages } from './paging.js';
import { RestForge } from './rest-forge.js';
import { commitStatusState } from './states.js';
import { NO_REQUIREMENTS, type BranchRequirements, type CheckRow, type Forge, type NamedRef, type VariableRead } from './types.js';
import { readVariableWith } from './variables.js';

/** Asked for; the server may clamp it (often to 50) without saying so. */
const LIMIT = 100;
const MAX_STATUS_PAGES = 100;
const HEADERS = { accept: 'application/json' };

export class GiteaForge extends RestForge implements Forge {
  readonly kind = 'gitea' as const;
  readonly deployments = null;

  constructor(ctx: RunContext, api: HttpClient, control: HttpClient | null, onWarning: (message: string) => void) {
    super(ctx, api, control, onWarning, HEADERS);
  }

  async resolveRef(ref: string): Promise<string | null> {
    if (/^[0-9a-f]{7,40}$/i.test(ref)) {
      const res = await this.get(`/git/commits/${ref}`, `resolve ${ref}`, { accept: [404, 422] });
      if (res.status === 200) return reqStr(obj(res.data, 'commit'), 'sha', 'commit').toLowerCase();
    }
    const branch = await this.branchTip(ref);
    if (branch) return branch;
    const tag = await this.get(`/tags/${encodeURIComponent(ref)}`, `resolve tag ${ref}`, { accept: [404] });
    if (tag.status === 200) return reqStr(obj(obj(tag.data, 'tag').commit, 'tag commit'), 'sha', 'tag commit').toLowerCase();
    return null;
  }

  async branchTip(branch: string): Promise<string | null> {
    const res = await this.get(`/branches/${encodeURIComponent(branch)}`, `read branch ${branch}`, { accept: [404] });
    if (res.status === 404) return null;
    return reqStr(obj(obj(res.data, 'branch').commit, 'branch commit'), 'id', 'branch commit').toLowerCase();
  }

  async listRefs(kind: 'branch' | 'tag', limit: number): Promise<NamedRef[]> {
    const what = kind === 'branch' ? 'list branches' : 'list tags';
    const { items } = await collectPages(async (page) => {
      const res = await this.get(kind === 'branch' ? '/branches' : '/tags', what, { query: { page, limit: LIMIT } });
      const rows = arr(res.data, what).map((r) => {
        const o = obj(r, what);
        const commit = obj(o.commit, 'ref commit');
        return { name: reqStr(o, 'name', 'ref'), sha: (optStr(commit, 'id') ?? reqStr(commit, 'sha', 'ref commit')).toLowerCase() };
      });
      return { items: rows, total: totalCount(res.headers) };
    }, Math.ceil(limit / 10));
    return items.slice(0, limit);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean | null> {
    if (ancestor === descendant) return true;
    // Commits reachable from `ancestor` but not from `descendant`: none means it is an ancestor.
    const res = await this.get(`/compare/${descendant}...${ancestor}`, `compare ${descendant.slice(0, 7)}...${ancestor.slice(0, 7)}`, {
      accept: [404, 422],
    });
    if (res.status !== 200) return null;
    const body = obj(res.data, 'comparison');
    const total = optNum(body, 'total_commits') ?? (Array.isArray(body.commits) ? body.commits.length : null);
    return total === null ? null : total === 0;
  }

  async readChecks(sha: string): Promise<CheckRow[]> {
    const { items, complete } = await collectPages(async (page) => {
      const res = await this.get(`/commits/${sha}/statuses`, 'read commit statuses', { query: { page, limit: LIMIT }, conditional: true });
      return { items: arr(res.data, 'commit statuses').map((r) => this.statusRow(obj(r, 'commit status'))), total: totalCount(res.headers) };
    }, MAX_STATUS_PAGES);
    if (!complete) this.onWarning(`More than ${MAX_STATUS_PAGES} pages of statuses on ${sha.slice(0, 7)}; the rest were not read.`);
    return items;
  }

  /** Branch protection's required contexts, from the branch answer (readable with repo read; only /branch_protections needs admin). They are globs. */
  async requiredChecks(branch: string): Promise<BranchRequirements> {
    const res = await this.get(`/branches/${encodeURIComponent(branch)}`, `read branch ${branch}`, { accept: [404] });
    if (res.status === 404) return NO_REQUIREMENTS;
    const b = obj(res.data, 'branch');
    if (b.enable_status_check !== true) return NO_REQUIREMENTS;
    const patterns = arr(b.status_check_contexts ?? [], 'status check contexts').filter((c): c is string => typeof c === 'string' && c !== '');
    return patterns.length > 0 ? { contexts: [], patterns, sources: ['branch protection'] } : NO_REQUIREMENTS;
  }

  readVariable(name: string): Promise<VariableRead> {
    return readVariableWith(this.control, this.path(`/actions/variables/${encodeURIComponent(name)}`), HEADERS, 'data', {
      forbiddenHint: 'Gitea lets only the repository owner or an admin read Actions variables: make control-token a token of such a user with read:repository scope',
    });
  }

  commitUrl(sha: string): string {
    return `${this.serverUrl}/${this.repo}/commit/${sha}`;
  }

  runUrl(): string | null {
    const run = this.ctx.runNumber ?? this.ctx.runId;
    return run ? `${this.serverUrl}/${this.repo}/actions/runs/${run}` : null;
  }

  /** A status of this run: its target_url points at this run (by number or id), or, lacking a URL, its context is this workflow's. */
  private statusRow(r: Json): CheckRow {
    const { state, raw } = commitStatusState(optStr(r, 'status') ?? optStr(r, 'state') ?? '');
    const name = reqStr(r, 'context', 'commit status');
    const url = optStr(r, 'target_url');
    return {
      name,
      kind: 'status',
      state,
      raw,
      url,
      id: optNum(r, 'id') ?? 0,
      at: optStr(r, 'updated_at') ?? optStr(r, 'created_at') ?? '',
      ownRun: this.isOwnRun(name, url),
    };
  }

  private isOwnRun(context: string, url: string | null): boolean {
    const runs = [this.ctx.runNumber, this.ctx.runId].filter((x): x is string => !!x);
    if (url) {
      let path: string;
      try {
        path = new URL(url, this.serverUrl).pathname;
      } catch {
        return false;
      }
      return runs.some((run) => path.startsWith(`/${this.repo}/actions/runs/${run}/`) || path === `/${this.repo}/actions/runs/${run}`);
    }
    const wf = this.ctx.workflow;
    const ev = this.ctx.eventName;
    return !!wf && !!ev && context.startsWith(`${wf} / `) && context.endsWith(`(${ev})`);
  }
}

function totalCount(headers: Record<string, string>): number | undefined {
  const n = Number(headers['x-total-count']);
  return Number.isFinite(n) && headers['x-total-count'] !== undefined ? n : undefined;
}
