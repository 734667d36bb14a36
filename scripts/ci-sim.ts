// For .github/workflows/ci.yml: starts the simulator around this very checkout (its
// repository name, default branch, run id and commit), writes the URLs and fake tokens
// to $GITHUB_ENV for the `uses: ./` step, and keeps serving until the job ends.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha, startSimulator, type Scenario } from '../sim/index.js';

const env = process.env;
const [owner = 'acme', repo = 'shop'] = (env.GITHUB_REPOSITORY ?? 'acme/shop').split('/');
const target = (env.GITHUB_SHA ?? sha('ci-target')).toLowerCase();
const deployed = sha('ci-previous-release');
let defaultBranch = 'main';
try {
  const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8')) as { repository?: { default_branch?: string } };
  defaultBranch = event.repository?.default_branch ?? defaultBranch;
} catch {
  /* no event file: keep main */
}
const runId = Number(env.GITHUB_RUN_ID ?? 1);
const tokens = { zerops: 'ci-sim-zerops-token-0001', forge: 'ci-sim-forge-token-0002', control: 'ci-sim-control-token-0003' };
const project = 'ciSimProductionProject';

const services = ['api', 'web', 'worker', 'admin'].map((hostname) => ({ hostname, versions: [{ sha: deployed }], deploy: { durationMs: [300, 900] as [number, number] } }));
const scenario: Scenario = {
  seed: 'ci',
  zerops: { tokens: [{ value: tokens.zerops, projects: [project] }], projects: [{ id: project, name: 'production', services }] },
  github: {
    owner,
    repo,
    defaultBranch,
    commits: [{ sha: deployed, message: 'previous release' }, { sha: target, parents: [deployed], message: 'this commit' }],
    branches: { [defaultBranch]: target },
    tokens: [
      { value: tokens.forge, variables: false },
      { value: tokens.control, variables: true },
    ],
    run: { id: runId, checkSuiteId: 777 },
    checkRuns: {
      [target]: [
        { name: 'unit', timeline: [{ status: 'in_progress' }, { afterPolls: 2, status: 'completed', conclusion: 'success' }] },
        { name: 'action (uses: ./)', status: 'in_progress', suiteId: 777 },
      ],
    },
    variables: { ZEROPS_DEPLOY_DISABLED: 'false' },
  },
};

// The build strategy sends a zerops.yaml with a setup per service; this repository has none of its own.
const zeropsYaml = join(env.RUNNER_TEMP ?? tmpdir(), 'ci-zerops.yaml');
writeFileSync(zeropsYaml, `zerops:\n${services.map((s) => `  - setup: ${s.hostname}\n    build:\n      deployFiles: ./\n    run:\n      start: node dist/index.js\n`).join('')}`);

const sim = await startSimulator(scenario);
const lines = {
  SIM_ZEROPS_URL: sim.urls.zerops,
  SIM_FORGE_URL: sim.urls.github,
  SIM_BUILD_INFO: `${sim.urls.buildInfo}/{service}/build-info`,
  SIM_PROJECT_ID: project,
  SIM_ZEROPS_TOKEN: tokens.zerops,
  SIM_FORGE_TOKEN: tokens.forge,
  SIM_CONTROL_TOKEN: tokens.control,
  SIM_CONTROL_URL: sim.urls.control,
  SIM_ZEROPS_YAML: zeropsYaml,
};
const text = Object.entries(lines).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
if (env.GITHUB_ENV) appendFileSync(env.GITHUB_ENV, text);
process.stdout.write(text);
process.stdout.write('simulator ready\n');
const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
