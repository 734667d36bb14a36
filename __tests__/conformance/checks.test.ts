// The conformance checks themselves, on synthetic input: each must catch what it claims to.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { startSimulator } from '../../sim/index.js';
import { TRAFFIC_DIR_ENV, trafficRecord } from '../../sim/traffic.js';
import { checkGithubRecord, convertNullable, GithubConformance, type GithubSpec } from './github-check.js';
import { checkGiteaRecord, GiteaConformance, gitea122RequestProblem, parseGiteaDts } from './gitea-check.js';
import { Coverage, missingOperations, staleEntries, triage } from './report.js';
import { loadTraffic, type TrafficRecord } from './traffic.js';
import { checkDto, checkEnumValues, checkReads, checkUploadRecord, checkZeropsRecord, matchZeropsOperation, type ZeropsSdk } from './zerops-check.js';

const record = (over: Partial<TrafficRecord>): TrafficRecord => ({ server: 'zerops', method: 'GET', path: '/', query: {}, headers: {}, status: 200, ...over });

const sdk: ZeropsSdk = {
  basePath: '/api/rest/public',
  enums: { ProcessStatusEnum: ['PENDING', 'FINISHED'], AppVersionGithubIntegrationEventTypeEnum: ['BRANCH', 'TAG'] },
  operations: [
    { name: 'GetProject', method: 'GET', path: '/api/rest/public/project/{id}', queryParams: [], bodyDto: null, rawBody: false, response: 'Project' },
    { name: 'PostProjectSearch', method: 'POST', path: '/api/rest/public/project/search', queryParams: [], bodyDto: 'EsFilter', rawBody: false, response: 'EsProjectResponse' },
    { name: 'GetServiceStackProcess', method: 'GET', path: '/api/rest/public/service-stack/{id}/process', queryParams: ['limit', 'offset'], bodyDto: null, rawBody: false, response: 'ProcessList' },
    { name: 'PutProcessCancel', method: 'PUT', path: '/api/rest/public/process/{id}/cancel', queryParams: [], bodyDto: null, rawBody: false, response: 'Process' },
  ],
  types: {
    'output.Project': { id: 'uuid.ProjectId', name: 'types.String', description: 'types.TextNull' },
    'output.EsProjectResponse': { items: 'EsProjectResponseItems', totalHits: 'types.Int' },
    'output.EsProject': { id: 'uuid.ProjectId', name: 'types.String' },
    'output.ProcessList': { list: 'ProcessListList', totalCount: 'types.Int' },
    'output.Process': { id: 'uuid.ProcessId', status: 'enum.ProcessStatusEnum', appVersion: '*AppVersionJsonObject' },
    'output.AppVersionJsonObject': { id: 'uuid.AppVersionId', name: 'types.StringNull', githubIntegration: '*AppVersionGithubIntegration' },
    'output.AppVersionGithubIntegration': { commit: 'types.String', eventType: 'enum.AppVersionGithubIntegrationEventTypeEnum' },
    'body.EsFilter': { search: 'EsFilterSearch', sort: 'EsFilterSort', limit: 'types.IntNull' },
    'body.EsSearchItem': { name: 'types.String', operator: 'types.String', value: 'types.String' },
    'body.EsSortItem': { name: 'types.String', ascending: 'types.BoolNull' },
  },
};

