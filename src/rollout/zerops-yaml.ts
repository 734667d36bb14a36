// zerops.yaml: parsed with `yaml` (errors with line numbers), checked for the setups
// the plan uses before anything is uploaded, and stamped with the target SHA in each
// setup's run environment so the app can report it from its build-info endpoint.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { RolloutError } from '../util/errors.js';
import { capText } from '../util/redact.js';

export interface ZeropsYaml {
  path: string;
  setups: string[];
  /** The same YAML with `run.envVariables[variable] = sha` in every setup. */
  stamped(variable: string, sha: string): string;
}

const MAX_BYTES = 1024 * 1024;

/** Finds the file: the explicit path, else zerops.yaml / zerops.yml in the source dir. Null when absent and not explicit. */
export function findZeropsYaml(explicitPath: string | null, sourceDir: string): string | null {
  if (explicitPath) return explicitPath;
  for (const name of ['zerops.yaml', 'zerops.yml']) {
    const p = join(sourceDir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

export function loadZeropsYaml(path: string): ZeropsYaml {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RolloutError('config', `input \`zerops-yaml\`: cannot read ${capText(path, 120)} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, 'Set `zerops-yaml` to the file\'s path.');
  }
  if (text.length > MAX_BYTES) throw new RolloutError('config', `${path} is larger than 1 MiB; is it the right file?`);
  return parseZeropsYaml(text, path);
}

export function parseZeropsYaml(text: string, path: string): ZeropsYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const list = doc.errors.map((e) => {
      const pos = e.pos?.[0] !== undefined ? lines.linePos(e.pos[0]) : undefined;
      return `  - ${path}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`;
    });
    throw new RolloutError('config', `zerops.yaml is not valid YAML:\n${list.join('\n')}`);
  }
  const at = (node: Node | null | undefined) => {
    const offset = node?.range?.[0];
    if (offset === undefined) return path;
    const { line, col } = lines.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  const root = doc.contents;
  if (!isMap(root)) throw new RolloutError('config', `${at(root as Node)}: zerops.yaml must be a mapping with a \`zerops:\` list.`);
  const list = root.get('zerops', true);
  if (!isSeq(list)) throw new RolloutError('config', `${at((list as Node) ?? root)}: \`zerops\` must be a list of setups.`);
  const setups: string[] = [];
  const problems: string[] = [];
  for (const item of list.items) {
    if (!isMap(item)) {
      problems.push(`  - ${at(item as Node)}: each entry of \`zerops\` must be a mapping with \`setup:\`.`);
      continue;
    }
    const setup = item.get('setup', true);
    if (!isScalar(setup) || typeof setup.value !== 'string' || setup.value === '') {
      problems.push(`  - ${at(item)}: an entry has no \`setup:\` name.`);
      continue;
    }
    if (setups.includes(setup.value)) problems.push(`  - ${at(setup)}: setup \`${setup.value}\` is defined twice.`);
    const run = item.get('run', true);
    if (run !== undefined && run !== null && !isMap(run)) problems.push(`  - ${at(run as Node)}: \`run\` of setup \`${setup.value}\` must be a mapping.`);
    const env = isMap(run) ? run.get('envVariables', true) : undefined;
    if (env !== undefined && env !== null && !isMap(env)) {
      problems.push(`  - ${at(env as Node)}: \`run.envVariables\` of setup \`${setup.value}\` must be a mapping.`);
    }
    setups.push(setup.value);
  }
  if (problems.length > 0) throw new RolloutError('config', `zerops.yaml has problems:\n${problems.join('\n')}`);
  if (setups.length === 0) throw new RolloutError('config', `${path}: the \`zerops\` list is empty.`);
  return { path, setups, stamped: (variable, sha) => stamp(doc, variable, sha) };
}

function stamp(doc: Document, variable: string, sha: string): string {
  const copy = doc.clone();
  const list = copy.get('zerops');
  if (isSeq(list)) {
    for (const item of list.items) if (isMap(item)) item.setIn(['run', 'envVariables', variable], sha);
  }
  return copy.toString();
}

/** The names zerops.yaml goes by, in the order Zerops' tooling looks for them. */
export const ZEROPS_YAML_NAMES = ['zerops.yaml', 'zerops.yml'] as const;
const GIT_TIMEOUT_MS = 10_000;

/** A file as committed: `absent` (no such file at that commit) vs `no-commit` (the checkout lacks the commit). */
export type CommittedFile = { kind: 'text'; text: string; name?: string } | { kind: 'absent' } | { kind: 'no-commit' } | { kind: 'no-git'; detail: string };

/** The first of `names` as committed at `sha`, from the git checkout at `dir` (names relative to it). */
export async function readCommittedFile(dir: string, names: readonly string[], sha: string): Promise<CommittedFile> {
  const git = promisify(execFile);
  const run = (args: string[]) => git('git', ['-C', dir, ...args], { timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_BYTES + 1 });
  let prefix: string;
  try {
    prefix = (await run(['rev-parse', '--show-prefix'])).stdout.trim();
  } catch {
    return { kind: 'no-git', detail: `${dir} is not a git checkout` };
  }
  if (!/^[0-9a-f]{7,40}$/i.test(sha)) return { kind: 'no-commit' };
  const has = await run(['cat-file', '-e', `${sha}^{commit}`]).then(() => true, () => false);
  if (!has) return { kind: 'no-commit' };
  for (const name of names) {
    const text = await run(['show', `${sha}:${prefix}${name}`]).then((r) => r.stdout, () => null);
    if (text !== null) return { kind: 'text', text, name };
  }
  return { kind: 'absent' };
}

/**
 * The zerops.yaml of the target commit itself (so the config matches the code that is
 * uploaded), when `source-dir` is a git checkout holding that commit; null otherwise.
 */
export async function zeropsYamlAtCommit(sourceDir: string, sha: string): Promise<ZeropsYaml | null> {
  const file = await readCommittedFile(sourceDir, ZEROPS_YAML_NAMES, sha);
  return file.kind === 'text' ? parseZeropsYaml(file.text, `${file.name ?? 'zerops.yaml'}@${sha.slice(0, 7)}`) : null;
}
