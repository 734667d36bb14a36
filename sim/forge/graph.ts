// A repository's commit graph: ref resolution (sha, short sha, branch, tag), ancestry,
// merge bases and history walks — what compare and commit-list endpoints are made of.

export interface Commit {
  sha: string;
  parents: string[];
  message: string;
  /** 1 for a root, else 1 + the highest parent generation: a topological order. */
  generation: number;
  /** Insertion order, a tie-breaker between commits of one generation. */
  ordinal: number;
  /** RFC 3339 author/committer date. */
  date: string;
}

export interface Comparison {
  status: 'ahead' | 'behind' | 'identical' | 'diverged';
  aheadBy: number;
  behindBy: number;
  mergeBase: Commit | null;
  /** Commits reachable from head and not from base, oldest first. */
  aheadCommits: Commit[];
}

const SHORT_SHA = /^[0-9a-f]{7,39}$/;
const CACHE_LIMIT = 512;

export class CommitGraph {
  private readonly commits = new Map<string, Commit>();
  /** Sorted SHAs for short-sha lookups by binary search. */
  private readonly sortedShas: string[] = [];
  readonly branches = new Map<string, string>();
  readonly tags = new Map<string, string>();
  private readonly ancestorCache = new Map<string, ReadonlySet<string>>();

  constructor(private readonly firstCommitWallMs: number) {}

  add(spec: { sha: string; parents: readonly string[]; message?: string | undefined }): Commit {
    if (this.commits.has(spec.sha)) throw new Error(`commit ${spec.sha} already exists`);
    let generation = 1;
    for (const parent of spec.parents) {
      const known = this.commits.get(parent);
      if (!known) throw new Error(`parent ${parent} of ${spec.sha} is unknown`);
      generation = Math.max(generation, known.generation + 1);
    }
    const ordinal = this.commits.size;
    const commit: Commit = {
      sha: spec.sha,
      parents: [...spec.parents],
      message: spec.message ?? `Commit ${spec.sha.slice(0, 7)}`,
      generation,
      ordinal,
      date: new Date(this.firstCommitWallMs + ordinal * 60_000).toISOString(),
    };
    this.commits.set(commit.sha, commit);
    this.sortedShas.splice(this.lowerBound(commit.sha), 0, commit.sha);
    return commit;
  }

  get(sha: string): Commit | undefined {
    return this.commits.get(sha);
  }

  get size(): number {
    return this.commits.size;
  }

  /** Full sha, branch, tag (also as refs/heads/x, refs/tags/x), or a unique short sha of 7+ chars. */
  resolve(ref: string): Commit | undefined {
    const exact = this.commits.get(ref);
    if (exact) return exact;
    const branch = this.branches.get(ref.replace(/^(refs\/)?heads\//, ''));
    if (branch) return this.commits.get(branch);
    const tag = this.tags.get(ref.replace(/^(refs\/)?tags\//, ''));
    if (tag) return this.commits.get(tag);
    const prefix = ref.toLowerCase();
    if (!SHORT_SHA.test(prefix)) return undefined;
    const index = this.lowerBound(prefix);
    const candidate = this.sortedShas[index];
    if (!candidate?.startsWith(prefix)) return undefined;
    // Ambiguous short SHAs resolve to nothing, like git.
    if (this.sortedShas[index + 1]?.startsWith(prefix)) return undefined;
    return this.commits.get(candidate);
  }

  /** The commit and everything reachable through parents. */
  ancestors(sha: string): ReadonlySet<string> {
    const cached = this.ancestorCache.get(sha);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      for (const parent of this.commits.get(next)?.parents ?? []) stack.push(parent);
    }
    if (this.ancestorCache.size >= CACHE_LIMIT) this.ancestorCache.clear();
    this.ancestorCache.set(sha, seen);
    return seen;
  }

  compare(baseSha: string, headSha: string): Comparison {
    const base = this.ancestors(baseSha);
    const head = this.ancestors(headSha);
    const aheadCommits = this.sortOldestFirst([...head].filter((sha) => !base.has(sha)));
    let behindBy = 0;
    let mergeBase: Commit | null = null;
    for (const sha of base) {
      if (!head.has(sha)) {
        behindBy++;
        continue;
      }
      const commit = this.commits.get(sha) as Commit;
      if (!mergeBase || this.newer(commit, mergeBase)) mergeBase = commit;
    }
    const aheadBy = aheadCommits.length;
    const status = baseSha === headSha ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged';
    return { status, aheadBy, behindBy, mergeBase, aheadCommits };
  }

  /** History from head, newest first (like git log without dates: reverse topological). */
  history(headSha: string): Commit[] {
    return this.sortOldestFirst([...this.ancestors(headSha)]).reverse();
  }

  private sortOldestFirst(shas: string[]): Commit[] {
    return shas.map((sha) => this.commits.get(sha) as Commit).sort((a, b) => a.generation - b.generation || a.ordinal - b.ordinal);
  }

  private newer(a: Commit, b: Commit): boolean {
    return a.generation > b.generation || (a.generation === b.generation && a.ordinal > b.ordinal);
  }

  private lowerBound(value: string): number {
    let low = 0;
    let high = this.sortedShas.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.sortedShas[mid] as string) < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
