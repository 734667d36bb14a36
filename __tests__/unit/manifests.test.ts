// Both action manifests and every workflow we ship must load where they run. They are
// read with @actions/workflow-parser — the schema and expression rules GitHub applies to
// action.yml and workflow files — so an error here is the error a user would see
// (e.g. "Unrecognized named-value: 'vars'" for an expression in an input description).
// The package is ESM and imports its JSON schemas without import attributes, which plain
// Node refuses; Jest's ESM loader (--experimental-vm-modules) reads them itself, on
// Node 20 and 24 alike.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction, type ActionRunsNode } from '@actions/workflow-parser/actions/index';
import { actionManifest, actionManifestDoc, expressionProblems, manifestText, MARKETPLACE_DESCRIPTION_LIMIT } from '../../scripts/lib/action-manifest.js';
import { parse } from 'yaml';
import { INPUTS, OUTPUTS, type InputSpec } from '../../src/settings/inputs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MANIFESTS = ['action.yml', 'node20/action.yml'];

function workflowFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...workflowFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(relative(ROOT, path).split(sep).join('/'));
  }
  return out.sort();
}

/** Parses and converts an action manifest the way the runner does; returns its errors and the typed template. */
function loadAction(name: string, content: string) {
  const parsed = parseAction({ name, content }, new NoOperationTraceWriter());
  const template = parsed.value ? convertActionTemplate(parsed.context, parsed.value) : undefined;
  return { errors: parsed.context.errors.getErrors().map((e) => e.message), template };
}

async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value) return errors.length > 0 ? errors : [`${name}: nothing parsed`];
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  const converted = (template.errors ?? []).map((e) => e.Message);
  return [...new Set([...errors, ...converted])];
}

const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

describe('action manifests load with the runner\'s parser', () => {
  it.each(MANIFESTS)('%s has no errors', (rel) => {
    expect(loadAction(rel, read(rel)).errors).toEqual([]);
  });

  it.each([
    ['action.yml', 'node24', 'dist/index.js'],
    ['node20/action.yml', 'node20', 'index.js'],
  ])('%s runs %s from an existing file inside the action directory', (rel, using, main) => {
    const runs = loadAction(rel, read(rel)).template?.runs as ActionRunsNode | undefined;
    expect(runs).toEqual({ using, main });
    expect(existsSync(join(ROOT, dirname(rel), main))).toBe(true);
  });

  it.each(MANIFESTS)('%s keeps `${{` only in the github-token default', (rel) => {
    const lines = read(rel).split('\n').filter((line) => line.includes('${{'));
    expect(lines.map((l) => l.trim())).toEqual(['default: ${{ github.token }}']);
  });
});

// The parser itself is the oracle for what the generator must refuse; these pin that it
// still judges the way the runner does, so the checks above cannot pass vacuously.
describe('the parser rejects what the runner rejects', () => {
  const manifest = (input: string) =>
    `name: t\ndescription: t\ninputs:\n  x:\n${input}\nruns:\n  using: node24\n  main: index.js\n`;

  it('rejects an expression on `vars` in an input description', () => {
    expect(loadAction('m.yml', manifest('    description: e.g. ${{ vars.X }}')).errors).toEqual(["m.yml (Line: 5, Col: 18): Unrecognized named-value: 'vars'"]);
  });

  it('rejects `secrets` or `vars` in an input default but accepts `github.token`', () => {
    expect(loadAction('m.yml', manifest('    default: ${{ secrets.X }}')).errors).toEqual(["m.yml (Line: 5, Col: 14): Unrecognized named-value: 'secrets'"]);
    expect(loadAction('m.yml', manifest('    default: ${{ vars.X }}')).errors).toEqual(["m.yml (Line: 5, Col: 14): Unrecognized named-value: 'vars'"]);
    expect(loadAction('m.yml', manifest('    default: ${{ github.token }}')).errors).toEqual([]);
  });

  it('rejects an unknown branding icon and runtime', async () => {
    const bad = 'name: t\ndescription: t\nbranding:\n  icon: no-such-icon\n  color: blue\nruns:\n  using: node99\n  main: index.js\n';
    const errors = loadAction('m.yml', bad).errors;
    expect(errors.some((e) => /no-such-icon/.test(e))).toBe(true);
    expect(errors.some((e) => /node99/.test(e))).toBe(true);
  });

  it('rejects an unknown context in a workflow', async () => {
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nope.x }}\n';
    expect(await workflowErrors('w.yml', bad)).toEqual(["w.yml (Line: 6, Col: 14): Unrecognized named-value: 'nope'"]);
  });
});