describe('Zerops checks', () => {
  test('the most literal template wins', () => {
    expect(matchZeropsOperation(sdk, 'POST', '/api/rest/public/project/search')?.name).toBe('PostProjectSearch');
    expect(matchZeropsOperation(sdk, 'GET', '/api/rest/public/project/abc')?.name).toBe('GetProject');
    expect(matchZeropsOperation(sdk, 'DELETE', '/api/rest/public/project/abc')).toBeNull();
  });

  test('response fields, nested DTOs through slice types, enum values and scalar kinds', () => {
    const ok = { list: [{ id: 'p', status: 'FINISHED', appVersion: { id: 'v', name: null, githubIntegration: null } }], totalCount: 1 };
    expect(checkDto(sdk, 'output.ProcessList', ok)).toEqual([]);
    const bad = { list: [{ id: 'p', status: 'DONE', appVersion: { id: 'v', lastUpdate: 'x', githubIntegration: { commit: 7, eventType: 'TAG' } } }], totalCount: '1' };
    expect(checkDto(sdk, 'output.ProcessList', bad)).toEqual([
      'list[].status: "DONE" is not a ProcessStatusEnum value',
      'field list[].appVersion.lastUpdate is not in output.AppVersionJsonObject',
      'list[].appVersion.githubIntegration.commit: 7 is not a string (types.String)',
      'totalCount: "1" is not a number (types.Int)',
    ]);
  });

  test('request bodies: unknown and missing required fields', () => {
    expect(checkDto(sdk, 'body.EsFilter', { search: [{ name: 'clientId', operator: 'eq', value: 'c' }], sort: [] }, { required: true })).toEqual([]);
    expect(checkDto(sdk, 'body.EsFilter', { search: [{ name: 'clientId', operator: 'eq', value: ['c'] }], offset: 0 }, { required: true })).toEqual([
      'search[].value: ["c"] is not a string (types.String)',
      'field offset is not in body.EsFilter',
      'required field sort (EsFilterSort) is missing from body.EsFilter',
    ]);
  });

  test('a record: unknown route, undeclared query parameter, answer fields', () => {
    const coverage = new Coverage('zerops');
    checkZeropsRecord(sdk, record({ path: '/api/rest/public/service-stack/s/process', query: { limit: '5', sort: 'x' }, response: { list: [], totalCount: 0 } }), coverage, { unresolved: new Set() });
    checkZeropsRecord(sdk, record({ path: '/api/rest/public/project/p', response: { id: 'p', name: 'n', clientId: 'c' } }), coverage, { unresolved: new Set() });
    checkZeropsRecord(sdk, record({ path: '/api/rest/public/nothing/here' }), coverage, { unresolved: new Set() });
    checkZeropsRecord(sdk, record({ method: 'POST', path: '/api/rest/public/project/search', headers: { 'content-type': 'text/plain' }, body: { search: [], sort: [] } }), coverage, { unresolved: new Set() });
    checkZeropsRecord(sdk, record({ method: 'PUT', path: '/api/rest/public/process/p/cancel', headers: { 'content-type': 'application/json' }, body: {}, response: { id: 'p', status: 'FINISHED' } }), coverage, { unresolved: new Set() });
    checkZeropsRecord(sdk, record({ method: 'PUT', path: '/api/rest/public/process/p/cancel', response: { id: 'p', status: 'FINISHED' } }), coverage, { unresolved: new Set() });
    checkZeropsRecord(sdk, record({ path: '/api/rest/public/project/p', status: 404, response: { error: { code: 'projectNotFound', message: 'm', meta: null } } }), coverage, { unresolved: new Set() });
    expect(coverage.violations().map((v) => `${v.operation}: ${v.message}`)).toEqual([
      "GetServiceStackProcess (GET /service-stack/{id}/process): query parameter sort is not in the SDK's query DTO",
      'GetProject (GET /project/{id}): response field clientId is not in output.Project',
      'GET /api/rest/public/nothing/here: no SDK operation has this verb and path',
      'PostProjectSearch (POST /project/search): request body sent as text/plain, the SDK sends application/json',
      'PutProcessCancel (PUT /process/{id}/cancel): no body; the SDK sends {} as JSON',
    ]);
    expect(coverage.responsesValidated).toBe(5);
  });

  test('response fields the client declares as undeclared-but-real are accepted, only on that DTO', () => {
    const undeclared = { 'output.EsProject': ['clientName'] };
    expect(checkDto(sdk, 'output.EsProjectResponse', { items: [{ id: 'p', clientName: 'c' }], totalHits: 1 }, { undeclared })).toEqual([]);
    expect(checkDto(sdk, 'output.Project', { id: 'p', clientName: 'c' }, { undeclared })).toEqual(['field clientName is not in output.Project']);
  });

  test('client reads and enum values', () => {
    expect(checkReads(sdk, { 'output.Process': ['id', 'appVersion.name', 'appVersion.githubIntegration.commit'] })).toEqual([]);
    expect(checkReads(sdk, { 'output.Process': ['updated', 'appVersion.nope', 'id.deeper'], 'output.Nope': ['x'] })).toEqual([
      'output.Process has no field updated',
      'output.Process has no field appVersion.nope',
      'output.Process.id (uuid.ProcessId) has no fields the table describes',
      'output.Nope is not a type in the SDK table',
    ]);
    expect(checkEnumValues(sdk, { ProcessStatusEnum: ['PENDING', 'DONE'], NoSuchEnum: ['X'] })).toEqual([
      'DONE is not a ProcessStatusEnum value (real: PENDING, FINISHED)',
      'NoSuchEnum is not an enum in the SDK table',
    ]);
  });

  test('uploads: no Content-Type, no Authorization (as zcli)', () => {
    const coverage = new Coverage('upload');
    checkUploadRecord(record({ server: 'upload', method: 'PUT', path: '/u' }), coverage);
    expect(coverage.violations()).toEqual([]);
    checkUploadRecord(record({ server: 'upload', method: 'PUT', path: '/u', headers: { 'content-type': 'application/gzip' }, authScheme: 'Bearer' }), coverage);
    expect(coverage.violations().map((v) => v.message)).toEqual([
      'carries an Authorization header; zcli sends none (the URL is the credential)',
      'sends Content-Type application/gzip; zcli sends none',
    ]);
  });
});

