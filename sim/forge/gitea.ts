// The Gitea API (base /api/v1) subset a release gate uses. Gitea differs from GitHub
// where it matters: statuses only (no check runs), the state in `status`, every status
// update a new row numbered per commit, `limit` clamped silently, a one-page combined
// status, a compare without ahead/behind that (in 1.22) takes branch and tag names only,
// variables readable by the repository owner or a site admin only, and no ETags.
import { HttpError, Router, jsonReply, type Reply } from '../http.js';
import { credentialOf, type RequestContext, type Route, type SimServer } from '../pipeline.js';
import type { Step } from './checks.js';
import { conditional } from './conditional.js';
import type { Commit } from './graph.js';
import { pageHeaders, readPage, slicePage, type PageRequest, type PagingRules } from './paging.js';
import type { ForgeRepo, ForgeToken } from './repo.js';

export const GITEA_API_PREFIX = '/api/v1';

/** Gitea's worst-first order for a combined state. */
const STATE_PRIORITY = ['error', 'failure', 'warning', 'pending', 'success'];

const iso = (ms: number): string => new Date(ms).toISOString();

/** One stored commit-status row: Gitea never updates a row, it inserts a new one. */
interface StatusRecord {
  /** Per-commit sequence number; the API `id`. */
  index: number;
  context: string;
  targetUrl: string | null;
  state: string;
  description: string | null;
  createdMs: number;
}

interface CommitStatuses {
  records: StatusRecord[];
  recorded: WeakSet<Step>;
  rowsSeen: Set<number>;
}

/** `sort` of the statuses list; anything else is 1.22's default, newest created first. */
const STATUS_ORDER: Record<string, (a: StatusRecord, b: StatusRecord) => number> = {
  oldest: (a, b) => a.createdMs - b.createdMs || a.index - b.index,
  recentupdate: (a, b) => b.createdMs - a.createdMs || b.index - a.index,
  leastupdate: (a, b) => a.createdMs - b.createdMs || a.index - b.index,
  leastindex: (a, b) => a.index - b.index,
  highestindex: (a, b) => b.index - a.index,
};
const DEFAULT_STATUS_ORDER = (a: StatusRecord, b: StatusRecord): number => b.createdMs - a.createdMs || b.index - a.index;

/** Roles allowed through Gitea's `reqOwner()` on the Actions routes. */
const VARIABLE_READERS = new Set(['owner', 'site-admin']);

export class GiteaApi implements SimServer<ForgeToken> {
  readonly name = 'gitea' as const;
  private readonly router = new Router<Route<ForgeToken>>();
  private readonly paging: PagingRules;
  private readonly statusesBySha = new Map<string, CommitStatuses>();

  constructor(
    private readonly repo: ForgeRepo,
    /** Server URL without /api/v1. */
    private readonly serverUrl: () => string,
  ) {
    this.paging = { sizeParam: 'limit', defaultSize: 30, maxSize: repo.maxLimit };
    const route = (path: string, handle: Route<ForgeToken>['handle']): void => {
      this.router.add('GET', `${repo.gitea.subPath}${GITEA_API_PREFIX}/repos/:owner/:repo${path}`, {
        handle: (ctx, token) => {
          if (!repo.visibleTo(token, ctx.params.owner, ctx.params.repo)) throw this.error(404, 'The target couldn\'t be found.');
          return handle(ctx, token);
        },
      });
    };
    route('', () => jsonReply(200, this.repositoryJson()));
    route('/commits/*ref/statuses', (ctx) => this.statuses(ctx, ctx.params.ref));
    route('/commits/*ref/status', (ctx) => this.combinedStatus(ctx));
    route('/commits', (ctx) => this.commitList(ctx));
    route('/statuses/:sha', (ctx) => this.statuses(ctx, ctx.params.sha));
    route('/git/commits/:sha', (ctx) => jsonReply(200, this.commitJson(this.commit(ctx.params.sha), ctx.query)));
    route('/branches', (ctx) => this.branchList(ctx));
    route('/branches/*branch', (ctx) => this.branch(ctx));
    route('/tags', (ctx) => this.tagList(ctx));
    route('/tags/*tag', (ctx) => this.tag(ctx));
    route('/compare/*spec', (ctx) => this.compare(ctx));
    route('/actions/variables/:name', (ctx, token) => this.variable(ctx, token));
  }

