// Deliberately broken builds of the action, to prove the fault matrix and the secret
// scan can fail: each mutant re-bundles src/ with one safety rule removed (into a temp
// directory — dist/ is never touched) and names the cells that must catch it.
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { bundleOptions, noUnusedHttpClient } from '../bundle-options.mjs';
import { allCells, runMatrix } from './fault-matrix.js';
import { scanForSecrets } from './secret-scan.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Edit {
  /** Path under src/, e.g. `http/client.ts`. */
  file: string;
  from: string;
  to: string;
}

export interface Mutant {
  id: string;
  describe: string;
  edits: Edit[];
  /** Cells that must notice: by failing their assertions (`matrix`) or by the scan finding a token (`scan`). */
  cells: string[];
  caughtBy: 'matrix' | 'scan';
}

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'blind-retry',
    describe: 'the HTTP client retries non-idempotent calls on 5xx/reset/timeout (a blind repeat)',
    edits: [{ file: 'http/client.ts', from: '  if (!idempotent) return false;\n', to: '' }],
    cells: ['deploy/500', 'deploy/reset', 'rollback/502'],
    caughtBy: 'matrix',
  },
  {
    id: 'no-read-retry',
    describe: 'nothing is retried (not even reads)',
    edits: [{ file: 'http/client.ts', from: "  if (err.kind === 'aborted') return false;\n  if (err.rateLimited) return true;", to: '  return false;' }],
    cells: ['target/500', 'services/reset', 'checks/reset', 'process/hang'],
    caughtBy: 'matrix',
  },
  {
    id: 'kill-switch-fails-open',
    describe: 'an unreadable kill-switch variable counts as "not set"',
    edits: [{ file: 'forge/variables.ts', from: "return { kind: 'unreadable', detail: capText(err instanceof Error ? err.message : String(err), 240) };", to: "return { kind: 'unset' };" }],
    cells: ['kill-switch/500', 'kill-switch/hang'],
    caughtBy: 'matrix',
  },
  {
    id: 'no-redaction',
    describe: 'the redactor passes every text through',
    edits: [{ file: 'util/redact.ts', from: '  redact(text: string): string {\n', to: '  redact(text: string): string {\n    return text;\n' }],
    cells: ['services/500', 'services/504', 'kill-switch/429', 'target/403-rl'],
    caughtBy: 'scan',
  },
  {
    id: 'cap-before-redact',
    describe: 'error text is capped before it is redacted (a token cut in half escapes)',
    edits: [{ file: 'http/client.ts', from: 'capText(this.opts.redactor.redact(said), 200)', to: 'this.opts.redactor.redact(capText(said, 200))' }],
    cells: ['services/503', 'target/503'],
    caughtBy: 'scan',
  },
  {
    id: 'no-base64-redaction',
    describe: 'the redactor forgets the encoded forms of a secret',
    edits: [{ file: 'util/redact.ts', from: '    for (const form of encodedForms(s)) this.secrets.add(form);\n', to: '' }],
    cells: ['services/504', 'target/504'],
    caughtBy: 'scan',
  },
];

/** Bundles src/index.ts with the mutant's edits into a temp directory; returns the bundle's path. */
export async function buildMutant(m: Mutant): Promise<string> {
  const pending = new Map(m.edits.map((e) => [e, false]));
  const plugin: Plugin = {
    name: 'mutate',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        const edits = m.edits.filter((e) => args.path.replace(/\\/g, '/').endsWith(`/src/${e.file}`));
        if (edits.length === 0) return undefined;
        let text = readFileSync(args.path, 'utf8');
        for (const e of edits) {
          if (!text.includes(e.from)) throw new Error(`mutant ${m.id}: ${e.file} no longer contains ${JSON.stringify(e.from)} — update the mutant`);
          text = text.replace(e.from, e.to);
          pending.set(e, true);
        }
        return { contents: text, loader: 'ts' };
      });
    },
  };
  const outdir = mkdtempSync(join(tmpdir(), `zr-mutant-${m.id}-`));
  await build({
    ...bundleOptions,
    absWorkingDir: ROOT,
    entryPoints: { index: 'src/index.ts' },
    outdir,
    plugins: [plugin, noUnusedHttpClient],
    logLevel: 'error',
  });
  for (const [e, done] of pending) if (!done) throw new Error(`mutant ${m.id}: src/${e.file} was never loaded — update the mutant`);
  return join(outdir, 'index.js');
}

export interface MutantVerdict {
  mutant: Mutant;
  /** Cells that noticed the broken rule, with how. */
  caught: Array<{ cell: string; how: string }>;
  /** Cells that did not: the mutant survived them. */
  missed: string[];
}

/** Builds the mutant and runs its cells against it; every cell must catch it. */
export async function checkMutant(m: Mutant, o: { parallel?: number; secrets: readonly string[] }): Promise<MutantVerdict> {
  const bundle = await buildMutant(m);
  const cells = allCells().filter((c) => m.cells.includes(c.id));
  if (cells.length !== m.cells.length) throw new Error(`mutant ${m.id}: unknown cell in ${m.cells.join(', ')}`);
  const results = await runMatrix(cells, { parallel: o.parallel ?? 2, bundle }).finally(() => rmSync(dirname(bundle), { recursive: true, force: true }));
  const caught: MutantVerdict['caught'] = [];
  const missed: string[] = [];
  for (const r of results) {
    if (m.caughtBy === 'matrix') {
      if (r.passed) missed.push(r.cell.id);
      else caught.push({ cell: r.cell.id, how: r.problems[0] ?? 'failed' });
    } else {
      const leak = r.run ? scanForSecrets(r.run.everything, o.secrets).leaks[0] : undefined;
      if (leak) caught.push({ cell: r.cell.id, how: `${leak.secret} found (${leak.form})` });
      else missed.push(r.cell.id);
    }
  }
  return { mutant: m, caught, missed };
}
