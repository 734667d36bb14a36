// The simulator's answers, driven directly over loopback HTTP (no e2e run needed), checked
// with the same checks as the captured traffic. Covers calls the e2e paths do not reach
// (process cancel, user info) and fails in seconds when a wire shape drifts.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { TRAFFIC_DIR_ENV } from '../../sim/traffic.js';
import { zeropsYamlFor } from '../helpers/repo.js';
import { checkGiteaRecord, GiteaConformance, loadGiteaDescription } from './gitea-check.js';
import { checkGithubRecord, GithubConformance, loadGithubSpec } from './github-check.js';
import { GITEA_DTS_PATH, GITHUB_SPEC_PATH, zeropsSdkPath } from './paths.js';
import { Coverage, describeViolation, triage } from './report.js';
import type { TrafficRecord } from './traffic.js';
import { checkZeropsRecord, loadZeropsSdk } from './zerops-check.js';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const PROJECT = 'prodProject0000000000A';
const ZT = 'zt-shapes-token';
const GT = 'ghs_shapesToken';

let sim: Simulator;
// These calls are not the client's: they must not land in the captured traffic.
const capturing = process.env[TRAFFIC_DIR_ENV];
beforeAll(async () => {
  delete process.env[TRAFFIC_DIR_ENV];
  sim = await startSimulator({
    zerops: {
      durationMs: 60_000,
      pendingMs: 10,
      tokens: [{ value: ZT, projects: [PROJECT] }],
      projects: [{ id: PROJECT, name: 'production', services: [{ hostname: 'api', versions: [{ sha: SHA_A, status: 'ACTIVE' }] }] }],
    },
    github: {
      owner: 'acme',
      repo: 'shop',
      commits: [{ sha: SHA_A }, { sha: SHA_B }],
      tokens: [{ value: GT, variables: true }],
      variables: { ZEROPS_DEPLOY_DISABLED: 'false' },
      run: { id: 7, checkSuiteId: 70 },
      checkRuns: { [SHA_B]: [{ name: 'test', status: 'completed', conclusion: 'success' }] },
      statuses: { [SHA_B]: [{ context: 'lint', state: 'success' }] },
      deployments: [{ sha: SHA_B, environment: 'staging', agoMs: 3_600_000, statuses: [{ state: 'in_progress', agoMs: 3_500_000 }, { state: 'success', agoMs: 3_400_000 }] }],
    },
    gitea: {
      owner: 'acme',
      repo: 'shop',
      commits: [{ sha: SHA_A }, { sha: SHA_B }],
      tags: { v1: SHA_A },
      // Variable access on Gitea is modelled by role; the e2e traffic covers that read.
      tokens: [{ value: GT }],
      statuses: { [SHA_B]: [{ context: 'CI / test (push)', state: 'success' }] },
    },
  });
});
afterAll(async () => {
  await sim?.close();
  if (capturing !== undefined) process.env[TRAFFIC_DIR_ENV] = capturing;
});

/** One call, kept as the record the capture would have written. */
async function call(server: 'zerops' | 'github' | 'gitea', base: string, method: string, path: string, init: { token: string; scheme: string; body?: unknown; headers?: Record<string, string> }): Promise<TrafficRecord> {
  const url = new URL(path, base);
  const headers: Record<string, string> = { authorization: `${init.scheme} ${init.token}`, ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  const record: TrafficRecord = { server, method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: {}, authScheme: init.scheme, status: res.status };
  if (headers['content-type']) record.headers['content-type'] = headers['content-type'];
  if (headers.accept) record.headers.accept = headers.accept;
  if (headers['x-github-api-version']) record.headers['x-github-api-version'] = headers['x-github-api-version'];
  if (init.body !== undefined) record.body = init.body;
  if (text) record.response = JSON.parse(text) as unknown;
  return record;
}

describe('the simulated Zerops API speaks the SDK shapes', () => {
  test('user, project, services, versions, deploy, process, cancel', async () => {
    const sdk = loadZeropsSdk(zeropsSdkPath());
    const z = (method: string, path: string, body?: unknown): Promise<TrafficRecord> => call('zerops', sim.urls.zerops, method, `/api/rest/public${path}`, { token: ZT, scheme: 'Bearer', body });
    const records: TrafficRecord[] = [];
    const keep = (r: TrafficRecord): TrafficRecord => (records.push(r), r);
    keep(await z('GET', '/user/info'));
    keep(await z('GET', `/project/${PROJECT}`));
    const services = keep(await z('GET', `/project/${PROJECT}/service-stack?limit=100&offset=0`));
    const serviceId = (services.response as { list: Array<{ id: string }> }).list[0]?.id as string;
    keep(await z('GET', `/service-stack/${serviceId}`));
    keep(await z('GET', `/service-stack/${serviceId}/app-version?limit=50&offset=0`));
    const created = keep(await z('POST', `/service-stack/${serviceId}/app-version`, { name: SHA_B }));
    const { id: versionId, uploadUrl } = created.response as { id: string; uploadUrl: string };
    // Bytes, so fetch adds no Content-Type (as zcli sends the archive).
    expect((await fetch(uploadUrl, { method: 'PUT', body: new TextEncoder().encode('archive') })).status).toBe(200);
    const started = keep(await z('PUT', `/app-version/${versionId}/build-and-deploy`, { zeropsYaml: zeropsYamlFor(['api']), zeropsYamlSetup: 'api' }));
    const processId = (started.response as { id: string }).id;
    keep(await z('GET', `/app-version/${versionId}`));
    keep(await z('GET', `/process/${processId}`));
    keep(await z('GET', `/service-stack/${serviceId}/process?limit=20&offset=0&statuses=PENDING,RUNNING`));
    keep(await z('PUT', `/process/${processId}/cancel`, {}));
    keep(await z('GET', `/process/${'A'.repeat(22)}`));

    const coverage = new Coverage('zerops');
    for (const r of records) checkZeropsRecord(sdk, r, coverage, { unresolved: new Set() });
    expect(records.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 404]);
    expect(triage(coverage.violations()).unexpected.map(describeViolation)).toEqual([]);
    expect(coverage.operations.size).toBe(11);
  });
});