  match(method: string, path: string) {
    return this.router.match(method, path);
  }

  isMutating(): boolean {
    return false;
  }

  authenticate(ctx: RequestContext): ForgeToken {
    const value = credentialOf(ctx.authorization, ['token', 'bearer']);
    const token = value === undefined ? undefined : this.repo.tokens.get(value);
    if (!token) throw this.error(401, value === undefined ? 'token is required' : 'user does not exist [uid: 0, name: ]');
    return token;
  }

  notFound(): Reply {
    return jsonReply(404, { message: 'The target couldn\'t be found.', url: this.swaggerUrl, errors: [] });
  }

  /** Gitea's API documents no ETag or 304; only the `etags` option turns them on. */
  finalize(ctx: RequestContext, reply: Reply): Reply {
    if (!this.repo.gitea.etags) return reply;
    return conditional(ctx.method, ctx.req.headers['if-none-match'], reply).reply;
  }

  private get swaggerUrl(): string {
    return `${this.serverUrl()}/api/swagger`;
  }

  private error(status: number, message: string): HttpError {
    return new HttpError(jsonReply(status, { message, url: this.swaggerUrl }));
  }

  // --- JSON shapes ---

  private get apiRepoUrl(): string {
    return `${this.serverUrl()}${GITEA_API_PREFIX}/repos/${this.repo.owner}/${this.repo.repo}`;
  }

  private get htmlRepoUrl(): string {
    return `${this.serverUrl()}/${this.repo.owner}/${this.repo.repo}`;
  }

  private repositoryJson(): Record<string, unknown> {
    const { owner, repo } = this.repo;
    return {
      id: 1,
      owner: { id: 1, login: owner, username: owner },
      name: repo,
      full_name: `${owner}/${repo}`,
      private: true,
      html_url: this.htmlRepoUrl,
      default_branch: this.repo.defaultBranch,
      has_actions: true,
    };
  }

