// The example workflows under examples/ are copied into real repositories as they are,
// so they must stay in step with the action: every `with:` key an input of the
// action.yml it points at, every required input passed, every output read one the
// action writes. Plus the forge rules the examples promise (permissions and concurrency
// on GitHub; no concurrency and no dispatch inputs on Gitea 1.22) and no `${{ }}`
// inside `run:` scripts (script injection). Every .yml/.yaml under examples/ is checked,
// so a new example is covered without touching this file.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dictOf(value: unknown): Dict {
  return isDict(value) ? value : {};
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

// ---- the action's interface, read from the files the examples point at ----

interface ActionMeta {
  file: string;
  inputs: Map<string, { required: boolean }>;
  outputs: Set<string>;
}

function readAction(file: string): ActionMeta {
  const doc = dictOf(parse(readFileSync(join(ROOT, file), 'utf8')));
  const inputs = new Map<string, { required: boolean }>();
  for (const [name, spec] of Object.entries(dictOf(doc.inputs))) inputs.set(name, { required: dictOf(spec).required === true });
  return { file, inputs, outputs: new Set(Object.keys(dictOf(doc.outputs))) };
}

const ACTIONS = { root: readAction('action.yml'), node20: readAction('node20/action.yml') } as const;
type Variant = keyof typeof ACTIONS;

/** `zerops-rollout/zerops-rollout@v1` → root; `…/zerops-rollout/node20@v1` (GitHub URL or a mirror) → node20. */
const ROLLOUT_USES = /(?:^|\/)zerops-rollout(\/node20)?@([^\s@/]+)$/;

function variantOf(uses: string): Variant | null {
  const m = ROLLOUT_USES.exec(uses);
  if (!m) return null;
  return m[1] ? 'node20' : 'root';
}

// ---- one example workflow, parsed ----

interface Step {
  job: string;
  index: number;
  raw: Dict;
  id: string | null;
  uses: string | null;
  run: string | null;
  env: Dict;
  with: Dict;
}

interface Example {
  rel: string;
  forge: string;
  name: string;
  text: string;
  doc: Dict;
  on: Dict;
  jobs: Dict;
  steps: Step[];
  rollout: (Step & { variant: Variant })[];
}

function load(path: string): Example {
  const rel = relative(EXAMPLES, path).split(sep).join('/');
  const text = readFileSync(path, 'utf8');
  const doc = dictOf(parse(text));
  const jobs = dictOf(doc.jobs);
  const steps: Step[] = [];
  for (const [job, spec] of Object.entries(jobs)) {
    const list = dictOf(spec).steps;
    if (!Array.isArray(list)) continue;
    list.forEach((s: unknown, index) => {
      const raw = dictOf(s);
      steps.push({
        job,
        index,
        raw,
        id: typeof raw.id === 'string' ? raw.id : null,
        uses: typeof raw.uses === 'string' ? raw.uses : null,
        run: typeof raw.run === 'string' ? raw.run : null,
        env: dictOf(raw.env),
        with: dictOf(raw.with),
      });
    });
  }
  const rollout: (Step & { variant: Variant })[] = [];
  for (const s of steps) {
    const variant = s.uses ? variantOf(s.uses) : null;
    if (variant) rollout.push({ ...s, variant });
  }
  // `on:` may be a string or a list of event names; normalise to a map.
  const on = typeof doc.on === 'string' ? { [doc.on]: null } : Array.isArray(doc.on) ? Object.fromEntries(doc.on.map((e) => [String(e), null])) : dictOf(doc.on);
  return { rel, forge: rel.split('/')[0] ?? '', name: rel.split('/').pop() ?? rel, text, doc, on, jobs, steps, rollout };
}

