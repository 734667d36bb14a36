// The release handoff: gathered from the run's facts and the real git checkout (a
// throwaway repository), rendered as Markdown and as log lines from the same model.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Forge, NamedRef } from '../../src/forge/types.js';
import type { StageProof } from '../../src/gates/stage-evidence.js';
import { newFacts, type RunFacts } from '../../src/report/facts.js';
import { collectHandoff, HANDOFF_TAG_LIMIT, type Handoff } from '../../src/report/handoff.js';
import { handoffLines, handoffMarkdown } from '../../src/report/handoff-render.js';
import { renderSummary } from '../../src/report/summary.js';
import { newRecord, type StrategyUsed } from '../../src/rollout/records.js';
import type { Settings } from '../../src/settings/settings.js';
import { recordingLogger } from '../helpers/fakes.js';
import { makeRepo, zeropsYamlFor } from '../helpers/repo.js';
import { tempDir } from '../helpers/temp.js';

const SECRET = 's3cr3t-value-Jd83';
const yamlAt = (n: number) =>
  n < 3
    ? zeropsYamlFor(['api', 'web'])
    : zeropsYamlFor(['api', 'web'])
        .replace('  - setup: api\n    build:\n      base: nodejs@22\n      deployFiles: ./\n    run:\n      base: nodejs@22\n      start: node server.js\n', `  - setup: api\n    build:\n      base: nodejs@22\n      deployFiles: ./\n    run:\n      base: nodejs@22\n      start: node dist/server.js\n      ports:\n        - port: 8080\n      envVariables:\n        API_KEY: ${SECRET}\n`);

/** Only the one call the handoff makes; the HTTP side is proven by the e2e suite against the simulator. */
function tagsForge(tags: NamedRef[] | Error, seen: number[] = []): Forge {
  return {
    listRefs: async (kind: string, limit: number) => {
      seen.push(limit);
      if (kind !== 'tag') throw new Error('only tags');
      if (tags instanceof Error) throw tags;
      return tags.slice(0, limit);
    },
  } as unknown as Forge;
}

function factsFor(target: string, services: Array<{ host: string; before: string | null; strategy?: StrategyUsed; versionId?: string | null }>): RunFacts {
  const f = newFacts(0);
  f.target = { input: 'v1.0.0', sha: target, fromInput: true };
  f.refPolicy = { allowedBy: 'refs/tags/v1.0.0', how: 'tip', checked: ['refs/tags/*'] };
  f.records = services.map((s) => {
    const r = newRecord({ hostname: s.host, serviceId: `id-${s.host}`, stage: 'batch 1', strategy: s.strategy ?? 'build', before: { versionId: s.versionId === undefined ? (s.before ? `v-${s.host}` : null) : s.versionId, sha: s.before } });
    r.outcome = 'on-target';
    r.after = { versionId: 'new', sha: target };
    return r;
  });
  return f;
}

const settingsFor = (dir: string, setup: string | null = null) => ({ sourceDir: dir, zeropsYamlPath: null, setup }) as unknown as Settings;

