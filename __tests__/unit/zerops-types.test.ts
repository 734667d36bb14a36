// The Zerops DTO parsers read only the fields declared in ZEROPS_READS (SDK names), so a
// field the real API does not send (`name` on a GetAppVersion) can never steer a decision.
import { describe, expect, it } from '@jest/globals';
import { newestFirst, parseAppVersion, parseCreatedVersion, parseList, parseProcess, parseSearchedVersion, parseService, view, ZEROPS_READS } from '../../src/zerops/types.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98';

describe('app version parsing', () => {
  it('ignores a `name` on a GetAppVersion (the SDK declares none there): no commit is inferred from it', () => {
    const v = parseAppVersion({ id: 'v1', status: 'BACKUP', name: SHA, userDataList: [] });
    expect(v.sha).toBeNull();
    expect(v.stampedShas).toEqual({});
    expect(v).not.toHaveProperty('name');
  });

  it('keeps the full SHAs of userDataList by key, and nothing else (secrets are dropped unread)', () => {
    const v = parseAppVersion({
      id: 'v1',
      clientId: 'c1',
      status: 'ACTIVE',
      userDataList: [
        { key: 'ZEROPS_ROLLOUT_SHA', content: SHA.toUpperCase(), type: 'ENV' },
        { key: 'APP_COMMIT', content: OTHER, type: 'ENV' },
        { key: 'DB_PASSWORD', content: 'hunter2', type: 'SECRET' },
        { key: 'SHORT', content: '0123456', type: 'ENV' },
        'garbage',
        null,
      ],
    });
    expect(v.stampedShas).toEqual({ ZEROPS_ROLLOUT_SHA: SHA, APP_COMMIT: OTHER });
    expect(JSON.stringify(v)).not.toContain('hunter2');
    expect(v.clientId).toBe('c1');
  });

  it('takes a GitHub/GitLab integration commit as the version commit', () => {
    expect(parseAppVersion({ id: 'v1', githubIntegration: { commit: SHA } }).sha).toBe(SHA);
    expect(parseAppVersion({ id: 'v1', gitlabIntegration: { commit: OTHER } }).integrationSha).toBe(OTHER);
  });

  it('reads a PostAppVersion (create answer) with its uploadUrl; a missing uploadUrl is a clear error', () => {
    expect(parseCreatedVersion({ id: 'v2', status: 'UPLOADING', uploadUrl: 'https://up/x' })).toMatchObject({ id: 'v2', status: 'UPLOADING', uploadUrl: 'https://up/x' });
    expect(() => parseCreatedVersion({ id: 'v2', status: 'UPLOADING' })).toThrow(/new version: unexpected answer \(no `uploadUrl`\)/);
  });

  it('reads `name` from a version search item only (the one answer that carries it)', () => {
    expect(parseSearchedVersion({ id: 'v3', serviceStackId: 's1', name: SHA })).toEqual({ id: 'v3', serviceStackId: 's1', name: SHA });
  });

  it('reads the service activeAppVersion as a GetAppVersion, and the process appVersion name', () => {
    const s = parseService({ id: 's1', name: 'api', projectId: 'P', status: 'ACTIVE', activeAppVersion: { id: 'v1', name: SHA, userDataList: [{ key: 'K', content: OTHER }] } });
    expect(s.activeVersion?.sha).toBeNull();
    expect(s.activeVersion?.stampedShas).toEqual({ K: OTHER });
    const p = parseProcess({ id: 'p1', status: 'FINISHED', sequence: 7, appVersion: { id: 'v1', name: SHA }, serviceStacks: [{ id: 's1' }] });
    expect(p).toMatchObject({ appVersionId: 'v1', appVersionName: SHA, sequence: 7, serviceIds: ['s1'] });
  });
});

describe('view', () => {
  it('keeps only the declared fields of the DTO', () => {
    const v = view('output.AppVersionJsonObject', { id: 'v1', name: 'n', status: 'ACTIVE', extra: 1 }, 'x');
    expect(Object.keys(v).sort()).toEqual([...ZEROPS_READS['output.AppVersionJsonObject']].sort());
  });
});

describe('lists', () => {
  it('sorts newest first by sequence, else by creation time, whatever order the API answered in', () => {
    const rows = [
      { id: 'a', sequence: 1, created: '2026-01-01T00:00:00Z' },
      { id: 'c', sequence: 3, created: '2026-01-03T00:00:00Z' },
      { id: 'b', sequence: 2, created: '2026-01-02T00:00:00Z' },
      { id: 'x', sequence: null, created: '2026-01-05T00:00:00Z' },
      { id: 'y', sequence: null, created: '2026-01-04T00:00:00Z' },
    ];
    expect(newestFirst(rows.filter((r) => r.sequence !== null)).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(newestFirst(rows.filter((r) => r.sequence === null)).map((r) => r.id)).toEqual(['x', 'y']);
  });

  it('reads a direct list and an ES answer by their declared keys', () => {
    expect(parseList({ list: [{ id: 'v1' }], totalCount: 9 }, 'l', parseAppVersion, 'output.AppVersionList')).toMatchObject({ total: 9, list: [{ id: 'v1' }] });
    expect(parseList({ items: [{ id: 'v1', name: SHA }], totalHits: 4 }, 'l', parseSearchedVersion, 'output.EsAppVersionResponse')).toEqual({ total: 4, list: [{ id: 'v1', serviceStackId: null, name: SHA }] });
    expect(() => parseList({ items: [] }, 'version list', parseAppVersion, 'output.AppVersionList')).toThrow(/version list: unexpected answer \(not a list\)/);
  });
});
