// What the GitHub and Gitea adapters share: the repository's REST paths, GET with the
// forge's headers, and the default branch (from the event payload when the runner gave it).
import type { HttpClient } from '../http/client.js';
import { obj, reqStr } from '../util/shape.js';
import type { RunContext } from './context.js';

export interface GetOptions {
  query?: Record<string, string | number>;
  accept?: number[];
  conditional?: boolean;
}

export abstract class RestForge {
  readonly repo: string;
  readonly serverUrl: string;
  private defaultBranchCache: string | null;

  constructor(
    protected readonly ctx: RunContext,
    protected readonly api: HttpClient,
    protected readonly control: HttpClient | null,
    protected readonly onWarning: (message: string) => void,
    protected readonly headers: Record<string, string>,
  ) {
    this.repo = ctx.repo;
    this.serverUrl = ctx.serverUrl;
    this.defaultBranchCache = ctx.defaultBranchFromEvent;
  }

  protected path(rest: string): string {
    return `/repos/${this.ctx.owner}/${this.ctx.name}${rest}`;
  }

  protected get<T = unknown>(rest: string, what: string, extra: GetOptions = {}) {
    return this.api.send<T>({ method: 'GET', url: this.path(rest), what, headers: this.headers, ...extra });
  }

  async defaultBranch(): Promise<string> {
    if (!this.defaultBranchCache) {
      const res = await this.get('', `read repository ${this.repo}`);
      this.defaultBranchCache = reqStr(obj(res.data, 'repository'), 'default_branch', 'repository');
    }
    return this.defaultBranchCache;
  }
}
