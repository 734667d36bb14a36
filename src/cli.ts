#!/usr/bin/env node
// The same release engine as a command: `npx zerops-rollout --project-id … --services …`.
// Flags mirror the action's inputs; each also falls back to ZEROPS_ROLLOUT_<INPUT>
// (and ZEROPS_TOKEN / GITHUB_TOKEN). For GitLab CI, a laptop rehearsal (--dry-run), or a rollback.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { run } from './main.js';
import type { Logger, RunnerIO } from './ports.js';
import type { ServiceRecord } from './rollout/records.js';
import { cancelOnSignals } from './runner/signals.js';
import { INPUTS, type InputSpec } from './settings/inputs.js';
import { realClock } from './util/sleep.js';
import { VERSION } from './version.js';

const BOOLEAN_INPUTS = new Set(['dry-run', 'allow-downgrade', 'verify-allow-http']);
const EXTRA = {
  repository: { type: 'string', description: 'owner/name of the repository (GITHUB_REPOSITORY)' },
  'forge-api-url': { type: 'string', description: 'GitHub/Gitea API URL (GITHUB_API_URL), e.g. https://gitea.example.com/api/v1' },
  'server-url': { type: 'string', description: 'GitHub/Gitea server URL (GITHUB_SERVER_URL)' },
  'summary-file': { type: 'string', description: 'also write the Markdown summary to this file' },
  'report-dir': { type: 'string', description: 'directory for the JSON report (default: the system temp dir)' },
  help: { type: 'boolean', description: 'show this help' },
  version: { type: 'boolean', description: 'print the version' },
} as const;

function envName(input: string): string {
  return `ZEROPS_ROLLOUT_${input.toUpperCase().replace(/-/g, '_')}`;
}

function usage(): string {
  const lines = [
    `zerops-rollout ${VERSION} — release a verified commit to a production Zerops project`,
    '',
    'Usage: zerops-rollout --project-id <id> --services <list> [options]',
    '',
    'Options (each also read from the environment variable shown):',
  ];
  for (const spec of INPUTS) {
    const def = spec.actionDefault && !spec.actionDefault.includes('${{') ? ` (default: ${spec.actionDefault})` : '';
    const env = [envName(spec.name), spec.env].filter(Boolean).join(', ');
    lines.push(`  --${spec.name}${BOOLEAN_INPUTS.has(spec.name) ? '' : ' <value>'}${def}`, `      ${firstSentence(spec)} [${env}]`);
  }
  for (const [name, o] of Object.entries(EXTRA)) lines.push(`  --${name}${o.type === 'string' ? ' <value>' : ''}`, `      ${o.description}`);
  lines.push('', 'Exit status: 0 for success, noop, disabled, superseded, dry-run; 1 for halted, failed, rolled-back; 2 for bad usage.');
  return lines.join('\n');
}

function firstSentence(spec: InputSpec): string {
  return spec.description.replace(/`/g, '').split(/(?<=\.)\s/)[0] ?? spec.description;
}

function main(): Promise<number> | number {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const spec of INPUTS) options[spec.name] = { type: BOOLEAN_INPUTS.has(spec.name) ? 'boolean' : 'string' };
  for (const [name, o] of Object.entries(EXTRA)) options[name] = { type: o.type };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    process.stderr.write(`zerops-rollout: ${err instanceof Error ? err.message : String(err)}\nRun with --help for the options.\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const env: Record<string, string | undefined> = { ...process.env };
  if (typeof values.repository === 'string') env.GITHUB_REPOSITORY = values.repository;
  if (typeof values['forge-api-url'] === 'string') env.GITHUB_API_URL = values['forge-api-url'];
  if (typeof values['server-url'] === 'string') env.GITHUB_SERVER_URL = values['server-url'];

  const readInput = (name: string): string => {
    const flag = values[name];
    if (typeof flag === 'boolean') return String(flag);
    if (typeof flag === 'string') return flag;
    const fromEnv = env[envName(name)];
    if (fromEnv !== undefined) return fromEnv;
    const def = INPUTS.find((i) => i.name === name)?.actionDefault ?? '';
    return def.includes('${{') ? '' : def;
  };
  const tty = !!process.stdout.isTTY && !env.CI;
  const reportDir = typeof values['report-dir'] === 'string' ? values['report-dir'] : env.RUNNER_TEMP || tmpdir();
  let summary = '';
  const runner: RunnerIO = {
    setOutput: (name, value) => {
      if (env.GITHUB_OUTPUT) return; // never inside a runner: the action does that
      if (!tty) process.stdout.write(`${name}=${value}\n`);
    },
    appendSummary: async (markdown) => {
      summary += markdown;
    },
    mask: () => undefined,
    tempDir: () => reportDir,
  };
  const signal = cancelOnSignals((s) => process.stderr.write(`\n${s} received: stopping — no new change will start.\n`));
  return run({ readInput, env, log: terminalLogger(tty), runner, clock: realClock, signal }).then((outcome) => {
    if (tty) process.stderr.write(`\n${serviceTable(outcome.facts.records)}\n`);
    const file = values['summary-file'];
    if (typeof file === 'string') writeFileSync(file, summary);
    if (outcome.reportPath) process.stderr.write(`Report: ${outcome.reportPath}\n`);
    return outcome.exitCode;
  });
}

/** One line per service, for a terminal. */
function serviceTable(records: readonly ServiceRecord[]): string {
  if (records.length === 0) return '';
  const rows = records.map((r) => [r.hostname, r.stage, `${r.before.sha?.slice(0, 7) ?? '—'} → ${r.after.sha?.slice(0, 7) ?? '—'}`, r.strategy, r.outcome, r.reason ?? '']);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  return rows.map((row) => row.map((c, i) => (i < 5 ? c.padEnd(widths[i] as number) : c)).join('  ').trimEnd()).join('\n');
}

/** Colours, timestamps and a transient progress line on a terminal; plain, greppable lines in CI. */
function terminalLogger(tty: boolean): Logger {
  const started = Date.now();
  const paint = (code: string, s: string) => (tty ? `\u001b[${code}m${s}\u001b[0m` : s);
  const stamp = () => (tty ? paint('2', `[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] `) : '');
  let transient = false;
  const out = (line: string) => {
    if (transient) process.stderr.write('\r\u001b[2K');
    transient = false;
    process.stderr.write(`${stamp()}${line}\n`);
  };
  return {
    progress: (m) => {
      if (!tty) return;
      process.stderr.write(`\r\u001b[2K${stamp()}${paint('2', `… ${m}`)}`);
      transient = true;
    },
    debug: (m) => {
      if (process.env.ZEROPS_ROLLOUT_DEBUG) out(paint('2', `debug: ${m}`));
    },
    info: (m) => out(m),
    notice: (m, t) => out(paint('36', `notice${t ? ` (${t})` : ''}: ${m}`)),
    warning: (m, t) => out(paint('33', `warning${t ? ` (${t})` : ''}: ${m}`)),
    error: (m, t) => out(paint('31', `error${t ? ` (${t})` : ''}: ${m}`)),
    group: async (title, fn) => {
      out(paint('1', `── ${title}`));
      return fn();
    },
  };
}

Promise.resolve(main()).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`zerops-rollout crashed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
