// Which commit is released, and whether it may be: the target resolves to one full
// SHA, and that SHA must be the tip or an ancestor of an allowed ref (default: the
// default branch or any tag). A commit reachable only from a feature branch or a fork
// is refused.
import type { Forge, NamedRef } from '../forge/types.js';
import { RolloutError } from '../util/errors.js';
import { globToRegExp, hasGlob } from '../util/glob.js';

export interface ResolvedTarget {
  sha: string;
  /** What was asked for: the `target` input or GITHUB_SHA. */
  input: string;
  fromInput: boolean;
}

export async function resolveTarget(forge: Forge, target: string | null, triggeringSha: string | null): Promise<ResolvedTarget> {
  const input = target ?? triggeringSha;
  if (!input) throw new RolloutError('target', 'No target: `target` is empty and GITHUB_SHA is not set.', 'Pass the SHA, tag or branch to release.');
  const sha = await forge.resolveRef(input);
  if (!sha) {
    throw new RolloutError(
      'target',
      `Target \`${input}\` is not a commit, branch or tag of ${forge.repo}.`,
      'Check the spelling; a short SHA needs at least 7 characters and must be unique.',
    );
  }
  return { sha, input, fromInput: target !== null };
}

export interface RefPolicyResult {
  /** The ref that allowed the target, e.g. `refs/heads/main`. */
  allowedBy: string;
  how: 'tip' | 'ancestor';
  /** Every ref pattern that was considered, for the summary. */
  checked: string[];
}

const MAX_REFS_LISTED = 1000;
/** Ancestry costs one request per ref; beyond this many candidates the rest are not compared. */
const MAX_ANCESTRY_CHECKS = 25;

interface Candidate {
  ref: string;
  sha: string;
}

export async function checkRefPolicy(forge: Forge, sha: string, allowedRefs: readonly string[]): Promise<RefPolicyResult> {
  const patterns = allowedRefs.length > 0 ? [...allowedRefs] : [`refs/heads/${await forge.defaultBranch()}`, 'refs/tags/*'];
  const candidates: Candidate[] = [];
  let branches: NamedRef[] | null = null;
  let tags: NamedRef[] | null = null;
  for (const pattern of patterns) {
    const isTag = pattern.startsWith('refs/tags/');
    const name = pattern.replace(/^refs\/(heads|tags)\//, '');
    if (!isTag && !hasGlob(name)) {
      const tip = await forge.branchTip(name);
      if (tip) candidates.push({ ref: `refs/heads/${name}`, sha: tip });
      continue;
    }
    const list = isTag ? (tags ??= await forge.listRefs('tag', MAX_REFS_LISTED)) : (branches ??= await forge.listRefs('branch', MAX_REFS_LISTED));
    const re = globToRegExp(name);
    for (const r of list) if (re.test(r.name)) candidates.push({ ref: `refs/${isTag ? 'tags' : 'heads'}/${r.name}`, sha: r.sha });
  }

  const tip = candidates.find((c) => c.sha === sha);
  if (tip) return { allowedBy: tip.ref, how: 'tip', checked: patterns };

  // Branches first (the usual home of a release), then tags, each distinct commit once.
  const ordered = [...candidates.filter((c) => c.ref.startsWith('refs/heads/')), ...candidates.filter((c) => c.ref.startsWith('refs/tags/'))];
  const seen = new Set<string>();
  let compared = 0;
  /** Refs the forge could not answer for: the refusal must not claim they were ruled out. */
  const unanswered: string[] = [];
  for (const c of ordered) {
    if (seen.has(c.sha)) continue;
    seen.add(c.sha);
    if (compared++ >= MAX_ANCESTRY_CHECKS) break;
    const verdict = await forge.isAncestor(sha, c.sha, true);
    if (verdict) return { allowedBy: c.ref, how: 'ancestor', checked: patterns };
    if (verdict === null) unanswered.push(c.ref);
  }
  const matched = candidates.length === 0 ? 'no ref matched them' : `${candidates.length} matching ref(s), ${Math.min(compared, MAX_ANCESTRY_CHECKS)} compared`;
  const checked = patterns.map((p) => `\`${p}\``).join(', ');
  if (unanswered.length > 0) {
    throw new RolloutError(
      'ref-policy',
      `Target ${sha.slice(0, 12)} could not be shown to be the tip or an ancestor of an allowed ref (checked ${checked}: ${matched}): ${forge.repo} could not tell for ${unanswered.map((r) => `\`${r}\``).join(', ')}.`,
      'Re-run; if it persists, check that the forge API answers ancestry questions for these commits, or release a tagged commit.',
    );
  }
  throw new RolloutError(
    'ref-policy',
    `Target ${sha.slice(0, 12)} is not the tip or an ancestor of an allowed ref (checked ${checked}: ${matched}).`,
    'Release a commit that is on the default branch or tagged, or widen `allowed-refs`.',
  );
}
