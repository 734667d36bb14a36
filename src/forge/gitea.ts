// Gitea REST adapter (also Forgejo): commit statuses only (no check runs), states in
// the `status` field, silently clamped page sizes, variables in `data` (owner or site
// admin only), and ancestry from the commit list (`git log A --not D`), because 1.22's
// compare endpoint takes branch and tag names only.
import type { ActionVariable, Branch, Commit, CommitMeta, CommitStatus, PayloadCommit, Tag } from 'gitea-js';
import type { HttpClient } from '../http/client.js';
import { arr, optStr } from '../util/shape.js';
import type { RunContext } from './context.js';
import { giteaJson, giteaList, type GiteaJson } from './gitea-json.js';
import { collectPages } from './paging.js';
import { RestForge } from './rest-forge.js';
import { commitStatusState } from './states.js';
import { NO_REQUIREMENTS, type BranchRequirements, type CheckRow, type Forge, type NamedRef, type VariableRead } from './types.js';
import { readVariableWith } from './variables.js';

/** Asked for; the server may clamp it (often to 50) without saying so. */
const LIMIT = 100;
const MAX_STATUS_PAGES = 100;
const HEADERS = { accept: 'application/json' };
/** Per-commit extras Gitea computes by default (diff stats, signatures, file lists); none is read here. */
const LEAN_COMMIT = { stat: 'false', verification: 'false', files: 'false' } as const;
/** Oldest row first by the per-commit index: new rows land on the last page, so pages do not shift while read. */
const STATUS_SORT = 'leastindex';
/** The variable field this adapter reads (typed against gitea-js). */
const VARIABLE_FIELD: keyof ActionVariable & 'data' = 'data';

export class GiteaForge extends RestForge implements Forge {
  readonly kind = 'gitea' as const;
  readonly deployments = null;

  constructor(ctx: RunContext, api: HttpClient, control: HttpClient | null, onWarning: (message: string) => void) {
    super(ctx, api, control, onWarning, HEADERS);
  }

  async resolveRef(ref: string): Promise<string | null> {
    // A full ref names its kind: look only there (Gitea's branch and tag routes take bare names).
    const full = /^refs\/(heads|tags)\/(.+)$/.exec(ref);
    if (full) return full[1] === 'heads' ? this.branchTip(full[2] as string) : this.tagTip(full[2] as string);
    if (/^[0-9a-f]{7,40}$/i.test(ref)) {
      const res = await this.get(`/git/commits/${ref}`, `resolve ${ref}`, { accept: [404, 422], query: LEAN_COMMIT });
      if (res.status === 200) return giteaJson<Commit>(res.data, 'commit').str('sha').toLowerCase();
    }
    return (await this.branchTip(ref)) ?? (await this.tagTip(ref));
  }

  private async tagTip(tag: string): Promise<string | null> {
    const res = await this.get(`/tags/${encodeURIComponent(tag)}`, `resolve tag ${tag}`, { accept: [404] });
    if (res.status !== 200) return null;
    return giteaJson<Tag>(res.data, 'tag').obj<CommitMeta>('commit', 'tag commit').str('sha').toLowerCase();
  }

  async branchTip(branch: string): Promise<string | null> {
    const res = await this.get(`/branches/${encodeURIComponent(branch)}`, `read branch ${branch}`, { accept: [404] });
    if (res.status === 404) return null;
    return giteaJson<Branch>(res.data, 'branch').obj<PayloadCommit>('commit', 'branch commit').str('id').toLowerCase();
  }

  async listRefs(kind: 'branch' | 'tag', limit: number): Promise<NamedRef[]> {
    const what = kind === 'branch' ? 'list branches' : 'list tags';
    const { items } = await collectPages(async (page) => {
      const res = await this.get(kind === 'branch' ? '/branches' : '/tags', what, { query: { page, limit: LIMIT } });
      const rows =
        kind === 'branch'
          ? giteaList<Branch>(res.data, what).map((b) => ({ name: b.str('name'), sha: b.obj<PayloadCommit>('commit', 'branch commit').str('id').toLowerCase() }))
          : giteaList<Tag>(res.data, what).map((t) => ({ name: t.str('name'), sha: t.obj<CommitMeta>('commit', 'tag commit').str('sha').toLowerCase() }));
      return { items: rows, total: totalCount(res.headers) };
    }, Math.ceil(limit / 10));
    return items.slice(0, limit);
  }

