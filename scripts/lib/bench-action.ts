// Runs the bundled action (dist/index.js) as a child process with the runner's real
// contract, and places its spawn and exit on the simulator's clock, so the request
// log can be read against them (start-up = spawn → first logged request).
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RequestLogEntry, Simulator } from '../../sim/index.js';
import { parseOutputFile, runnerEnv } from '../../__tests__/helpers/action.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BUNDLE = join(ROOT, 'dist/index.js');

export interface BundleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Spawn and exit of the child, in the simulator's log time (ms since it started). */
  spawnT: number;
  exitT: number;
  /** Log entries made by this run (after the spawn), in arrival order. */
  entries: RequestLogEntry[];
  report: Record<string, any> | null;
  outputs: Record<string, string>;
  tail: string;
}

export interface BundleOptions {
  sim: Simulator;
  node: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs: number;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Another build of the action (experiments); default dist/index.js. */
  bundle?: string;
}

/**
 * The simulator's log time "now", read by a marker request it logs (an unknown
 * build-info host, answered 404): the entry's `t` sits between our send and receipt,
 * so the midpoint maps our clock onto its clock to within the loopback round trip.
 */
export async function simClock(sim: Simulator): Promise<{ offset: number; seq: number }> {
  const url = new URL(`${sim.urls.buildInfo}/zz-bench-clock-mark/build-info`);
  const before = sim.log.length;
  const t0 = performance.now();
  await new Promise<void>((done, fail) => {
    const req = request(url, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', done);
    });
    req.on('timeout', () => req.destroy(new Error('clock mark timed out')));
    req.on('error', fail);
    req.end();
  });
  const t1 = performance.now();
  const entry = sim.log.slice(before).find((e) => e.path === url.pathname);
  if (!entry) throw new Error('the clock mark was not logged');
  return { offset: (t0 + t1) / 2 - entry.t, seq: entry.seq };
}

export async function runBundle(o: BundleOptions): Promise<BundleRun> {
  const dir = mkdtempSync(join(tmpdir(), 'zr-bench-'));
  try {
    const env = runnerEnv({ sim: o.sim, inputs: o.inputs, env: o.env }, dir);
    writeFileSync(env.GITHUB_OUTPUT as string, '');
    writeFileSync(env.GITHUB_STEP_SUMMARY as string, '');
    const clock = await simClock(o.sim);
    const spawnedAt = performance.now();
    const child = spawn(o.node, [...(o.nodeArgs ?? []), o.bundle ?? BUNDLE], { cwd: o.cwd ?? dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer) => {
      tail = (tail + d.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let exitedAt = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
      child.on('exit', (c, s) => {
        exitedAt = performance.now();
        done([c, s]);
      }),
    );
    clearTimeout(timer);
    // 'exit' can precede the end of the pipes; the outputs are files, read them now.
    const outputs = parseOutputFile(readFileSync(env.GITHUB_OUTPUT as string, 'utf8'));
    const report = outputs.report ? (JSON.parse(readFileSync(outputs.report, 'utf8')) as Record<string, any>) : null;
    const entries = o.sim.log.filter((e) => e.seq > clock.seq);
    return { code, signal, spawnT: spawnedAt - clock.offset, exitT: exitedAt - clock.offset, entries, report, outputs, tail };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