const where = (s: Step) => `job \`${s.job}\` step ${s.index + 1}${typeof s.raw.name === 'string' ? ` "${s.raw.name}"` : ''}${s.id ? ` (id ${s.id})` : ''}`;
const asText = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const EXPRESSION = /\$\{\{/;

const files = listFiles(EXAMPLES);
const examples = files.map(load);

describe('examples/', () => {
  it('holds the release, main and rollback workflows for both forges', () => {
    const rels = examples.map((e) => e.rel);
    for (const forge of ['github', 'gitea']) {
      for (const name of ['release-on-tag.yml', 'deploy-main.yml', 'rollback.yml']) expect(rels).toContain(`${forge}/${name}`);
    }
  });

  it('files every example under a forge directory', () => {
    expect(examples.filter((e) => e.forge !== 'github' && e.forge !== 'gitea').map((e) => e.rel)).toEqual([]);
  });
});

describe.each(examples.map((e) => [e.rel, e] as const))('examples/%s', (_rel, ex) => {
  it('opens with a comment saying what it does and needs', () => {
    expect(ex.text.startsWith('#')).toBe(true);
    for (const name of ['ZEROPS_TOKEN', 'ZEROPS_CONTROL_TOKEN', 'ZEROPS_PROJECT_ID', 'ZEROPS_DEPLOY_DISABLED']) {
      const header = ex.text.slice(0, ex.text.search(/^[a-z]/m));
      expect(header).toContain(name);
    }
  });

  it('uses zerops-rollout in exactly the known forms', () => {
    const odd = ex.steps.filter((s) => s.uses && /zerops-rollout/i.test(s.uses) && !variantOf(s.uses)).map((s) => `${where(s)}: ${s.uses}`);
    expect(odd).toEqual([]);
    expect(ex.rollout.length).toBeGreaterThan(0);
    for (const s of ex.rollout) expect(ROLLOUT_USES.exec(s.uses ?? '')?.[2]).toBe('v1');
  });

  it('passes only inputs that the referenced action.yml declares', () => {
    const unknown: string[] = [];
    for (const s of ex.rollout) {
      const meta = ACTIONS[s.variant];
      for (const key of Object.keys(s.with)) if (!meta.inputs.has(key)) unknown.push(`${where(s)}: \`${key}\` is not an input of ${meta.file}`);
    }
    expect(unknown).toEqual([]);
  });

  it('passes every required input, with a scalar value', () => {
    const problems: string[] = [];
    for (const s of ex.rollout) {
      const meta = ACTIONS[s.variant];
      for (const [name, spec] of meta.inputs) {
        if (spec.required && asText(s.with[name]).trim() === '') problems.push(`${where(s)}: required input \`${name}\` of ${meta.file} is not passed`);
      }
      for (const [key, value] of Object.entries(s.with)) {
        if (value !== null && typeof value === 'object') problems.push(`${where(s)}: \`${key}\` is not a scalar`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('takes the tokens from secrets, keeps the kill switch live and shows the rollout shape', () => {
    const problems: string[] = [];
    const secret = /^\$\{\{\s*secrets\.[A-Z0-9_]+\s*\}\}$/;
    for (const s of ex.rollout) {
      for (const name of ['zerops-token', 'control-token']) {
        if (!secret.test(asText(s.with[name]))) problems.push(`${where(s)}: \`${name}\` must be \${{ secrets.NAME }}`);
      }
      const variable = asText(s.with['kill-switch-variable']) || 'ZEROPS_DEPLOY_DISABLED';
      const killSwitch = new RegExp(`^\\$\\{\\{\\s*vars\\.${variable}\\s*\\}\\}$`);
      if (!killSwitch.test(asText(s.with['kill-switch']))) problems.push(`${where(s)}: \`kill-switch\` must be \${{ vars.${variable} }}`);
      for (const name of ['verify-url', 'services', 'canary', 'batch-size', 'soak']) {
        if (asText(s.with[name]).trim() === '') problems.push(`${where(s)}: \`${name}\` is not set`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('reads only outputs that the action writes', () => {
    const ids = new Map(ex.rollout.filter((s) => s.id).map((s) => [s.id as string, ACTIONS[s.variant]]));
    const wrong: string[] = [];
    for (const m of ex.text.matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
      const meta = ids.get(m[1] ?? '');
      if (meta && !meta.outputs.has(m[2] ?? '')) wrong.push(`steps.${m[1]}.outputs.${m[2]} is not an output of ${meta.file}`);
    }
    expect(wrong).toEqual([]);
  });

  it('shows the result in a later step that always runs, through env', () => {
    for (const s of ex.rollout) {
      expect(s.id).not.toBeNull();
      const later = ex.steps.filter((o) => o.job === s.job && o.index > s.index);
      const shows = later.some(
        (o) => o.run !== null && /always\(\)/.test(asText(o.raw.if)) && Object.values(o.env).some((v) => asText(v).includes(`steps.${s.id}.outputs.result`)),
      );
      expect(shows).toBe(true);
    }
  });

  it('never expands ${{ }} inside a run script', () => {
    const bad = ex.steps.filter((s) => s.run !== null && EXPRESSION.test(s.run)).map(where);
    expect(bad).toEqual([]);
  });

  it('never hides a failure with continue-on-error', () => {
    const jobs = Object.entries(ex.jobs).filter(([, j]) => dictOf(j)['continue-on-error'] !== undefined).map(([name]) => name);
    const steps = ex.steps.filter((s) => s.raw['continue-on-error'] !== undefined).map(where);
    expect([...jobs, ...steps]).toEqual([]);
  });

  if (ex.forge === 'github') {
    it('declares the minimal permissions', () => {
      expect(ex.doc.permissions).toEqual({ contents: 'read', checks: 'read', statuses: 'read', actions: 'read', deployments: 'write' });
    });

    it('declares a concurrency group that never cancels a rollout in progress', () => {
      const c = dictOf(ex.doc.concurrency);
      expect(typeof c.group).toBe('string');
      expect(c['cancel-in-progress']).toBe(false);
    });

    it('uses the root action (GitHub runs node24)', () => {
      for (const s of ex.rollout) expect(s.variant).toBe('root');
    });
  }

  if (ex.forge === 'gitea') {
    it('declares no concurrency (Gitea 1.22 can cancel queued runs)', () => {
      expect(ex.doc.concurrency).toBeUndefined();
      for (const job of Object.values(ex.jobs)) expect(dictOf(job).concurrency).toBeUndefined();
    });

    it('declares no workflow_dispatch inputs and no workflow_run (unsupported on Gitea 1.22)', () => {
      if ('workflow_dispatch' in ex.on) expect(dictOf(ex.on.workflow_dispatch).inputs).toBeUndefined();
      expect('workflow_run' in ex.on).toBe(false);
    });

    it('uses the node20 variant (act_runner before 2025-08)', () => {
      for (const s of ex.rollout) expect(s.variant).toBe('node20');
    });
  }

  if (ex.name === 'rollback.yml') {
    it('re-activates a kept version and allows the downgrade', () => {
      for (const s of ex.rollout) {
        expect(asText(s.with.strategy)).toBe('activate');
        expect(asText(s.with['allow-downgrade'])).toBe('true');
        expect(asText(s.with.target)).not.toBe('');
        expect(asText(s.with.soak)).toMatch(/^(0|[0-9]+(ms|s))$/);
      }
    });

    if (ex.forge === 'github') {
      it('takes the target from a required string dispatch input', () => {
        const target = dictOf(dictOf(dictOf(ex.on.workflow_dispatch).inputs).target);
        expect(target).toMatchObject({ required: true, type: 'string' });
        for (const s of ex.rollout) expect(asText(s.with.target)).toMatch(/^\$\{\{\s*inputs\.target\s*\}\}$/);
      });
    }

    if (ex.forge === 'gitea') {
      it('takes the target from ZEROPS_ROLLBACK_TARGET and refuses first when it is unset', () => {
        expect('workflow_dispatch' in ex.on).toBe(true);
        for (const s of ex.rollout) {
          expect(asText(s.with.target)).toMatch(/^\$\{\{\s*vars\.ZEROPS_ROLLBACK_TARGET\s*\}\}$/);
          const guard = ex.steps.find((o) => o.job === s.job && o.index < s.index && Object.values(o.env).some((v) => asText(v).includes('vars.ZEROPS_ROLLBACK_TARGET')));
          expect(guard?.run).toMatch(/::error::/);
          expect(guard?.run).toMatch(/exit 1/);
        }
      });
    }
  }
});
