// Gitea traffic of the e2e suites against gitea-js 1.23 (minus the Gitea 1.22 differences).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from '@jest/globals';
import { checkGiteaRecord, GiteaConformance, loadGiteaDescription, requestLinesOfMjs } from './gitea-check.js';
import { GITEA_DTS_PATH, GITEA_MJS_PATH, trafficDir } from './paths.js';
import { Coverage, missingOperations, verdict } from './report.js';
import { loadTraffic, trafficOf, type TrafficRecord } from './traffic.js';

/**
 * Operations the client calls on the release paths the e2e suites drive (repoGet only runs
 * from the CLI); alternatives: the ancestry check uses compare (1.23+) or the commit list (1.22).
 */
const REQUIRED_OPERATIONS: Array<string | string[]> = [['repoCompareDiff', 'repoGetAllCommits'], 'repoGetSingleCommit', 'repoGetBranch', 'repoListTags', 'repoListStatusesByRef', 'getRepoVariable'];

const coverage = new Coverage('gitea');
const printed: string[] = [];
afterAll(() => {
  if (printed.length) console.log(printed.join('\n'));
});

describe('Gitea traffic matches gitea-js 1.23 / Gitea 1.22', () => {
  // Loaded by the first test that needs it: without traffic, those tests fail with the reason.
  let loaded: TrafficRecord[] | undefined;
  const records = (): TrafficRecord[] => (loaded ??= trafficOf(loadTraffic(trafficDir()), 'gitea'));
  const description = loadGiteaDescription(GITEA_DTS_PATH);
  const gitea = new GiteaConformance(description);

  test('the .d.ts read found every @request operation of index.mjs', () => {
    const fromMjs = requestLinesOfMjs(readFileSync(GITEA_MJS_PATH, 'utf8')).sort();
    expect(description.operations.map((op) => `${op.method}:${op.template}`).sort()).toEqual(fromMjs);
    expect(fromMjs.length).toBeGreaterThan(300);
  });

  test('every request: operation and query; every answer: declared fields and enum values', () => {
    for (const record of records()) checkGiteaRecord(gitea, record, coverage);
    expect(verdict(coverage, printed)).toEqual([]);
  });

  test('every operation the client uses was exercised', () => {
    expect(missingOperations(coverage, REQUIRED_OPERATIONS)).toEqual([]);
    expect(coverage.responsesValidated).toBeGreaterThan(20);
  });
});
