import { describe, expect, it } from '@jest/globals';
import { newFacts, type RunFacts } from '../../src/report/facts.js';
import { renderSummary } from '../../src/report/summary.js';
import { newRecord, type ServiceRecord } from '../../src/rollout/records.js';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);
const SHA = '0123456789abcdef0123456789abcdef01234567';
const OLD = 'fedcba9876543210fedcba9876543210fedcba98';

function rec(hostname: string, patch: Partial<ServiceRecord>): ServiceRecord {
  return { ...newRecord({ hostname, serviceId: `svc-${hostname.length}`, stage: 'batch 1', strategy: 'build', before: { versionId: 'v0', sha: OLD } }), ...patch };
}

function mixedRun(): RunFacts {
  const f = newFacts(T0);
  f.finishedAt = T0 + 95_000;
  f.forge = { kind: 'github', repository: 'acme/shop', serverUrl: 'https://github.com', runUrl: 'https://github.com/acme/shop/actions/runs/7' };
  f.project = { id: 'P1', name: 'production <b>live</b>' };
  f.target = { sha: SHA, input: 'v1.2.3', fromInput: true };
  f.refPolicy = { allowedBy: 'refs/tags/v1.2.3', how: 'tip', checked: ['refs/heads/main', 'refs/tags/*'] };
  f.killSwitch = { variable: 'ZEROPS_DEPLOY_DISABLED', live: true, jobStartEngaged: false, reads: 4 };
  f.checks = {
    verdict: 'green',
    polls: 3,
    waitedMs: 40_000,
    required: [
      { name: 'test | <script>alert(1)</script>', explicit: false, state: 'success', raw: 'completed/success', url: 'javascript:alert(1)' },
      { name: 'lint', explicit: true, state: 'success', raw: 'success', url: 'https://ci.example.com/lint/1' },
    ],
  };
  f.records = [
    rec('api', { stage: 'canary', outcome: 'on-target', after: { versionId: 'v1', sha: SHA }, startedAt: T0, finishedAt: T0 + 20_000, changed: true }),
    rec('web', { outcome: 'rolled-back', reason: 'not verified: build-info stale: still serving fedcba9', changed: true, startedAt: T0 + 30_000, finishedAt: T0 + 60_000, rollback: { status: 'done', detail: 're-activated fedcba9' } }),
    rec('<img src=x onerror=alert(1)>', { outcome: 'failed', reason: 'build failed: **boom** | [click](https://evil.example)\nsecond line', changed: true }),
    rec('worker', { stage: '—', strategy: 'skip', outcome: 'skipped', before: { versionId: 'v9', sha: SHA }, after: { versionId: 'v9', sha: SHA } }),
    rec('cron', { stage: 'batch 2', outcome: 'untouched' }),
    rec('mailer', { outcome: 'quarantined', reason: 'quarantined straggler (max-stragglers): build-info unreachable: HTTP 503', changed: true, after: { versionId: 'v2', sha: SHA } }),
  ];
  f.timeline = [
    { name: 'canary', startedAt: T0, endedAt: T0 + 20_000, status: 'ok', services: ['api'] },
    { name: 'soak', startedAt: T0 + 20_000, endedAt: T0 + 30_000, status: 'ok', services: ['api'] },
    { name: 'batch 1: <x>', startedAt: T0 + 30_000, endedAt: T0 + 60_000, status: 'failed', services: ['web', '<img src=x onerror=alert(1)>', 'mailer'] },
    { name: 'rollback', startedAt: T0 + 60_000, endedAt: T0 + 90_000, status: 'ok', services: ['web'] },
  ];
  f.stop = { kind: 'failed', code: 'stage', message: 'Stage batch 1 failed: web: not verified\n- second line with `code`' };
  f.rollbackComplete = true;
  f.warnings = ['Token reaches <2> projects'];
  return f;
}

describe('renderSummary', () => {
  const md = renderSummary(mixedRun(), 'rolled-back', '/tmp/runner/zerops-rollout-report-7.json');

  it('renders the verdict first, the table and the timeline (snapshot)', () => {
    expect(md.split('\n')[0]).toMatch(/^## ↩️ zerops-rollout: rolled-back — /);
    expect(md).toMatchSnapshot();
  });

  it('escapes every user- and server-controlled string', () => {
    expect(md).not.toMatch(/<img|<script|<b>live|\*\*boom\*\*|\[click\]/);
    expect(md).not.toContain('javascript:');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // A pipe in a check name must not add a column.
    const checkRow = md.split('\n').find((l) => l.includes('alert(1)&lt;/script'));
    expect(checkRow?.split('|').length).toBe(5);
  });

  it('keeps the timeline readable without Mermaid', () => {
    expect(md).toContain('```mermaid');
    expect(md).toMatch(/\| batch 1: &lt;x&gt; \| \+30s \| 30s \| failed \|/);
  });
});