describe('collectHandoff', () => {
  const repo = makeRepo(['api', 'web'], 3, { zeropsYaml: yamlAt });
  const [first, second, target] = repo.shas as [string, string, string];

  it('lists the tags on the target, the allowed ref and, per setup, what the release changes (computed once per setup and commit)', async () => {
    const seen: number[] = [];
    const forge = tagsForge([{ name: 'v0.9.0', sha: first }, { name: 'v1.0.0', sha: target }, { name: 'latest', sha: target }], seen);
    const facts = factsFor(target, [
      { host: 'api', before: second },
      { host: 'api2', before: second },
      { host: 'web', before: first },
      { host: 'fresh', before: null },
    ]);
    facts.plan = { stages: [], services: facts.records.map((r) => ({ hostname: r.hostname, serviceId: r.serviceId, stage: r.stage, strategy: r.strategy, before: r.before, activateVersionId: null, setup: r.hostname === 'api2' ? 'api' : r.hostname === 'fresh' ? 'web' : r.hostname, note: null })) };
    const h = (await collectHandoff({ forge, settings: settingsFor(repo.dir), facts, log: recordingLogger() })) as Handoff;
    expect(seen).toEqual([HANDOFF_TAG_LIMIT]);
    expect(h.tags).toEqual({ names: ['v1.0.0', 'latest'], read: 3, limit: HANDOFF_TAG_LIMIT });
    expect(h.allowedBy).toEqual({ ref: 'refs/tags/v1.0.0', how: 'tip' });
    expect(h.config).toEqual([
      {
        setup: 'api',
        services: ['api', 'api2'],
        from: second,
        to: target,
        status: 'changed',
        changes: [
          { key: 'run.envVariables.API_KEY', kind: 'added' },
          { key: 'run.ports[0].port', kind: 'added', after: '8080' },
          { key: 'run.start', kind: 'changed', before: 'node server.js', after: 'node dist/server.js' },
        ],
      },
      { setup: 'web', services: ['web'], from: first, to: target, status: 'unchanged', changes: [] },
      { setup: 'web', services: ['fresh'], from: null, to: target, status: 'new', changes: [], detail: 'the service ran nothing before' },
    ]);
    expect(h.notes).toEqual([]);
    const all = [JSON.stringify(h), ...handoffMarkdown(h), ...handoffLines(h)].join('\n');
    expect(all).not.toContain(SECRET);
  });

  it('says when the running commit is not in the checkout (a shallow clone) and how to fix it', async () => {
    const shallow = join(tempDir('zr-shallow-'), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.dir}`, shallow]);
    const facts = factsFor(target, [{ host: 'api', before: second }]);
    const h = (await collectHandoff({ forge: tagsForge([]), settings: settingsFor(shallow), facts, log: recordingLogger() })) as Handoff;
    expect(h.config).toEqual([
      { setup: 'api', services: ['api'], from: second, to: target, status: 'unknown', changes: [], detail: `commit ${second.slice(0, 7)} is not in the checkout; use \`fetch-depth: 0\`` },
    ]);
    expect(handoffLines(h)).toContain(`  Config, setup api (api; ${second.slice(0, 7)} → ${target.slice(0, 7)}): unknown — commit ${second.slice(0, 7)} is not in the checkout; use \`fetch-depth: 0\``);
  });

  it('never throws: an unreadable tag list, no git checkout and an unknown running commit become notes and "unknown"', async () => {
    const facts = factsFor(target, [
      { host: 'api', before: second },
      { host: 'web', before: null, versionId: 'v-unknown' },
      { host: 'skipped', before: target, strategy: 'skip' },
    ]);
    const h = (await collectHandoff({ forge: tagsForge(new Error('HTTP 403 list tags')), settings: settingsFor(tempDir('zr-nogit-')), facts, log: recordingLogger() })) as Handoff;
    expect(h.tags).toBeNull();
    expect(h.notes).toEqual(['Tags were not read (HTTP 403 list tags).']);
    expect(h.config.map((c) => [c.setup, c.status, c.detail])).toEqual([
      ['api', 'unknown', expect.stringMatching(/^no git checkout to read zerops\.yaml from \(.* is not a git checkout\)$/)],
      ['web', 'unknown', 'the commit the service ran is unknown'],
    ]);
  });

  it('uses `setup` for services without a planned setup (activate), and reads no tags once cancelled', async () => {
    const facts = factsFor(target, [{ host: 'backend', before: second, strategy: 'activate' }]);
    const seen: number[] = [];
    const h = (await collectHandoff({ forge: tagsForge([], seen), settings: settingsFor(repo.dir, 'api'), facts, log: recordingLogger(), signal: AbortSignal.abort() })) as Handoff;
    expect(seen).toEqual([]);
    expect(h.notes).toEqual(['Tags were not read (the run was cancelled).']);
    expect(h.config[0]?.setup).toBe('api');
    expect(h.config[0]?.status).toBe('changed');
  });

  it('gives up on a tag list that does not answer in time', async () => {
    const facts = factsFor(target, []);
    const hanging = { listRefs: () => new Promise<never>(() => undefined) } as unknown as Forge;
    const h = (await collectHandoff({ forge: hanging, settings: settingsFor(repo.dir), facts, log: recordingLogger(), tagsDeadlineMs: 50 })) as Handoff;
    expect(h.tags).toBeNull();
    expect(h.notes).toEqual(['Tags were not read (no answer within 1s).']);
  });

  it('is null without a target', async () => {
    const facts = newFacts(0);
    expect(await collectHandoff({ forge: tagsForge([]), settings: settingsFor(repo.dir), facts, log: recordingLogger() })).toBeNull();
  });
});

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OLD = 'fedcba9876543210fedcba9876543210fedcba98';