describe('the simulated GitHub API speaks the OpenAPI shapes', () => {
  test('repository, commit, branch, refs, compare, checks, statuses, run, rules, variable, deployments (create and list)', async () => {
    const spec = new GithubConformance(loadGithubSpec(GITHUB_SPEC_PATH));
    const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    const g = (method: string, path: string, body?: unknown): Promise<TrafficRecord> => call('github', sim.urls.github, method, `/repos/acme/shop${path}`, { token: GT, scheme: 'Bearer', body, headers });
    const records = [
      await g('GET', ''),
      await g('GET', `/commits/${SHA_B}`),
      await g('GET', '/branches/main'),
      await g('GET', '/branches?per_page=100&page=1'),
      await g('GET', '/tags?per_page=100&page=1'),
      await g('GET', `/compare/${SHA_A}...${SHA_B}`),
      await g('GET', `/commits/${SHA_B}/check-runs?per_page=100&page=1&filter=all`),
      await g('GET', `/commits/${SHA_B}/statuses?per_page=100&page=1`),
      await g('GET', '/actions/runs/7'),
      await g('GET', '/rules/branches/main'),
      await g('GET', '/actions/variables/ZEROPS_DEPLOY_DISABLED'),
    ];
    const deployment = await g('POST', '/deployments', { ref: SHA_B, environment: 'production', auto_merge: false, required_contexts: [], transient_environment: false, production_environment: true, description: 'release' });
    const deploymentId = (deployment.response as { id: number }).id;
    records.push(deployment, await g('POST', `/deployments/${deploymentId}/statuses`, { state: 'in_progress', log_url: 'https://example.com/run/7', description: 'releasing', auto_inactive: true }));
    // The stage proof reads them back: the seeded staging history and the one just created.
    records.push(
      await g('GET', `/deployments?sha=${SHA_B}&environment=staging&per_page=100`),
      await g('GET', `/deployments?sha=${SHA_B}&environment=production&per_page=100`),
      await g('GET', `/deployments/${deploymentId}/statuses?per_page=100`),
    );
    const seededId = (records.at(-3)?.response as Array<{ id: number }>)[0]?.id;
    records.push(await g('GET', `/deployments/${seededId}/statuses?per_page=100`));

    const coverage = new Coverage('github');
    for (const r of records) checkGithubRecord(spec, r, coverage);
    expect(records.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 201, 200, 200, 200, 200]);
    expect((records.at(-1)?.response as unknown[]).length).toBe(2);
    expect(triage(coverage.violations()).unexpected.map(describeViolation)).toEqual([]);
    expect(coverage.responsesValidated).toBe(17);
  });
});

describe('the simulated Gitea API speaks the gitea-js shapes', () => {
  test('repository, commit, branches, tags, statuses, compare by name', async () => {
    const gitea = new GiteaConformance(loadGiteaDescription(GITEA_DTS_PATH));
    const t = (path: string): Promise<TrafficRecord> => call('gitea', sim.urls.giteaServer, 'GET', `/api/v1/repos/acme/shop${path}`, { token: GT, scheme: 'token', headers: { accept: 'application/json' } });
    const records = [
      await t(''),
      await t(`/git/commits/${SHA_B}`),
      await t('/branches/main'),
      await t('/branches?page=1&limit=50'),
      await t('/tags/v1'),
      await t('/tags?page=1&limit=50'),
      await t(`/commits/${SHA_B}/statuses?page=1&limit=50`),
      await t('/compare/v1...main'),
    ];
    const coverage = new Coverage('gitea');
    for (const r of records) checkGiteaRecord(gitea, r, coverage);
    expect(records.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    expect(triage(coverage.violations()).unexpected.map(describeViolation)).toEqual([]);
    expect(coverage.operations.size).toBe(8);
  });
});
