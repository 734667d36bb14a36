// Zerops traffic of the e2e suites against the generated Go SDK's table, plus the
// storage upload against zcli's behaviour and the client's declared reads and enum values.
import { afterAll, describe, expect, test } from '@jest/globals';
import { ZEROPS_ENUM_VALUES, ZEROPS_READS, ZEROPS_UNDECLARED_READS } from '../../src/zerops/types.js';
import { trafficDir, zeropsSdkPath } from './paths.js';
import { Coverage, missingOperations, verdict } from './report.js';
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
/** Response fields the client reads although the SDK omits them (live-verified; src/zerops/types.ts). */
const undeclaredReads: Readonly<Record<string, readonly string[]>> = ZEROPS_UNDECLARED_READS;

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
    for (const [type, fields] of Object.entries(undeclaredReads)) api.notes.add(`accepted beyond the SDK (ZEROPS_UNDECLARED_READS): ${type} ${fields.join(', ')}`);
    if (unresolved.size) api.notes.add(`slice types without a table entry, not descended into: ${[...unresolved].sort().join(', ')}`);
    expect(verdict(api, printed)).toEqual([]);
  });

  test('every operation the client uses was exercised', () => {
    expect(missingOperations(api, REQUIRED_OPERATIONS)).toEqual([]);
    expect(api.responsesValidated).toBeGreaterThan(100);
  });

  test('uploads are sent as zcli sends them', () => {
    for (const record of trafficOf(records(), 'upload')) checkUploadRecord(record, upload);
    expect(verdict(upload, printed)).toEqual([]);
  });
});

describe('the client reads only what the SDK declares', () => {
  test('ZEROPS_READS: every field read exists in its DTO', () => {
    expect(Object.keys(ZEROPS_READS).length).toBeGreaterThan(0);
    expect(checkReads(sdk, ZEROPS_READS)).toEqual([]);
  });

  test('ZEROPS_UNDECLARED_READS: each field really is missing from the SDK DTO', () => {
    const problems = checkReads(sdk, undeclaredReads);
    const declared = Object.entries(undeclaredReads).flatMap(([type, fields]) => fields.filter((f) => !problems.includes(`${type} has no field ${f}`)).map((f) => `${type}.${f} is declared by the SDK: move it to ZEROPS_READS`));
    expect(declared).toEqual([]);
  });

  test('ZEROPS_ENUM_VALUES: every value compared against is a real enum value', () => {
    expect(Object.keys(ZEROPS_ENUM_VALUES).length).toBeGreaterThan(0);
    expect(checkEnumValues(sdk, ZEROPS_ENUM_VALUES)).toEqual([]);
  });
});
