// Zerops traffic of the e2e suites against the generated Go SDK's table, plus the
// storage upload against zcli's behaviour and the client's declared reads and enum values.
import { afterAll, describe, expect, test } from '@jest/globals';
import * as zeropsTypes from '../../src/zerops/types.js';
import { trafficDir, zeropsSdkPath } from './paths.js';
import { Coverage, describeViolation, staleEntries, summary, triage } from './report.js';
import { loadTraffic, trafficOf } from './traffic.js';
import { checkEnumValues, checkReads, checkUploadRecord, checkZeropsRecord, loadZeropsSdk } from './zerops-check.js';

/** SDK operations the client calls on the release paths the e2e suites drive (PutProcessCancel: no e2e path reaches it yet). */
const REQUIRED_OPERATIONS = [
  'GetProject',
  'PostProjectSearch',
  'GetProjectServiceStack',
  'GetServiceStackAppVersion',
  'PostServiceStackAppVersion',
  'PutAppVersionBuildAndDeploy',
  'PutAppVersionDeploy',
  'GetProcess',
  'GetServiceStackProcess',
];

const sdk = loadZeropsSdk(zeropsSdkPath());
const api = new Coverage('zerops');
const upload = new Coverage('upload');
const unresolved = new Set<string>();
const printed: string[] = [];
/** Response fields the client reads although the SDK omits them (live-verified; src/zerops/types.ts), when declared. */
const undeclaredReads = (zeropsTypes as Record<string, unknown>).ZEROPS_UNDECLARED_READS as Record<string, readonly string[]> | undefined;

afterAll(() => {
  // console.log so the summary shows in `npm test` output.
  if (printed.length) console.log(printed.join('\n'));
});

describe('Zerops traffic matches the Go SDK', () => {
  // Loaded by the first test that needs it: without traffic, those tests fail with the reason.
  let loaded: ReturnType<typeof loadTraffic> | undefined;
  const records = (): ReturnType<typeof loadTraffic> => (loaded ??= loadTraffic(trafficDir()));

  test('every request: operation, query, body; every answer: DTO fields and enum values', () => {
    for (const record of trafficOf(records(), 'zerops')) checkZeropsRecord(sdk, record, api, { unresolved, undeclared: undeclaredReads });
    for (const [type, fields] of Object.entries(undeclaredReads ?? {})) api.notes.add(`accepted beyond the SDK (ZEROPS_UNDECLARED_READS): ${type} ${fields.join(', ')}`);
    if (unresolved.size) api.notes.add(`slice types without a table entry, not descended into: ${[...unresolved].sort().join(', ')}`);
    const result = triage(api.violations());
    for (const stale of staleEntries('zerops', result)) api.notes.add(`allowlist entry ${stale.finding} (${stale.match}) explained nothing: remove it`);
    printed.push(summary(api, result));
    expect(result.unexpected.map(describeViolation)).toEqual([]);
  });

  test('every operation the client uses was exercised', () => {
    const seen = new Set([...api.operations].map((label) => label.split(' ')[0]));
    expect(REQUIRED_OPERATIONS.filter((name) => !seen.has(name))).toEqual([]);
    expect(api.responsesValidated).toBeGreaterThan(100);
  });

  test('uploads are sent as zcli sends them', () => {
    for (const record of trafficOf(records(), 'upload')) checkUploadRecord(record, upload);
    const result = triage(upload.violations());
    for (const stale of staleEntries('upload', result)) upload.notes.add(`allowlist entry ${stale.finding} (${stale.match}) explained nothing: remove it`);
    printed.push(summary(upload, result));
    expect(result.unexpected.map(describeViolation)).toEqual([]);
  });
});

describe('the client reads only what the SDK declares', () => {
  const exported = zeropsTypes as Record<string, unknown>;

  test('ZEROPS_READS: every field read exists in its DTO', () => {
    const reads = exported.ZEROPS_READS as Record<string, string[]> | undefined;
    if (!reads) throw new Error('ZEROPS_READS not exported by src/zerops/types.ts: the client must declare the SDK fields it reads');
    expect(Object.keys(reads).length).toBeGreaterThan(0);
    expect(checkReads(sdk, reads)).toEqual([]);
  });

  test('ZEROPS_UNDECLARED_READS (optional): each field really is missing from the SDK DTO', () => {
    const problems = checkReads(sdk, undeclaredReads ?? {});
    const declared = Object.entries(undeclaredReads ?? {}).flatMap(([type, fields]) => fields.filter((f) => !problems.includes(`${type} has no field ${f}`)).map((f) => `${type}.${f} is declared by the SDK: move it to ZEROPS_READS`));
    expect(declared).toEqual([]);
  });

  test('ZEROPS_ENUM_VALUES: every value compared against is a real enum value', () => {
    const values = exported.ZEROPS_ENUM_VALUES as Record<string, string[]> | undefined;
    if (!values) throw new Error('ZEROPS_ENUM_VALUES not exported by src/zerops/types.ts: the client must declare the enum values it compares against');
    expect(Object.keys(values).length).toBeGreaterThan(0);
    expect(checkEnumValues(sdk, values)).toEqual([]);
  });
});