describe('the generator refuses a manifest the runner would not load', () => {
  const withInput = (extra: InputSpec) => [...INPUTS, extra];

  it('refuses an expression in an input description, naming the input', () => {
    const table = withInput({ name: 'x', actionDefault: '', description: 'e.g. `${{ vars.ZEROPS_DEPLOY_DISABLED }}`' });
    expect(() => actionManifest('node24', 'dist/index.js', table, OUTPUTS)).toThrow(/inputs\.x\.description: .*evaluates `\$\{\{` in every string/);
  });

  it('refuses an expression in an output description', () => {
    const outputs = [...OUTPUTS, { name: 'y', description: 'like ${{ steps.a.outputs.b }}' }];
    expect(() => actionManifest('node20', 'index.js', INPUTS, outputs)).toThrow(/outputs\.y\.description/);
  });

  it('refuses an input default on a context input defaults cannot see', () => {
    for (const actionDefault of ['${{ vars.X }}', '${{ secrets.X }}', 'a ${{ github.token }}', '${{ github.token || vars.X }}']) {
      expect(() => actionManifest('node24', 'dist/index.js', withInput({ name: 'x', actionDefault, description: 'd' }), OUTPUTS)).toThrow(/inputs\.x\.default: .*may only be one/);
    }
  });

  it('accepts the github.token default, and what it writes the parser accepts', () => {
    const text = actionManifest('node24', 'dist/index.js', withInput({ name: 'x', actionDefault: '${{ github.run_id }}', description: 'd' }), OUTPUTS);
    expect(loadAction('action.yml', text).errors).toEqual([]);
  });

  it('agrees with the parser on every string it lets through or refuses', () => {
    const samples = ['plain', 'costs $5 {{ not an expression }}', '${{ vars.X }}', '${{ github.token }}', '${{ runner.temp }}', '${{ inputs.y }}'];
    for (const sample of samples) {
      const asDefault = expressionProblems({ inputs: { x: { default: sample } } }).length === 0;
      const parserDefault = loadAction('m.yml', `name: t\ndescription: t\ninputs:\n  x:\n    default: ${JSON.stringify(sample)}\nruns:\n  using: node24\n  main: i.js\n`).errors.length === 0;
      // The generator may be stricter than the parser, never looser.
      if (asDefault) expect(parserDefault).toBe(true);
      const asDescription = expressionProblems({ inputs: { x: { description: sample } } }).length === 0;
      const parserDescription = loadAction('m.yml', `name: t\ndescription: t\ninputs:\n  x:\n    description: ${JSON.stringify(sample)}\nruns:\n  using: node24\n  main: i.js\n`).errors.length === 0;
      if (asDescription) expect(parserDescription).toBe(true);
    }
  });
});

// Rules GitHub applies only when a release is published to the Marketplace; the parser
// does not know them, so a manifest that breaks one loads fine and then cannot be listed.
describe('the root action.yml can be listed on GitHub Marketplace', () => {
  it('has a description shorter than 125 characters', () => {
    const doc = parse(read('action.yml')) as { description: string };
    expect(doc.description.length).toBeLessThan(MARKETPLACE_DESCRIPTION_LIMIT);
  });

  it('the generator refuses a description Marketplace would refuse', () => {
    const doc = actionManifestDoc('node24', 'dist/index.js', INPUTS, OUTPUTS);
    expect(() => manifestText({ ...doc, description: 'x'.repeat(125) })).toThrow(/description: 125 characters — Marketplace requires fewer than 125/);
    expect(() => manifestText({ ...doc, description: 'x'.repeat(124) })).not.toThrow();
  });
});

const WORKFLOWS = [...workflowFiles(join(ROOT, 'examples')), ...workflowFiles(join(ROOT, '.github', 'workflows'))];

describe('workflows load with the runner\'s parser', () => {
  it('finds the examples and the CI workflow', () => {
    expect(WORKFLOWS).toEqual(expect.arrayContaining(['examples/github/deploy-main.yml', 'examples/gitea/rollback.yml', '.github/workflows/ci.yml']));
  });

  it.each(WORKFLOWS)('%s has no errors', async (rel) => {
    expect(await workflowErrors(rel, read(rel))).toEqual([]);
  });
});