  /**
   * `git log <ancestor> --not <descendant>` through the commit list: nothing listed means
   * the ancestor is reachable from the descendant. Works on 1.22 (whose compare refuses
   * SHAs) and later, in one small request. An answer that does not settle it is null.
   */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean | null> {
    if (ancestor === descendant) return true;
    const res = await this.get('/commits', `check ${ancestor.slice(0, 7)} is in the history of ${descendant.slice(0, 7)}`, {
      query: { sha: ancestor, not: descendant, limit: 1, page: 1, ...LEAN_COMMIT },
      accept: [404, 409, 422],
    });
    if (res.status !== 200 || !Array.isArray(res.data)) return null;
    const total = totalCount(res.headers);
    if (res.data.length === 0) return total === undefined || total === 0 ? true : null;
    return false;
  }

  async readChecks(sha: string): Promise<CheckRow[]> {
    const { items, complete } = await collectPages(async (page) => {
      const res = await this.get(`/commits/${sha}/statuses`, 'read commit statuses', { query: { sort: STATUS_SORT, page, limit: LIMIT }, conditional: true });
      return { items: giteaList<CommitStatus>(res.data, 'commit status').map((r) => this.statusRow(r)), total: totalCount(res.headers) };
    }, MAX_STATUS_PAGES);
    if (!complete) this.onWarning(`More than ${MAX_STATUS_PAGES} pages of statuses on ${sha.slice(0, 7)}; the rest were not read.`);
    return items;
  }

  /** Branch protection's required contexts, from the branch answer (readable with repo read; only /branch_protections needs admin). They are globs. */
  async requiredChecks(branch: string): Promise<BranchRequirements> {
    const res = await this.get(`/branches/${encodeURIComponent(branch)}`, `read branch ${branch}`, { accept: [404] });
    if (res.status === 404) return NO_REQUIREMENTS;
    const b = giteaJson<Branch>(res.data, 'branch').raw;
    const enabled: keyof Branch = 'enable_status_check';
    const contexts: keyof Branch = 'status_check_contexts';
    if (b[enabled] !== true) return NO_REQUIREMENTS;
    const patterns = arr(b[contexts] ?? [], 'status check contexts').filter((c): c is string => typeof c === 'string' && c !== '');
    return patterns.length > 0 ? { contexts: [], patterns, sources: ['branch protection'] } : NO_REQUIREMENTS;
  }

  /** Gitea stores variable names upper-case, and not every version upper-cases the name asked for. */
  readVariable(name: string): Promise<VariableRead> {
    return readVariableWith(this.control, this.path(`/actions/variables/${encodeURIComponent(name.toUpperCase())}`), HEADERS, VARIABLE_FIELD, {
      forbiddenHint:
        'Gitea lets only the repository owner (for an organisation repository: a member of its Owners team) or a site admin read Actions variables; an admin collaborator is refused. Make control-token a token of such a user with read:repository scope',
    });
  }

  commitUrl(sha: string): string {
    return `${this.serverUrl}/${this.repo}/commit/${sha}`;
  }

  /** Gitea's run URLs use the per-repository run number (GITHUB_RUN_NUMBER), not the instance-wide run id. */
  runUrl(): string | null {
    const run = this.ctx.runNumber;
    return run ? `${this.serverUrl}/${this.repo}/actions/runs/${run}` : null;
  }

  /** A status of this run: its target_url points at this run, or, lacking a URL, its context is this workflow's. */
  private statusRow(r: GiteaJson<CommitStatus>): CheckRow {
    const { state, raw } = commitStatusState(r.optStr('status') ?? optStr(r.raw, 'state') ?? '');
    const name = r.str('context');
    const url = r.optStr('target_url');
    return {
      name,
      kind: 'status',
      state,
      raw,
      url,
      id: r.optNum('id') ?? 0,
      at: r.optStr('updated_at') ?? r.optStr('created_at') ?? '',
      ownRun: this.isOwnRun(name, url),
    };
  }

  /**
   * Gitea writes target_url relative (`<sub-path>/owner/repo/actions/runs/<number>/jobs/<n>`).
   * Only the run number identifies this run: the global run id can equal another run's number.
   */
  private isOwnRun(context: string, url: string | null): boolean {
    const run = this.ctx.runNumber;
    if (url) {
      if (!run) return false;
      let path: string;
      let base: URL;
      try {
        base = new URL(`${this.serverUrl}/`);
        const target = new URL(url, base);
        if (target.origin !== base.origin) return false;
        path = target.pathname;
      } catch {
        return false;
      }
      // Owner and repository names are case-insensitive on Gitea.
      const own = `${base.pathname}${this.repo}/actions/runs/${run}`.toLowerCase();
      path = path.toLowerCase();
      return path === own || path.startsWith(`${own}/`);
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
