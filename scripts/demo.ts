// `npm run demo`: the whole release on a simulated Zerops + GitHub, on loopback.
// Starts the simulator with a 7-service production fleet, runs the committed bundle
// (dist/index.js) as a child process with the runner's real contract, streams its log
// and prints the job summary it wrote. Nothing leaves this machine.
//
//   npm run demo                 a release: checks go green, canary, soak, batches
//   npm run demo -- --break      a batch fails to build and is rolled back
//   npm run demo -- --kill       the kill switch is flipped during the soak
//   npm run demo -- --cli        the same plan rehearsed with the CLI: `zerops-rollout --dry-run`
//   npm run demo -- --unproven   stage still runs an older commit on one service: refused, nothing changed
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startSimulator } from '../sim/index.js';
import { parseOutputFile } from '../__tests__/helpers/action.js';
import { DEMO, demoWorld, type DemoMode } from './lib/demo-world.js';
import { prettyRunnerLine } from './lib/runner-log.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODES: DemoMode[] = ['break', 'kill', 'cli', 'unproven'];
const mode: DemoMode = MODES.find((m) => process.argv.includes(`--${m}`)) ?? 'release';

const world = demoWorld(mode);
const { repo, target, scenario } = world;
const FLEET = DEMO.fleet;

const sim = await startSimulator(scenario);
const dir = mkdtempSync(join(tmpdir(), 'zerops-rollout-demo-'));
const files = { output: join(dir, 'output'), summary: join(dir, 'summary.md'), event: join(dir, 'event.json') };
writeFileSync(files.output, '');
writeFileSync(files.summary, '');
writeFileSync(files.event, JSON.stringify({ ref: 'refs/tags/v1.4.0', repository: { full_name: 'acme/shop', default_branch: 'main' } }));

const inputs = world.inputs(sim);
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
  GITHUB_RUN_ID: String(DEMO.runId),
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW: 'Release',
  GITHUB_JOB: 'release',
  RUNNER_TEMP: join(dir, 'runner-temp'),
};
// The runner passes every input, defaults included, as INPUT_<NAME>.
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
for (const [name, spec] of Object.entries(action.inputs)) {
  const value = inputs[name] ?? (spec.default === '${{ github.token }}' ? DEMO.jobToken : spec.default);
  if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = value;
}

const bold = (s: string) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);
console.log(bold('zerops-rollout demo') + ` — simulated Zerops + GitHub on loopback (${mode})`);
console.log(`  repository acme/shop, target v1.4.0 = ${target.slice(0, 12)}; fleet: ${FLEET.join(', ')} (+ a database and a mailpit, not released)`);
console.log(`  stage project shop-stage: ${mode === 'unproven' ? 'web still runs the previous release there' : 'the target has run there for 2h'} (the proof asks for 30m)`);
console.log(mode === 'cli' ? '  running: node dist/cli.js --dry-run  (the CLI, as on a laptop or GitLab CI)\n' : `  running: node dist/index.js  (the committed bundle, as a runner would)\n`);

// The CLI takes the same inputs as flags (and tokens from the environment); the action takes INPUT_*.
const cliArgs = ['--dry-run', '--repository', 'acme/shop', '--forge-api-url', sim.urls.github, '--target', DEMO.tag];
for (const [name, value] of Object.entries(inputs)) if (!name.endsWith('-token')) cliArgs.push(`--${name}`, value);
const child =
  mode === 'cli'
    ? spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...cliArgs], {
        cwd: repo.dir,
        env: { PATH: env.PATH, HOME: dir, ZEROPS_TOKEN: DEMO.zeropsToken, GITHUB_TOKEN: DEMO.jobToken, ZEROPS_ROLLOUT_CONTROL_TOKEN: DEMO.controlToken, ZEROPS_STAGE_TOKEN: DEMO.stageToken },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, [join(ROOT, 'dist/index.js')], { cwd: repo.dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
if (mode === 'cli') {
  console.log(`  $ zerops-rollout ${cliArgs.map((a) => (/[\s{}]/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
  child.stderr?.on('data', (d: Buffer) => process.stdout.write(d));
}
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

if (mode === 'cli') {
  console.log(`\n${bold('Simulator')}: ${sim.log.length} requests served, ${sim.mutations().length} mutating Zerops calls (a dry run makes none).`);
  await sim.close();
  process.exit(code);
}
const outputs = parseOutputFile(readFileSync(files.output, 'utf8'));
console.log(`\n${bold('Outputs')}`);
for (const [k, v] of Object.entries(outputs)) console.log(`  ${k} = ${v}`);
console.log(`\n${bold('Job summary')} (${files.summary}; Markdown as GitHub renders it)\n`);
console.log(readFileSync(files.summary, 'utf8'));
const mutations = sim.mutations();
console.log(`${bold('Simulator')}: ${sim.log.length} requests served, ${mutations.length} of them mutating Zerops calls.`);
await sim.close();
process.exit(mode === 'release' ? code : 0);
