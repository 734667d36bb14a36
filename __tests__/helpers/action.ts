// Runs the committed bundle (dist/index.js) as a separate process with the runner's
// real contract: INPUT_* (every action.yml default filled in, as the runner does),
// GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, RUNNER_TEMP and GITHUB_*.
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tempDir } from './temp.js';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Simulator } from '../../sim/index.js';
import { FORGE_TOKEN, OWNER, REPO } from './world.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The committed bundle; ZR_E2E_BUNDLE points the tests at another build (e.g. a deliberately broken copy). */
export const BUNDLE = process.env.ZR_E2E_BUNDLE || join(ROOT, 'dist/index.js');

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  report: Record<string, any> | null;
  durationMs: number;
  /** Every byte the run produced: stdout, stderr, outputs, summary, report. */
  everything: string;
}

export interface RunOptions {
  sim: Simulator;
  forge?: 'github' | 'gitea';
  inputs: Record<string, string>;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The process is killed after this long; the test then fails on `code`. */
  timeoutMs?: number;
  /** Send a signal once a stdout line matches (cancellation tests). */
  signalWhen?: { line: RegExp; signal: NodeJS.Signals; delayMs?: number; onSignal?: () => void };
  /** Run each callback once, as soon as stdout so far matches its pattern (e.g. flip a switch mid-run). */
  onStdout?: Array<{ line: RegExp; run: () => void }>;
  node?: string;
  /** Run this bundle instead of BUNDLE (e.g. a deliberately broken build, to prove a check can fail). */
  bundle?: string;
}

let actionDefaults: Record<string, string> | null = null;
function defaults(): Record<string, string> {
  if (actionDefaults) return actionDefaults;
  const doc = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  actionDefaults = {};
  for (const [name, spec] of Object.entries(doc.inputs)) {
    if (spec.default === undefined) continue;
    actionDefaults[name] = spec.default === '${{ github.token }}' ? FORGE_TOKEN : spec.default;
  }
  return actionDefaults;
}

export function runnerEnv(o: RunOptions, dir: string): Record<string, string> {
  const forge = o.forge ?? 'github';
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main' } }));
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_EVENT_PATH: event,
    RUNNER_TEMP: join(dir, 'runner-temp'),
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: forge === 'github' ? o.sim.urls.github : o.sim.urls.gitea,
    GITHUB_SERVER_URL: forge === 'github' ? o.sim.urls.githubServer : o.sim.urls.giteaServer,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '17',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_JOB: 'deploy',
    GITEA_ACTIONS: forge === 'gitea' ? 'true' : undefined,
    ...o.env,
  };
  for (const [name, value] of Object.entries({ ...defaults(), ...o.inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  return clean;
}

/** How long runAction lets the child run before killing it. */
export const CHILD_KILL_MS = 60_000;
/** A test's own timeout for one runAction: longer than the child's kill, so a hung run fails on its exit code, with its output. */
export const RUN_TEST_TIMEOUT = 90_000;

export async function runAction(o: RunOptions): Promise<ActionRun> {
  const dir = tempDir('zr-e2e-');
  const env = runnerEnv(o, dir);
  writeFileSync(env.GITHUB_OUTPUT as string, '');
  writeFileSync(env.GITHUB_STEP_SUMMARY as string, '');
  const started = Date.now();
  const child = spawn(o.node ?? process.execPath, [o.bundle ?? BUNDLE], { cwd: o.cwd ?? dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  const pending = [...(o.onStdout ?? [])];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    for (let i = 0; i < pending.length; ) {
      const hook = pending[i] as { line: RegExp; run: () => void };
      if (hook.line.test(stdout)) {
        pending.splice(i, 1);
        hook.run();
      } else i++;
    }
    const when = o.signalWhen;
    if (when && !signalled && when.line.test(stdout)) {
      signalled = true;
      setTimeout(() => {
        when.onSignal?.();
        child.kill(when.signal);
      }, when.delayMs ?? 0);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const timeoutMs = o.timeoutMs ?? CHILD_KILL_MS;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('close', (c, s) => done([c, s])));
  clearTimeout(timer);
  const outputs = parseOutputFile(readFileSync(env.GITHUB_OUTPUT as string, 'utf8'));
  const summary = readFileSync(env.GITHUB_STEP_SUMMARY as string, 'utf8');
  let reportText = '';
  let report: Record<string, any> | null = null;
  if (outputs.report) {
    reportText = readFileSync(outputs.report, 'utf8');
    report = JSON.parse(reportText) as Record<string, any>;
  }
  const everything = [stdout, stderr, JSON.stringify(outputs), summary, reportText].join('\n');
  return { code, signal, stdout, stderr, outputs, summary, report, durationMs: Date.now() - started, everything };
}

/** The GITHUB_OUTPUT file format written by @actions/core: `name<<DELIM\nvalue\nDELIM`. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] as string);
    if (!m) continue;
    const [, name, delim] = m as unknown as [string, string, string];
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i] as string);
    out[name] = value.join('\n');
  }
  return out;
}

/** Annotations the action printed (`::warning title=…::message`). */
export function annotations(stdout: string, level: 'error' | 'warning' | 'notice'): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(`::${level}`))
    .map((l) => decodeURIComponent(l.replace(/^::[^:]*::/, '').replace(/%0A/g, '\n').replace(/%25/g, '%25')));
}
