import { describe, expect, it } from '@jest/globals';
import { diffSetup } from '../../src/report/config-diff.js';
import { parseZeropsYaml } from '../../src/rollout/zerops-yaml.js';

// Values a reviewer must never see in the handoff: they live in env maps.
const OLD_SECRET = 'old-db-pass-7Hq2';
const NEW_SECRET = 'new-db-pass-K9x4';
const GONE_SECRET = 'legacy-key-Zr81';
const BUILD_SECRET = 'npm-token-Pq55';

const BEFORE = `zerops:
  - setup: api
    build:
      base: nodejs@20
      buildCommands:
        - npm ci
        - npm run build
      deployFiles: ./
      envVariables:
        NPM_TOKEN: ${BUILD_SECRET}
    deploy:
      readinessCheck:
        httpGet:
          port: 3000
          path: /ready
    run:
      base: nodejs@20
      start: node server.js
      ports:
        - port: 3000
          httpSupport: true
      envVariables:
        DB_PASSWORD: ${OLD_SECRET}
        LEGACY_KEY: ${GONE_SECRET}
        NODE_ENV: production
  - setup: web
    run:
      start: nginx
`;

const AFTER = `zerops:
  - setup: api
    build:
      base: nodejs@22
      buildCommands:
        - npm ci
        - npm run build
      deployFiles: ./
      envVariables:
        NPM_TOKEN: ${BUILD_SECRET}
    deploy:
      readinessCheck:
        httpGet:
          port: 3000
          path: /healthz
    run:
      base: nodejs@22
      start: node dist/server.js
      ports:
        - port: 3000
          httpSupport: true
        - port: 9090
      envVariables:
        DB_PASSWORD: ${NEW_SECRET}
        NODE_ENV: production
        FEATURE_X: "on"
  - setup: web
    run:
      start: nginx
`;