const miniSpec = (): GithubSpec => ({
  servers: [{ url: 'https://api.github.com' }],
  paths: {
    '/repos/{owner}/{repo}/branches': {
      get: { operationId: 'repos/list-branches', parameters: [{ name: 'owner', in: 'path', schema: { type: 'string' } }, { name: 'repo', in: 'path', schema: { type: 'string' } }, { $ref: '#/components/parameters/per-page' }], responses: { '200': { content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/branch' } } } } } } },
    },
    '/repos/{owner}/{repo}/branches/{branch}': {
      get: { operationId: 'repos/get-branch', parameters: [{ name: 'owner', in: 'path', schema: { type: 'string' } }, { name: 'repo', in: 'path', schema: { type: 'string' } }], responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/branch' } } } } } },
    },
    '/repos/{owner}/{repo}/actions/runs/{run_id}': {
      get: { operationId: 'actions/get-workflow-run', parameters: [{ name: 'owner', in: 'path', schema: { type: 'string' } }, { name: 'repo', in: 'path', schema: { type: 'string' } }, { name: 'run_id', in: 'path', schema: { type: 'integer' } }], responses: { '200': { content: { 'application/json': { schema: { type: 'object' } } } } } },
    },
  },
  components: {
    parameters: { 'per-page': { name: 'per_page', in: 'query', schema: { type: 'integer', maximum: 100 } } },
    schemas: {
      branch: { type: 'object', required: ['name', 'protection_url'], properties: { name: { type: 'string' }, protection_url: { type: 'string', format: 'uri', nullable: true }, commit: { allOf: [{ $ref: '#/components/schemas/commit' }], nullable: true } } },
      commit: { type: 'object', required: ['sha'], properties: { sha: { type: 'string' } } },
      'basic-error': { type: 'object', properties: { message: { type: 'string' } } },
    },
  },
});

describe('GitHub checks', () => {
  test('nullable becomes a null type or an anyOf with null', () => {
    const schema = { type: 'object', properties: { a: { type: 'string', nullable: true, enum: ['x'] }, b: { allOf: [{ type: 'string' }], nullable: true } } };
    convertNullable(schema);
    expect(schema.properties).toEqual({ a: { type: ['string', 'null'], enum: ['x', null] }, b: { anyOf: [{ allOf: [{ type: 'string' }] }, { type: 'null' }] } });
  });

  test('operations, parameters, headers and answers are validated', () => {
    const spec = new GithubConformance(miniSpec());
    const coverage = new Coverage('github');
    const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    const get = (path: string, over: Partial<TrafficRecord>): TrafficRecord => record({ server: 'github', path, headers, ...over });
    checkGithubRecord(spec, get('/repos/o/r/branches', { query: { per_page: '100' }, response: [{ name: 'main', protection_url: null, commit: null }] }), coverage);
    expect(coverage.violations()).toEqual([]);
    checkGithubRecord(spec, get('/repos/o/r/branches', { query: { per_page: '500', sort: 'x' }, response: [{ name: 'main', protection_url: 'not a uri', commit: {} }] }), coverage);
    checkGithubRecord(spec, get('/repos/o/r/branches/main', { headers: { accept: 'application/vnd.github.v4+xml', 'x-github-api-version': '2021-01-01' }, response: { name: 'main' } }), coverage);
    checkGithubRecord(spec, get('/repos/o/r/branches/main', { status: 404, response: { message: 'Branch not found' } }), coverage);
    checkGithubRecord(spec, get('/repos/o/r/branches/main', { status: 204, response: {} }), coverage);
    checkGithubRecord(spec, get('/repos/o/r/nothing', {}), coverage);
    checkGithubRecord(spec, get('/repos/o/r/actions/runs/12', { response: {} }), coverage);
    checkGithubRecord(spec, get('/repos/o/r/actions/runs/abc', { response: {} }), coverage);
    checkGithubRecord(spec, get('/repositories/1296269/branches', { query: { per_page: '100', page: '2' }, response: [] }), coverage);
    expect(coverage.violations().map((v) => v.message)).toEqual([
      'query parameter sort is not declared by the operation',
      'query parameter per_page=500: (root) must be <= 100',
      'HTTP 200 answer: /[]/protection_url must match format "uri"; /[]/commit must have required property \'sha\'; /[]/commit must be null; /[]/commit must match a schema in anyOf',
      'path parameter branch is not declared by the operation',
      'Accept application/vnd.github.v4+xml is not a media type the REST API documents',
      'X-GitHub-Api-Version 2021-01-01 is not a supported version',
      "HTTP 200 answer: (root) must have required property 'protection_url'",
      'answers HTTP 204, which the operation does not declare',
      'no operation in the GitHub OpenAPI description has this verb and path',
      'path parameter run_id: (root) must be integer',
      'query parameter page is not declared by the operation',
    ]);
    expect([...coverage.notes]).toContainEqual(expect.stringContaining('requested as /repositories/{id}/'));
    expect([...coverage.operations].sort()).toEqual(['actions/get-workflow-run (GET /repos/{owner}/{repo}/actions/runs/{run_id})', 'repos/get-branch (GET /repos/{owner}/{repo}/branches/{branch})', 'repos/list-branches (GET /repos/{owner}/{repo}/branches)']);
  });
});

const miniDts = `
interface Compare { commits?: Commit[]; total_commits?: number; }
interface Commit { sha?: string; }
interface CommitStatus { id?: number; status?: CommitStatusState; context?: string; }
type CommitStatusState = 'pending' | 'success';
declare class Api {
  repos: {
    /**
     * @request GET:/repos/{owner}/{repo}/compare/{basehead}
     */
    repoCompareDiff: (owner: string, repo: string, basehead: string, params?: RequestParams) => Promise<HttpResponse<Compare, any>>;
    /**
     * @request GET:/repos/{owner}/{repo}/commits/{ref}/statuses
     */
    repoListStatusesByRef: (owner: string, repo: string, ref: string, query?: { sort?: string; page?: number; limit?: number; }, params?: RequestParams) => Promise<HttpResponse<CommitStatus[], any>>;
  };
}`;

describe('Gitea checks', () => {
  test('operations, query names and interfaces come from the .d.ts', () => {
    const api = parseGiteaDts(miniDts);
    expect(api.operations.map((op) => [op.name, op.method, op.template, op.query])).toEqual([
      ['repoCompareDiff', 'GET', '/repos/{owner}/{repo}/compare/{basehead}', []],
      ['repoListStatusesByRef', 'GET', '/repos/{owner}/{repo}/commits/{ref}/statuses', ['sort', 'page', 'limit']],
    ]);
    const gitea = new GiteaConformance(api);
    const coverage = new Coverage('gitea');
    const get = (path: string, over: Partial<TrafficRecord>): TrafficRecord => record({ server: 'gitea', path, ...over });
    checkGiteaRecord(gitea, get('/api/v1/repos/o/r/commits/abc/statuses', { query: { limit: '50' }, response: [{ id: 1, status: 'success', context: 'ci' }] }), coverage);
    checkGiteaRecord(gitea, get('/api/v1/repos/o/r/compare/main...v1', { response: { commits: [], total_commits: 0 } }), coverage);
    checkGiteaRecord(gitea, get('/gitea/api/v1/repos/o/r/compare/main...v2', { response: { commits: [], total_commits: 0 } }), coverage);
    expect(coverage.violations()).toEqual([]);
    checkGiteaRecord(gitea, get('/api/v1/repos/o/r/commits/abc/statuses', { query: { state: 'x' }, response: [{ id: 1, status: 'skipped', target: 'x' }] }), coverage);
    checkGiteaRecord(gitea, get('/api/v1/repos/o/r/compare/0123456789abcdef0123456789abcdef01234567...main', { response: { files: [] } }), coverage);
    expect(coverage.violations().map((v) => v.message)).toEqual([
      'query parameter state is not declared by the operation',
      'HTTP 200 answer: [].status: "skipped" is not one of pending|success',
      'HTTP 200 answer: field [].target is not in CommitStatus',
      'compare with a commit SHA: Gitea 1.22 accepts only branch or tag names (404)',
      'HTTP 200 answer: field files is not in Compare',
    ]);
    expect(gitea122RequestProblem(api.operations[0] as never, { basehead: 'main...release%2F1' })).toBeNull();
  });
});

describe('required operations', () => {
  test('names each operation, or group of alternatives, that no request matched', () => {
    const coverage = new Coverage('gitea');
    coverage.operations.add('repoGetAllCommits (GET /repos/{owner}/{repo}/commits)');
    coverage.operations.add('repoGetBranch (GET /repos/{owner}/{repo}/branches/{branch})');
    const required = [['repoCompareDiff', 'repoGetAllCommits'], 'repoGetBranch', 'getRepoVariable', ['repoGetTag', 'repoListTags']];
    expect(missingOperations(coverage, required)).toEqual(['getRepoVariable', ['repoGetTag', 'repoListTags']]);
  });
});

describe('triage and the allowlist', () => {
  test('entries explain matching violations; unused entries are reported stale', () => {
    const allowlist = [
      { platform: 'gitea' as const, finding: 'forge-apis S6', match: /description/, why: 'w' },
      { platform: 'gitea' as const, finding: 'forge-apis S1', match: /files/, why: 'w' },
    ];
    const coverage = new Coverage('gitea');
    coverage.violate('op', 'field description is not in ActionVariable', 'GET /x');
    coverage.violate('op', 'field other is not in ActionVariable', 'GET /x');
    const result = triage(coverage.violations(), allowlist);
    expect(result.known.map((k) => k.divergence.finding)).toEqual(['forge-apis S6']);
    expect(result.unexpected.map((v) => v.message)).toEqual(['field other is not in ActionVariable']);
    expect(staleEntries('gitea', result, allowlist).map((d) => d.finding)).toEqual(['forge-apis S1']);
  });
});

describe('traffic capture', () => {
  const dirs: string[] = [];
  const saved = process.env[TRAFFIC_DIR_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[TRAFFIC_DIR_ENV];
    else process.env[TRAFFIC_DIR_ENV] = saved;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test('no traffic fails loudly, naming the e2e run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zr-traffic-'));
    dirs.push(dir);
    expect(() => loadTraffic(dir)).toThrow(/Run the e2e suite with capture first/);
    expect(() => loadTraffic(join(dir, 'absent'))).toThrow(/does not exist/);
  });

  test('a record keeps the auth scheme, never the credential', () => {
    const captured = trafficRecord({ server: 'github', method: 'GET', path: '/x', query: {}, headers: { authorization: 'Bearer ghs_secret', accept: 'application/json' }, body: undefined, fault: undefined }, 200, { ok: true });
    expect(captured).toEqual({ server: 'github', method: 'GET', path: '/x', query: {}, headers: { accept: 'application/json' }, authScheme: 'Bearer', status: 200, response: { ok: true } });
    expect(JSON.stringify(captured)).not.toContain('ghs_secret');
  });

  test('a simulator appends what it was asked and answered when ZR_TRAFFIC_DIR is set, nothing otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zr-traffic-'));
    dirs.push(dir);
    const scenario = { zerops: { tokens: [{ value: 'zt-secret-value', projects: ['prodProject0000000000A'] }], projects: [{ id: 'prodProject0000000000A', name: 'production', services: [] }] } };
    delete process.env[TRAFFIC_DIR_ENV];
    const quiet = await startSimulator(scenario);
    try {
      await fetch(`${quiet.urls.zerops}/api/rest/public/project/prodProject0000000000A`, { headers: { authorization: 'Bearer zt-secret-value' } });
    } finally {
      await quiet.close();
    }
    expect(readdirSync(dir)).toEqual([]);
    process.env[TRAFFIC_DIR_ENV] = dir;
    const sim = await startSimulator(scenario);
    try {
      const res = await fetch(`${sim.urls.zerops}/api/rest/public/project/prodProject0000000000A?x=1`, { headers: { authorization: 'Bearer zt-secret-value' } });
      expect(res.status).toBe(200);
    } finally {
      await sim.close();
    }
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const text = readFileSync(join(dir, files[0] as string), 'utf8');
    expect(text).not.toContain('zt-secret-value');
    const [line] = text.trim().split('\n').map((l) => JSON.parse(l) as TrafficRecord);
    expect(line).toMatchObject({ server: 'zerops', method: 'GET', path: '/api/rest/public/project/prodProject0000000000A', query: { x: '1' }, status: 200, authScheme: 'Bearer', response: { id: 'prodProject0000000000A', name: 'production' } });
  });
});
