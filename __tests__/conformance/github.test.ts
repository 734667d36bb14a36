// GitHub traffic of the e2e suites against @octokit/openapi (api.github.com).
import { afterAll, describe, expect, test } from '@jest/globals';
import { checkGithubRecord, GithubConformance, loadGithubSpec } from './github-check.js';
import { GITHUB_SPEC_PATH, trafficDir } from './paths.js';
import { Coverage, missingOperations, verdict } from './report.js';
import { loadTraffic, trafficOf, type TrafficRecord } from './traffic.js';

/** Operations the client calls on the release paths the e2e suites drive. */
const REQUIRED_OPERATIONS = [
  'repos/get',
  'repos/get-commit',
  'repos/get-branch',
  'repos/list-branches',
  'repos/list-tags',
  'repos/compare-commits-with-basehead',
  'checks/list-for-ref',
  'repos/list-commit-statuses-for-ref',
  'actions/get-workflow-run',
  'repos/get-branch-rules',
  'actions/get-repo-variable',
  'repos/create-deployment',
  'repos/list-deployments',
  'repos/list-deployment-statuses',
  'repos/create-deployment-status',
];

const coverage = new Coverage('github');
const printed: string[] = [];
afterAll(() => {
  if (printed.length) console.log(printed.join('\n'));
});

describe('GitHub traffic matches the OpenAPI description', () => {
  // Loaded by the first test that needs it: without traffic, those tests fail with the reason.
  let loaded: TrafficRecord[] | undefined;
  const records = (): TrafficRecord[] => (loaded ??= trafficOf(loadTraffic(trafficDir()), 'github'));
  const spec = new GithubConformance(loadGithubSpec(GITHUB_SPEC_PATH));

  test('every request: operation, parameters, headers, body; every answer: its response schema', () => {
    for (const record of records()) checkGithubRecord(spec, record, coverage);
    expect(verdict(coverage, printed)).toEqual([]);
  });

  test('every operation the client uses was exercised', () => {
    expect(missingOperations(coverage, REQUIRED_OPERATIONS)).toEqual([]);
    expect(coverage.responsesValidated).toBeGreaterThan(50);
  });
});
