// What a release changes in one zerops.yaml setup: the committed file at the running
// commit against the one at the target (never the SHA-stamped copy that is uploaded).
// Pure. Every key of the setup is flattened to a dot path and compared; environment
// maps (`envVariables`, `envSecrets`) only ever yield NAMES: their values may be secrets.
import { parseDocument } from 'yaml';

export interface ConfigChange {
  /** Dot path in the setup, e.g. `run.start`, `run.ports[1].port`, `run.envVariables.API_URL`. */
  key: string;
  kind: 'added' | 'removed' | 'changed';
  /** Shortened for display; absent for environment variables (a value there may be a secret). */
  before?: string;
  after?: string;
}

export interface ConfigDiff {
  /** new: the service never ran anything, so all of it is new; unknown: see `detail`. */
  status: 'changed' | 'unchanged' | 'unknown' | 'new';
  changes: ConfigChange[];
  detail?: string;
}

/** Map keys whose children are environment variables: names only, never values. */
const ENV_KEYS = new Set(['envVariables', 'envSecrets']);
const MAX_SHOWN = 80;
/** A setup is small; this bounds the walk of a hostile file (deep nesting, huge lists). */
const MAX_PATHS = 2000;
const MAX_DEPTH = 12;

type Leaves = Map<string, { value: string; secret: boolean }>;

/** Texts as committed (null: no zerops.yaml at that commit). */
export function diffSetup(beforeText: string | null, afterText: string | null, setup: string): ConfigDiff {
  const before = setupOf(beforeText, 'the running commit', setup);
  const after = setupOf(afterText, 'the target', setup);
  if ('problem' in after) return { status: 'unknown', changes: [], detail: after.problem };
  if ('problem' in before) return { status: 'unknown', changes: [], detail: before.problem };
  if (after.setup === undefined) return { status: 'unknown', changes: [], detail: `setup \`${setup}\` is not in the target's zerops.yaml` };
  const a = leavesOf(before.setup ?? {});
  const b = leavesOf(after.setup);
  const changes: ConfigChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const was = a.get(key);
    const now = b.get(key);
    if (was && now && was.value === now.value) continue;
    const secret = (was?.secret ?? false) || (now?.secret ?? false);
    const kind = !was ? 'added' : !now ? 'removed' : 'changed';
    const change: ConfigChange = { key, kind };
    if (!secret) Object.assign(change, shown(was?.value, now?.value));
    changes.push(change);
  }
  const extendsNote = typeof after.setup.extends === 'string' ? `extends \`${after.setup.extends}\`: what it inherits is not compared` : undefined;
  const notes = [before.setup === undefined ? `setup \`${setup}\` is not in the running commit's zerops.yaml` : undefined, extendsNote].filter(Boolean);
  return { status: changes.length ? 'changed' : 'unchanged', changes, ...(notes.length ? { detail: notes.join('; ') } : {}) };
}

type Setup = Record<string, unknown>;

function setupOf(text: string | null, where: string, name: string): { setup: Setup | undefined } | { problem: string } {
  if (text === null) return { setup: undefined };
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return { problem: `the zerops.yaml of ${where} is not valid YAML` };
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return { problem: `the zerops.yaml of ${where} could not be read` };
  }
  const list = isRecord(js) ? js.zerops : undefined;
  if (!Array.isArray(list)) return { problem: `the zerops.yaml of ${where} has no \`zerops\` list` };
  const found = list.find((s): s is Setup => isRecord(s) && s.setup === name);
  return { setup: found };
}

function leavesOf(setup: Setup): Leaves {
  const out: Leaves = new Map();
  const walk = (value: unknown, path: string, secret: boolean, depth: number) => {
    if (out.size >= MAX_PATHS) return;
    if (isRecord(value) && depth < MAX_DEPTH) {
      // An empty mapping adds nothing: `envVariables: {}` and no `envVariables` are the same.
      for (const [k, v] of Object.entries(value)) {
        if (depth === 0 && k === 'setup') continue;
        walk(v, path ? `${path}.${k}` : k, secret || ENV_KEYS.has(k), depth + 1);
      }
      return;
    }
    // Lists of mappings (ports, routes) compare item by item; lists of scalars (commands) as one value.
    if (Array.isArray(value) && depth < MAX_DEPTH && value.some(isRecord)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`, secret, depth + 1));
      return;
    }
    out.set(path, { value: render(value), secret });
  };
  walk(setup, '', false, 0);
  return out;
}

function render(value: unknown): string {
  if (Array.isArray(value)) return value.map(render).join(' ; ');
  if (isRecord(value)) return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  return String(value);
}

/** Both values shortened; when they would look the same, both are cut to start near the first difference. */
function shown(before: string | undefined, after: string | undefined): { before?: string; after?: string } {
  // eslint-disable-next-line no-control-regex
  const clean = (s: string) => s.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  const b = before === undefined ? undefined : clean(before);
  const a = after === undefined ? undefined : clean(after);
  let from = 0;
  if (b !== undefined && a !== undefined && (b.length > MAX_SHOWN || a.length > MAX_SHOWN)) {
    let i = 0;
    while (i < b.length && i < a.length && b[i] === a[i]) i++;
    if (i > MAX_SHOWN - 20) from = i - 20;
  }
  const cut = (s: string) => {
    const part = from > 0 ? `…${s.slice(from)}` : s;
    return part.length > MAX_SHOWN ? `${part.slice(0, MAX_SHOWN - 1)}…` : part;
  };
  return { ...(b !== undefined ? { before: cut(b) } : {}), ...(a !== undefined ? { after: cut(a) } : {}) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
