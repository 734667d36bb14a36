// `npm run faults`: the fault matrix of issue 6. Runs every cell (phase × fault) as
// the real bundle against the simulator, two at a time, each with a hard deadline;
// prints the matrix, the totals, the secret scan of everything the runs produced,
// and the reasons of any failing cell. Exits non-zero if a cell fails.
//
//   npm run faults                          every cell
//   npm run faults -- --only 'deploy/*'     cells whose id matches a glob (phase/fault)
//   npm run faults -- --parallel 1          one at a time
//   npm run faults -- --json out.json       also write the results as JSON
//   npm run faults -- --list                print every cell (fault, inputs, expected outcome) and exit
//   npm run faults -- --mutants             then prove the matrix and the scan can fail: re-bundle
//                                           src/ with one safety rule removed at a time (into a temp
//                                           dir) and check the named cells catch each
//
// Needs a current bundle: run `npm run build` after changing src/.
import { writeFileSync } from 'node:fs';
import { CONTROL_TOKEN, FORGE_TOKEN, ZEROPS_TOKEN } from '../__tests__/helpers/world.js';
import { allCells, LEGEND, mark, renderTable, runMatrix, tokensOf, totals, type CellResult } from './lib/fault-matrix.js';
import { checkMutant, MUTANTS, type MutantVerdict } from './lib/mutants.js';
import { scanForSecrets } from './lib/secret-scan.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const only = arg('--only');
const parallel = Number(arg('--parallel') ?? 2);
const jsonPath = arg('--json');
const globRe = (g: string) => new RegExp(`^${g.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
const cells = allCells().filter((c) => !only || only.split(',').some((g) => globRe(g.trim()).test(c.id)));
if (cells.length === 0) {
  console.error(`No cell matches ${only}.`);
  process.exit(2);
}

if (process.argv.includes('--list')) {
  for (const c of cells) {
    const e = c.expect;
    const want = e.outcome === 'recovered' ? `recovered → ${e.result}` : `failed closed → ${e.result}${e.code ? ` (${e.code})` : ''}, message ${e.message}, mutations: ${e.mutations}`;
    console.log(`${c.id}${c.persistent ? ' [persistent]' : ''}\n  ${c.story}\n  inputs: ${JSON.stringify(c.inputs)}\n  expect: ${want}`);
  }
  process.exit(0);
}

const started = Date.now();
console.log(`Fault matrix: ${cells.length} cells, ${parallel} at a time (bundle: dist/index.js, http-timeout 1s).`);
const results = await runMatrix(cells, {
  parallel,
  onResult: (r, done, total) => {
    const line = `${String(done).padStart(3)}/${total} ${mark(r)} ${r.cell.id.padEnd(28)} ${(r.durationMs / 1000).toFixed(1).padStart(5)}s  ${r.result ?? '-'}${r.passed ? '' : `  ← ${r.problems[0]}`}`;
    console.log(line);
  },
});
const wallMs = Date.now() - started;

// The secret scan over every byte every run produced.
const TOKENS = [ZEROPS_TOKEN, FORGE_TOKEN, CONTROL_TOKEN];
let scans = 0;
let forms = 0;
let bytes = 0;
const leaks: string[] = [];
for (const r of results) {
  if (!r.run) continue;
  const scan = scanForSecrets(r.run.everything, [...tokensOf(r.cell), ...r.uploadSignatures]);
  scans++;
  forms += scan.forms;
  bytes += scan.bytes;
  for (const l of scan.leaks) leaks.push(`${r.cell.id}: ${l.secret} (${l.form}) in …${l.context}…`);
}

const t = totals(results);
console.log('');
console.log(renderTable(results));
console.log(LEGEND);
console.log('');
console.log(
  `Cells tried: ${t.tried}, passed: ${t.passed}, failed: ${t.failed}${t.known ? `, known failures: ${t.known}` : ''} ` +
    `(${t.recovered} expected to recover, ${t.failedClosed} to fail closed; ${t.persistent} with a persistent fault). Wall time ${(wallMs / 1000).toFixed(1)}s.`,
);
const echoes = results.reduce((n, r) => n + r.echoed, 0);
const echoCells = results.filter((r) => r.echoed > 0).length;
console.log(
  `Secret scan: ${scans} runs (${echoCells} with a server echoing the Authorization header back, ${echoes} echoes), ${(bytes / 1024).toFixed(0)} KiB, ` +
    `${TOKENS.length} tokens (+ the stage token in the stage cells) + ${new Set(results.flatMap((r) => r.uploadSignatures)).size} upload signatures, ${forms} needle searches: ${leaks.length} leak(s).`,
);

const failing = results.filter((r) => !r.passed);
if (failing.length > 0) {
  console.log('\nFailing cells:');
  for (const r of failing) {
    console.log(`\n✗ ${r.cell.id}${r.cell.known ? ` (known: ${r.cell.known})` : ''} — ${r.cell.story}`);
    for (const p of r.problems) console.log(`    - ${p}`);
  }
}
if (leaks.length > 0) {
  console.log('\nLeaks:');
  for (const l of leaks) console.log(`  - ${l}`);
}
let verdicts: MutantVerdict[] = [];
if (process.argv.includes('--mutants')) {
  console.log('\nMutants (each must be caught by every cell it names):');
  for (const m of MUTANTS) {
    const v = await checkMutant(m, { parallel, secrets: TOKENS });
    verdicts.push(v);
    console.log(`  ${v.missed.length === 0 ? '✓ caught ' : '✗ SURVIVED'} ${m.id.padEnd(24)} ${m.describe}`);
    for (const c of v.caught) console.log(`      ${c.cell.padEnd(20)} ${c.how.slice(0, 150)}`);
    for (const c of v.missed) console.log(`      ${c.padEnd(20)} did not notice`);
  }
}
const survived = verdicts.filter((v) => v.missed.length > 0).length;

if (jsonPath) {
  const slim = (r: CellResult) => ({ id: r.cell.id, persistent: r.cell.persistent, expect: { ...r.cell.expect, ...('message' in r.cell.expect ? { message: String(r.cell.expect.message) } : {}) }, passed: r.passed, known: r.cell.known ?? null, problems: r.problems, durationMs: r.durationMs, result: r.result, reason: r.reason, faultsApplied: r.faultsApplied });
  const mutants = verdicts.map((v) => ({ id: v.mutant.id, caught: v.caught, missed: v.missed }));
  writeFileSync(jsonPath, JSON.stringify({ wallMs, totals: t, scans, forms, bytes, echoes, echoCells, leaks, mutants, cells: results.map(slim) }, null, 2));
}
process.exit(t.failed > 0 || leaks.length > 0 || survived > 0 ? 1 : 0);
