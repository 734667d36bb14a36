// The release handoff: what a reviewer needs to act on a release, gathered at the end of
// every run that resolved a target — the target and its tags, the ref that allowed it,
// the stage evidence, each service before → after, and what zerops.yaml changes in each
// released setup. Best effort: it never throws; what it cannot learn becomes a note.
import { basename, dirname } from 'node:path';
import type { Forge } from '../forge/types.js';
import type { StageProof } from '../gates/stage-evidence.js';
import type { Logger } from '../ports.js';
import type { Outcome, StrategyUsed } from '../rollout/records.js';
import { readCommittedFile, ZEROPS_YAML_NAMES, type CommittedFile } from '../rollout/zerops-yaml.js';
import type { Settings } from '../settings/settings.js';
import { describeError } from '../util/errors.js';
import { diffSetup, type ConfigDiff } from './config-diff.js';
import type { RunFacts } from './facts.js';

export interface HandoffSetup extends ConfigDiff {
  setup: string;
  services: string[];
  /** The commit the services ran (null: they never ran anything, or it is unknown). */
  from: string | null;
  to: string;
}

export interface Handoff {
  target: { input: string; sha: string };
  /** Tags pointing at the target among the first `read` tags listed; null when they could not be read. */
  tags: { names: string[]; read: number; limit: number } | null;
  allowedBy: { ref: string; how: 'tip' | 'ancestor' } | null;
  stageProof: StageProof | null;
  services: Array<{ hostname: string; before: string | null; after: string | null; outcome: Outcome }>;
  config: HandoffSetup[];
  notes: string[];
}

export type { CommittedFile };
export type ReadCommitted = (sha: string) => Promise<CommittedFile>;

/** Tags listed to find the ones on the target: one or two pages, enough for a release tag just pushed. */
export const HANDOFF_TAG_LIMIT = 100;
/** The run is over: the tag read may not hold up its end (a throttled forge would otherwise wait up to a minute). */
export const HANDOFF_TAGS_DEADLINE_MS = 10_000;
const RELEASED: readonly StrategyUsed[] = ['build', 'artifact', 'activate'];

export interface HandoffInput {
  forge: Forge;
  settings: Settings;
  facts: RunFacts;
  log: Logger;
  /** A cancelled run skips the forge read (the runner allows little time after a cancel). */
  signal?: AbortSignal;
  tagsDeadlineMs?: number;
  /** How zerops.yaml is read at a commit; default: from the local git checkout. */
  readYaml?: ReadCommitted;
}

export async function collectHandoff(i: HandoffInput): Promise<Handoff | null> {
  const { facts } = i;
  if (!facts.target) return null;
  const sha = facts.target.sha;
  const notes: string[] = [];
  const handoff: Handoff = {
    target: { input: facts.target.input, sha },
    tags: null,
    allowedBy: facts.refPolicy ? { ref: facts.refPolicy.allowedBy, how: facts.refPolicy.how } : null,
    stageProof: facts.stageProof ?? null,
    services: facts.records.map((r) => ({ hostname: r.hostname, before: r.before.sha, after: r.after.sha, outcome: r.outcome })),
    config: [],
    notes,
  };
  try {
    if (i.signal?.aborted) throw new Error('the run was cancelled');
    const refs = await withDeadline(i.forge.listRefs('tag', HANDOFF_TAG_LIMIT), i.tagsDeadlineMs ?? HANDOFF_TAGS_DEADLINE_MS);
    handoff.tags = { names: refs.filter((t) => t.sha.toLowerCase() === sha).map((t) => t.name), read: refs.length, limit: HANDOFF_TAG_LIMIT };
    i.log.debug(`Handoff: ${handoff.tags.names.length} of ${refs.length} tags read point at ${sha.slice(0, 12)}`);
  } catch (err) {
    notes.push(`Tags were not read (${describeError(err)}).`);
  }
  try {
    handoff.config = await configChanges(i, sha);
  } catch (err) {
    notes.push(`Configuration changes could not be compared (${describeError(err)}).`);
  }
  return handoff;
}

async function configChanges(i: HandoffInput, target: string): Promise<HandoffSetup[]> {
  const { facts, settings } = i;
  const read = i.readYaml ?? gitReader(settings);
  const setupOf = new Map((facts.plan?.services ?? []).map((p) => [p.hostname, p.setup]));
  const groups = new Map<string, HandoffSetup>();
  const texts = new Map<string, Promise<CommittedFile>>();
  const readOnce = (sha: string) => {
    let p = texts.get(sha);
    if (!p) texts.set(sha, (p = read(sha).catch((err): CommittedFile => ({ kind: 'no-git', detail: describeError(err) }))));
    return p;
  };
  for (const r of facts.records) {
    if (!RELEASED.includes(r.strategy)) continue;
    const setup = setupOf.get(r.hostname) ?? settings.setup ?? r.hostname;
    const from = r.before.sha;
    const id = `${setup}\n${from ?? (r.before.versionId ? '?' : '-')}`;
    const known = groups.get(id);
    if (known) {
      known.services.push(r.hostname);
      continue;
    }
    const base = { setup, services: [r.hostname], from, to: target };
    let diff: ConfigDiff;
    if (!from && !r.before.versionId) diff = { status: 'new', changes: [], detail: 'the service ran nothing before' };
    else if (!from) diff = { status: 'unknown', changes: [], detail: 'the commit the service ran is unknown' };
    else diff = compare(await readOnce(from), await readOnce(target), setup, from);
    groups.set(id, { ...base, ...diff });
  }
  return [...groups.values()];
}

function compare(before: CommittedFile, after: CommittedFile, setup: string, from: string): ConfigDiff {
  const unknown = (detail: string): ConfigDiff => ({ status: 'unknown', changes: [], detail });
  if (after.kind === 'no-git' || before.kind === 'no-git') return unknown(`no git checkout to read zerops.yaml from (${(after.kind === 'no-git' ? after : (before as { detail: string })).detail})`);
  if (after.kind === 'no-commit') return unknown('the target commit is not in the checkout');
  if (before.kind === 'no-commit') return unknown(`commit ${from.slice(0, 7)} is not in the checkout; use \`fetch-depth: 0\``);
  if (after.kind === 'absent') return unknown('the target commit has no zerops.yaml');
  return diffSetup(before.kind === 'text' ? before.text : null, after.text, setup);
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.ceil(ms / 1000)}s`)), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** zerops.yaml (or zerops.yml, or the `zerops-yaml` file) as committed, from the checkout at `source-dir`. */
export function gitReader(s: Settings): ReadCommitted {
  const dir = s.zeropsYamlPath ? dirname(s.zeropsYamlPath) : s.sourceDir;
  const names = s.zeropsYamlPath ? [basename(s.zeropsYamlPath)] : ZEROPS_YAML_NAMES;
  return (sha) => readCommittedFile(dir, names, sha);
}