function sample(): Handoff {
  const proof: StageProof = {
    status: 'proven',
    note: 'stage ran it for 45m',
    checkedAt: 0,
    checks: 2,
    minAgeMs: 1_800_000,
    stageProject: { id: 'S1', name: 'stage' },
    deployment: { environment: 'stage', id: 5, state: 'success', successAt: null, ageMs: 2_700_000, url: null, ok: true, detail: 'success 45m ago' },
    services: [{ service: 'api', stageService: 'api-stage', buildInfo: null, zerops: null, ok: false, missing: ['serves <b>1a2b3c4</b>'] }],
  };
  return {
    target: { input: 'v1.2.3', sha: SHA },
    tags: { names: ['v1.2.3', 'x|<script>'], read: 2, limit: 100 },
    allowedBy: { ref: 'refs/tags/v1.2.3', how: 'tip' },
    stageProof: proof,
    services: [{ hostname: 'api', before: OLD, after: SHA, outcome: 'on-target' }],
    config: [
      {
        setup: 'api',
        services: ['api'],
        from: OLD,
        to: SHA,
        status: 'changed',
        changes: [
          { key: 'run.envVariables.TOKEN', kind: 'changed' },
          { key: 'run.start', kind: 'changed', before: 'node a.js', after: 'node b.js | [x](https://evil.example)' },
          { key: 'run.ports[1].port', kind: 'added', after: '9090' },
        ],
      },
      { setup: 'web', services: ['web', 'web2'], from: OLD, to: SHA, status: 'unchanged', changes: [] },
    ],
    notes: ['Tags were not read (x).'],
  };
}

describe('handoff rendering', () => {
  it('Markdown: every part, env changes as "value changed", user text escaped', () => {
    const md = handoffMarkdown(sample()).join('\n');
    expect(md).toContain('### Release handoff');
    expect(md).toContain(`- **Target:** <code>${SHA}</code> (from <code>v1.2.3</code>)`);
    expect(md).toContain('- **Tags on it:** <code>v1.2.3</code>, <code>x&#124;&lt;script&gt;</code>');
    expect(md).toContain('- **Allowed by:** <code>refs/tags/v1.2.3</code> (tip)');
    expect(md).toContain('- **Stage evidence:** proven — stage ran it for 45m');
    expect(md).toContain('  - deployment <code>stage</code>: ok — success 45m ago');
    expect(md).toContain('  - <code>api</code> as <code>api-stage</code> on stage: missing serves &lt;b&gt;1a2b3c4&lt;/b&gt;');
    expect(md).toContain('- **Services:** api <code>fedcba9</code> → <code>0123456</code> (on-target)');
    expect(md).toContain('- setup <code>api</code> (api; fedcba9 → 0123456): **3 changes**');
    expect(md).toContain('  | <code>run.envVariables.TOKEN</code> | value changed |  |  |');
    expect(md).toContain('  | <code>run.start</code> | changed | <code>node a.js</code> | <code>node b.js &#124; &#91;x&#93;(https://evil.example)</code> |');
    expect(md).toContain('  | <code>run.ports&#91;1&#93;.port</code> | added |  | <code>9090</code> |');
    expect(md).toContain('- setup <code>web</code> (web, web2; fedcba9 → 0123456): **nothing changed**');
    expect(md).toContain('> Tags were not read (x).');
    expect(md).not.toMatch(/<script>|<b>|\[x\]/);
  });

  it('plain lines carry the same block', () => {
    expect(handoffLines(sample())).toEqual([
      'Release handoff',
      `  Target: ${SHA} (from v1.2.3)`,
      '  Tags on it: v1.2.3, x|<script>',
      '  Allowed by: refs/tags/v1.2.3 (tip)',
      '  Stage evidence: proven — stage ran it for 45m',
      '    deployment stage: ok — success 45m ago',
      '    api as api-stage on stage: missing serves <b>1a2b3c4</b>',
      '  Services: api fedcba9 → 0123456 (on-target)',
      '  Config, setup api (api; fedcba9 → 0123456): 3 changes',
      '    run.envVariables.TOKEN value changed',
      '    run.start changed: node a.js → node b.js | [x](https://evil.example)',
      '    run.ports[1].port added: — → 9090',
      '  Config, setup web (web, web2; fedcba9 → 0123456): nothing changed',
      '  Note: Tags were not read (x).',
    ]);
  });

  it('no stage evidence, no tags on the target, a capped tag list', () => {
    const h = { ...sample(), stageProof: null, tags: { names: [], read: 100, limit: 100 } };
    const lines = handoffLines(h);
    expect(lines).toContain('  Tags on it: none (100 tags read; only the first 100 tags were read)');
    expect(lines).toContain('  Stage evidence: none');
  });

  it('is the last section of the summary, before the footer', () => {
    const f = newFacts(0);
    f.finishedAt = 1000;
    f.handoff = sample();
    f.warnings = ['a warning'];
    const md = renderSummary(f, 'success', '/tmp/report.json');
    const sections = md.split('\n').filter((l) => l.startsWith('### '));
    expect(sections[sections.length - 1]).toBe('### Release handoff');
    expect(md.trimEnd().split('\n').pop()).toMatch(/^<sub>zerops-rollout/);
    expect(renderSummary(newFacts(0), 'failed', null)).not.toContain('Release handoff');
  });
});