describe('diffSetup', () => {
  const diff = diffSetup(BEFORE, AFTER, 'api');

  it('lists command, base, port, readiness and env-name changes', () => {
    expect(diff.status).toBe('changed');
    expect(diff.changes).toEqual([
      { key: 'build.base', kind: 'changed', before: 'nodejs@20', after: 'nodejs@22' },
      { key: 'deploy.readinessCheck.httpGet.path', kind: 'changed', before: '/ready', after: '/healthz' },
      { key: 'run.base', kind: 'changed', before: 'nodejs@20', after: 'nodejs@22' },
      { key: 'run.envVariables.DB_PASSWORD', kind: 'changed' },
      { key: 'run.envVariables.FEATURE_X', kind: 'added' },
      { key: 'run.envVariables.LEGACY_KEY', kind: 'removed' },
      { key: 'run.ports[1].port', kind: 'added', after: '9090' },
      { key: 'run.start', kind: 'changed', before: 'node server.js', after: 'node dist/server.js' },
    ]);
  });

  it('never carries an environment value, added, removed, changed or unchanged', () => {
    const text = JSON.stringify(diff);
    for (const secret of [OLD_SECRET, NEW_SECRET, GONE_SECRET, BUILD_SECRET, 'production', '"on"']) expect(text).not.toContain(secret);
  });

  it('treats an env map that is not a mapping as secret too', () => {
    const a = BEFORE.replace(/      envVariables:\n        NPM_TOKEN: \S+\n/, `      envVariables: ${BUILD_SECRET}\n`);
    const d = diffSetup(a, AFTER, 'api');
    expect(d.changes).toEqual(expect.arrayContaining([{ key: 'build.envVariables', kind: 'removed' }, { key: 'build.envVariables.NPM_TOKEN', kind: 'added' }]));
    expect(JSON.stringify(d)).not.toContain(BUILD_SECRET);
  });

  it('envSecrets, wherever they are, yield names only', () => {
    const a = BEFORE.replace('  - setup: api\n', `  - setup: api\n    envSecrets:\n      TOKEN: ${OLD_SECRET}\n`);
    const b = AFTER.replace('  - setup: api\n', `  - setup: api\n    envSecrets:\n      TOKEN: ${NEW_SECRET}\n      OTHER: ${GONE_SECRET}\n`);
    const d = diffSetup(a, b, 'api');
    expect(d.changes.filter((c) => c.key.startsWith('envSecrets'))).toEqual([
      { key: 'envSecrets.OTHER', kind: 'added' },
      { key: 'envSecrets.TOKEN', kind: 'changed' },
    ]);
    expect(JSON.stringify(d)).not.toMatch(new RegExp(`${OLD_SECRET}|${NEW_SECRET}|${GONE_SECRET}`));
  });

  it('a changed command list is one change, shown whole', () => {
    const d = diffSetup(BEFORE, BEFORE.replace('        - npm run build\n', '        - npm run build\n        - npm test\n'), 'api');
    expect(d.changes).toEqual([{ key: 'build.buildCommands', kind: 'changed', before: 'npm ci ; npm run build', after: 'npm ci ; npm run build ; npm test' }]);
  });

  it('is "unchanged" when the setup is the same, even if other setups or comments changed', () => {
    const other = AFTER.replace('start: nginx', 'start: nginx -g daemon off;').replace('zerops:', '# edited\nzerops:');
    expect(diffSetup(AFTER, other, 'api')).toEqual({ status: 'unchanged', changes: [] });
    expect(diffSetup(AFTER, other, 'web').changes).toEqual([{ key: 'run.start', kind: 'changed', before: 'nginx', after: 'nginx -g daemon off;' }]);
  });

  it('ignores the SHA stamp: the committed texts are compared, and a stamped copy differs only in the stamp', () => {
    const stamped = parseZeropsYaml(AFTER, 'zerops.yaml').stamped('ZEROPS_ROLLOUT_SHA', 'a'.repeat(40));
    expect(diffSetup(AFTER, AFTER, 'api').status).toBe('unchanged');
    expect(diffSetup(AFTER, stamped, 'api').changes).toEqual([{ key: 'run.envVariables.ZEROPS_ROLLOUT_SHA', kind: 'added' }]);
  });

  it('a setup new in the target: everything added, said so', () => {
    const d = diffSetup(BEFORE.replace('setup: api', 'setup: old-api'), AFTER, 'api');
    expect(d.status).toBe('changed');
    expect(d.detail).toBe("setup `api` is not in the running commit's zerops.yaml");
    expect(d.changes.every((c) => c.kind === 'added')).toBe(true);
    expect(d.changes.map((c) => c.key)).toContain('run.start');
    expect(JSON.stringify(d)).not.toContain(NEW_SECRET);
  });

  it('a setup missing from the target, or no zerops.yaml at the running commit', () => {
    expect(diffSetup(BEFORE, AFTER, 'worker')).toEqual({ status: 'unknown', changes: [], detail: "setup `worker` is not in the target's zerops.yaml" });
    const none = diffSetup(null, AFTER, 'web');
    expect(none.status).toBe('changed');
    expect(none.changes).toEqual([{ key: 'run.start', kind: 'added', after: 'nginx' }]);
  });

  it('unparseable YAML is unknown, with no value in the detail', () => {
    const d = diffSetup(`zerops:\n  - setup: api\n    run: {start: [${OLD_SECRET}\n`, AFTER, 'api');
    expect(d).toEqual({ status: 'unknown', changes: [], detail: 'the zerops.yaml of the running commit is not valid YAML' });
  });

  it('long values are shortened around the first difference', () => {
    const long = 'x'.repeat(200);
    const d = diffSetup(BEFORE.replace('node server.js', `${long} --a`), AFTER.replace('node dist/server.js', `${long} --b`), 'api');
    const start = d.changes.find((c) => c.key === 'run.start');
    expect(start?.before?.length).toBeLessThanOrEqual(80);
    expect(start?.before).toMatch(/^….*--a$/);
    expect(start?.after).toMatch(/^….*--b$/);
  });

  it('says when the setup extends another (what it inherits is not compared)', () => {
    const d = diffSetup(BEFORE, AFTER.replace('  - setup: web\n', '  - setup: web\n    extends: api\n'), 'web');
    expect(d.detail).toBe('extends `api`: what it inherits is not compared');
  });
});
