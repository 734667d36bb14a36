// `npm run demo`: the whole release on a simulated Zerops + GitHub, on loopback.
// Starts the simulator with a 7-service production fleet, runs the committed bundle
// (dist/index.js) as a child process with the runner's real contract, streams its log
// and prints the job summary it wrote. Nothing leaves this machine.
//
//   npm run demo                 a release: checks go green, canary, soak, batches
//   npm run demo -- --break      a batch fails to build and is rolled back
//   npm run demo -- --kill       the kill switch is flipped during the soak
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { startSimulator, type Scenario, type ServiceSpec } from '../sim/index.js';
import { parseOutputFile } from '../__tests__/helpers/action.js';
import { makeDemoRepo } from './lib/demo-repo.js';
import { prettyRunnerLine } from './lib/runner-log.js';

const ROOT = resolve(import.meta.dirname, '..');
const mode = process.argv.includes('--break') ? 'break' : process.argv.includes('--kill') ? 'kill' : 'release';

const ZEROPS_TOKEN = 'demo-zerops-token-0001';
const JOB_TOKEN = 'demo-job-token-0002';
const CONTROL_TOKEN = 'demo-control-token-0003';
const PROJECT_ID = 'demoProductionProject0';
const FLEET = ['api', 'web', 'worker', 'admin', 'search', 'mailer', 'cron'];

const repo = makeDemoRepo();
const [old, previous, target] = repo.shas as [string, string, string];

const services: ServiceSpec[] = FLEET.map((hostname) => {
  const s: ServiceSpec = { hostname, versions: [{ sha: old }, { sha: previous, status: 'ACTIVE' }], deploy: { durationMs: [900, 2200] } };
  if (hostname === 'search') s.versions = [{ sha: old }, { sha: target }, { sha: previous, status: 'ACTIVE' }]; // keeps the target: activated, no build
  if (hostname === 'web') s.buildInfo = { staleMs: 700 }; // serves the old build for a moment after the switch
  if (hostname === 'mailer' && mode === 'break') s.deploy = { durationMs: 1200, failAt: 'build' };
  return s;
});

const scenario: Scenario = {
  seed: 2026,
  zerops: {
    pendingMs: 150,
    tokens: [{ value: ZEROPS_TOKEN, projects: [PROJECT_ID] }],
    projects: [
      {
        id: PROJECT_ID,
        name: 'shop-production',
        services: [...services, { hostname: 'db', type: 'postgresql@16', category: 'STANDARD', versions: [] }],
      },
    ],
  },
  github: {
    owner: 'acme',
    repo: 'shop',
    defaultBranch: 'main',
    commits: repo.shas.map((sha, i) => ({ sha, message: `release ${i + 1}` })),
    branches: { main: target },
    tags: { 'v1.4.0': target },
    tokens: [
      { value: JOB_TOKEN, variables: false },
      { value: CONTROL_TOKEN, variables: true },
    ],
    run: { id: 9001, checkSuiteId: 501 },
    checkRuns: {
      [target]: [
        { name: 'test', timeline: [{ status: 'in_progress' }, { afterMs: 2500, status: 'completed', conclusion: 'success' }] },
        { name: 'lint', status: 'completed', conclusion: 'success' },
        { name: 'release', status: 'in_progress', suiteId: 501 }, // this job itself
      ],
    },
    variables: { ZEROPS_DEPLOY_DISABLED: 'false' },
  },
};

const sim = await startSimulator(scenario);
const dir = mkdtempSync(join(tmpdir(), 'zerops-rollout-demo-'));
const files = { output: join(dir, 'output'), summary: join(dir, 'summary.md'), event: join(dir, 'event.json') };
writeFileSync(files.output, '');
writeFileSync(files.summary, '');
writeFileSync(files.event, JSON.stringify({ ref: 'refs/tags/v1.4.0', repository: { full_name: 'acme/shop', default_branch: 'main' } }));

const inputs: Record<string, string> = {
  'zerops-token': ZEROPS_TOKEN,
  'zerops-api-url': sim.urls.zerops,
  'project-id': PROJECT_ID,
  services: FLEET.join(', '),
  canary: 'api',
  'batch-size': '3',
  soak: '4s',
  'poll-interval': '300ms',
  setup: 'app',
  'verify-url': `${sim.urls.buildInfo}/{service}/build-info`,
  'verify-timeout': '20s',
  'control-token': CONTROL_TOKEN,
  'kill-switch': 'false',
  'source-dir': repo.dir,
};
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: dir,
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_OUTPUT: files.output,
  GITHUB_STEP_SUMMARY: files.summary,
  GITHUB_EVENT_PATH: files.event,
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REF: 'refs/tags/v1.4.0',
  GITHUB_SHA: target,
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_API_URL: sim.urls.github,
  GITHUB_SERVER_URL: sim.urls.githubServer,
  GITHUB_RUN_ID: '9001',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW: 'Release',
  GITHUB_JOB: 'release',
  RUNNER_TEMP: join(dir, 'runner-temp'),
};
// The runner passes every input, defaults included, as INPUT_<NAME>.
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
for (const [name, spec] of Object.entries(action.inputs)) {
  const value = inputs[name] ?? (spec.default === '${{ github.token }}' ? JOB_TOKEN : spec.default);
  if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = value;
}

const bold = (s: string) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);
console.log(bold('zerops-rollout demo') + ` — simulated Zerops + GitHub on loopback (${mode})`);
console.log(`  repository acme/shop, target v1.4.0 = ${target.slice(0, 12)}; fleet: ${FLEET.join(', ')} (+ a database, not released)`);
console.log(`  running: node dist/index.js  (the committed bundle, as a runner would)\n`);

const child = spawn(process.execPath, [join(ROOT, 'dist/index.js')], { cwd: repo.dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
let buffer = '';
let flipped = false;
child.stdout.on('data', (chunk: Buffer) => {
  buffer += chunk.toString('utf8');
  let nl: number;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    const pretty = prettyRunnerLine(line, process.stdout.isTTY ?? false);
    if (pretty !== null) console.log(pretty);
    if (mode === 'kill' && !flipped && line.includes('▶ soak started')) {
      flipped = true;
      setTimeout(() => {
        console.log(bold('\n  [demo] an operator sets ZEROPS_DEPLOY_DISABLED=true during the soak\n'));
        sim.setVariable('github', 'ZEROPS_DEPLOY_DISABLED', 'true');
      }, 1200);
    }
  }
});
const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));

const outputs = parseOutputFile(readFileSync(files.output, 'utf8'));
console.log(`\n${bold('Outputs')}`);
for (const [k, v] of Object.entries(outputs)) console.log(`  ${k} = ${v}`);
console.log(`\n${bold('Job summary')} (${files.summary}; Markdown as GitHub renders it)\n`);
console.log(readFileSync(files.summary, 'utf8'));
const mutations = sim.mutations();
console.log(`${bold('Simulator')}: ${sim.log.length} requests served, ${mutations.length} of them mutating Zerops calls.`);
await sim.close();
process.exit(mode === 'release' ? code : 0);