  /** Stats, verification and files are computed unless the query turns each off (`=false`). */
  private commitJson(commit: Commit, query: Record<string, string> = {}): Record<string, unknown> {
    const person = { name: 'Sim Developer', email: 'dev@example.com', date: commit.date };
    const json: Record<string, unknown> = {
      url: `${this.apiRepoUrl}/git/commits/${commit.sha}`,
      sha: commit.sha,
      created: commit.date,
      html_url: `${this.htmlRepoUrl}/commit/${commit.sha}`,
      commit: {
        url: `${this.apiRepoUrl}/git/commits/${commit.sha}`,
        author: person,
        committer: person,
        message: commit.message,
        tree: { sha: commit.sha, url: '', created: commit.date },
        ...(query.verification === 'false' ? {} : { verification: { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', payload: '' } }),
      },
      author: null,
      committer: null,
      parents: commit.parents.map((sha) => ({ url: `${this.apiRepoUrl}/git/commits/${sha}`, sha, created: '' })),
    };
    if (query.files !== 'false') json.files = [{ filename: 'README.md', status: 'modified' }];
    if (query.stat !== 'false') json.stats = { total: 2, additions: 1, deletions: 1 };
    return json;
  }

  private statusJson(record: StatusRecord): Record<string, unknown> {
    return {
      id: record.index,
      status: record.state,
      target_url: record.targetUrl ?? '',
      description: record.description ?? '',
      url: '',
      context: record.context,
      creator: { id: 2, login: 'gitea-actions', full_name: '', email: '' },
      created_at: iso(record.createdMs),
      // convert.ToCommitStatus sets Updated from CreatedUnix: rows are never updated.
      updated_at: iso(record.createdMs),
    };
  }

  // --- handlers ---

  private commit(ref = ''): Commit {
    const commit = this.repo.graph.resolve(ref);
    if (!commit) throw this.error(404, `object does not exist [id: ${ref}, rel_path: ]`);
    return commit;
  }

  private pageHeaders(ctx: RequestContext, page: PageRequest, total: number): Record<string, string> {
    // ctx.path already carries the sub-path, so the Link base is the bare origin.
    return pageHeaders(new URL(this.serverUrl()).origin, ctx.path, ctx.query, this.paging, page, total, true);
  }

  /**
   * The stored rows of a commit: each timeline step a row reached becomes its own row
   * (in reaching order), numbered 1, 2, 3… per commit, dated when it first appeared.
   */
  private statusRecords(sha: string, firstPage: boolean): StatusRecord[] {
    let stored = this.statusesBySha.get(sha);
    if (!stored) this.statusesBySha.set(sha, (stored = { records: [], recorded: new WeakSet(), rowsSeen: new Set() }));
    const visible = this.repo.checks.readStatuses(sha, firstPage).sort((a, b) => a.row.id - b.row.id);
    for (const { row, sinceMs } of visible) {
      const reached = row.timeline.slice(0, Math.max(0, row.shownIndex) + 1);
      for (const step of reached) {
        if (stored.recorded.has(step)) continue;
        stored.recorded.add(step);
        const createdMs = stored.rowsSeen.has(row.id) ? sinceMs : row.createdAtMs;
        stored.rowsSeen.add(row.id);
        stored.records.push({ index: stored.records.length + 1, context: row.context, targetUrl: row.targetUrl, state: step.state, description: step.description, createdMs });
      }
    }
    return stored.records;
  }

  /** An unknown ref is not an error here: Gitea lists nothing (200 []). */
  private statuses(ctx: RequestContext, ref: string | undefined): Reply {
    const commit = this.repo.graph.resolve(ref ?? '');
    const page = readPage(ctx.query, this.paging);
    const rows = commit ? [...this.statusRecords(commit.sha, page.page === 1)].sort(STATUS_ORDER[ctx.query.sort ?? ''] ?? DEFAULT_STATUS_ORDER) : [];
    return jsonReply(200, slicePage(rows, page).map((row) => this.statusJson(row)), this.pageHeaders(ctx, page, rows.length));
  }

  /** Gitea computes the combined state over one page of the newest-per-context list. */
  private combinedStatus(ctx: RequestContext): Reply {
    const commit = this.commit(ctx.params.ref);
    const page = readPage(ctx.query, this.paging);
    const latest: StatusRecord[] = [];
    const seen = new Set<string>();
    for (const record of [...this.statusRecords(commit.sha, page.page === 1)].sort(STATUS_ORDER.highestindex)) {
      if (seen.has(record.context)) continue;
      seen.add(record.context);
      latest.push(record);
    }
    const onePage = slicePage(latest, page);
    if (onePage.length === 0) {
      // The zero-value CombinedStatus: state "" and no statuses.
      return jsonReply(200, { state: '', sha: '', total_count: 0, statuses: null, repository: null, commit_url: '', url: '' });
    }
    const states = onePage.map((record) => record.state);
    const worst = STATE_PRIORITY.find((state) => states.includes(state)) ?? 'pending';
    return jsonReply(200, {
      state: worst,
      sha: commit.sha,
      total_count: onePage.length,
      statuses: onePage.map((record) => this.statusJson(record)),
      repository: this.repositoryJson(),
      commit_url: `${this.apiRepoUrl}/commits/${commit.sha}`,
      url: `${this.apiRepoUrl}/commits/${commit.sha}/status`,
    });
  }

  /** `git log <sha> --not <not>`, newest first, in clamped pages; an unknown `not` makes git fail (500). */
  private commitList(ctx: RequestContext): Reply {
    const head = this.commit(ctx.query.sha || this.repo.defaultBranch);
    let history = this.repo.graph.history(head.sha);
    if (ctx.query.not) {
      const not = this.repo.graph.resolve(ctx.query.not);
      if (!not) throw this.error(500, `exit status 128 - fatal: bad revision '${ctx.query.not}'`);
      const excluded = this.repo.graph.ancestors(not.sha);
      history = history.filter((commit) => !excluded.has(commit.sha));
    }
    const page = readPage(ctx.query, this.paging);
    const list = slicePage(history, page);
    const headers = this.pageHeaders(ctx, page, history.length);
    headers['x-hasmore'] = String(page.page * page.size < history.length);
    return jsonReply(200, list.map((commit) => this.commitJson(commit, ctx.query)), headers);
  }

  private branchJson(name: string, commit: Commit): Record<string, unknown> {
    return {
      name,
      commit: {
        id: commit.sha,
        message: commit.message,
        url: `${this.htmlRepoUrl}/commit/${commit.sha}`,
        author: { name: 'Sim Developer', email: 'dev@example.com', username: 'dev' },
        committer: { name: 'Sim Developer', email: 'dev@example.com', username: 'dev' },
        timestamp: commit.date,
      },
      protected: this.repo.protection.has(name),
      required_approvals: 0,
      enable_status_check: this.repo.protection.has(name),
      status_check_contexts: this.repo.protection.get(name) ?? [],
      user_can_push: true,
      user_can_merge: true,
    };
  }

  private branch(ctx: RequestContext): Reply {
    const name = ctx.params.branch ?? '';
    const sha = this.repo.graph.branches.get(name);
    const commit = sha === undefined ? undefined : this.repo.graph.get(sha);
    if (!commit) throw this.error(404, `branch does not exist [repo_id: 1 name: ${name}]`);
    return jsonReply(200, this.branchJson(name, commit));
  }

  private branchList(ctx: RequestContext): Reply {
    const names = [...this.repo.graph.branches.keys()].sort();
    const page = readPage(ctx.query, this.paging);
    const list = slicePage(names, page).map((name) => this.branchJson(name, this.repo.graph.get(this.repo.graph.branches.get(name) as string) as Commit));
    return jsonReply(200, list, this.pageHeaders(ctx, page, names.length));
  }

  private tagJson(name: string, sha: string): Record<string, unknown> {
    return {
      name,
      message: '',
      // Lightweight tags: the tag id is the commit id.
      id: sha,
      commit: { url: `${this.apiRepoUrl}/git/commits/${sha}`, sha, created: this.repo.graph.get(sha)?.date ?? '' },
      zipball_url: `${this.htmlRepoUrl}/archive/${name}.zip`,
      tarball_url: `${this.htmlRepoUrl}/archive/${name}.tar.gz`,
    };
  }

  private tag(ctx: RequestContext): Reply {
    const name = ctx.params.tag ?? '';
    const sha = this.repo.graph.tags.get(name);
    if (sha === undefined) throw this.error(404, `tag does not exist [name: ${name}]`);
    return jsonReply(200, this.tagJson(name, sha));
  }

  private tagList(ctx: RequestContext): Reply {
    const names = [...this.repo.graph.tags.keys()].sort();
    const page = readPage(ctx.query, this.paging);
    const list = slicePage(names, page).map((name) => this.tagJson(name, this.repo.graph.tags.get(name) as string));
    return jsonReply(200, list, this.pageHeaders(ctx, page, names.length));
  }

  /**
   * Only the commits on head since the merge base, newest first; no ahead/behind status.
   * 1.22 takes branch and tag names only (a commit SHA is a 404); 1.23 takes SHAs too.
   */
  private compare(ctx: RequestContext): Reply {
    const spec = ctx.params.spec ?? '';
    const split = spec.indexOf('...');
    if (split < 0) throw this.error(404, 'The target couldn\'t be found.');
    const base = this.compareEnd(spec.slice(0, split));
    const head = this.compareEnd(spec.slice(split + 3));
    if (!base || !head) throw this.error(404, 'The target couldn\'t be found.');
    const commits = this.repo.graph.compare(base.sha, head.sha).aheadCommits.reverse();
    return jsonReply(200, { total_commits: commits.length, commits: commits.map((commit) => this.commitJson(commit)) });
  }

  private compareEnd(name: string): Commit | undefined {
    const { graph } = this.repo;
    const named = graph.branches.get(name) ?? graph.tags.get(name);
    if (named !== undefined) return graph.get(named);
    return this.repo.gitea.version === '1.23' ? graph.resolve(name) : undefined;
  }

  /** `reqOwner()`: the repository owner or a site admin; an admin collaborator is refused too. */
  private variable(ctx: RequestContext, token: ForgeToken): Reply {
    if (!VARIABLE_READERS.has(token.role)) throw this.error(403, 'user should be the owner of the repo');
    const variable = this.repo.getVariable(ctx.params.name ?? '', this.repo.gitea.variableNamesExact);
    if (!variable) throw this.error(404, 'variable not found');
    return jsonReply(200, { owner_id: 0, repo_id: 1, name: variable.name, data: variable.value });
  }
}
