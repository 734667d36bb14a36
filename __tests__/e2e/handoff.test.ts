// The release handoff, end to end on both forges: the bundle releases a commit whose
// zerops.yaml differs from the one the services run; the summary's last section, the
// report's `handoff` and the log block say what changed — env variable NAMES, never values.
import { describe, expect, it } from '@jest/globals';
import { RUN_TEST_TIMEOUT, runAction } from '../helpers/action.js';
import { makeRepo, zeropsYamlFor } from '../helpers/repo.js';
import type { ForgeName } from '../helpers/requests.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { baseInputs, world } from '../helpers/world.js';

const FORGES: ForgeName[] = ['github', 'gitea'];
const OLD_VALUE = 'handoff-old-pw-V7c1';
const NEW_VALUE = 'handoff-new-pw-Q2m9';

/** Release 1 and 2: api starts server.js with DB_PASSWORD and LEGACY; release 3 changes the command, adds a port and FEATURE_FLAG, drops LEGACY. */
function yamlAt(n: number): string {
  const web = zeropsYamlFor(['web']).replace('zerops:\n', '');
  const api =
    n < 3
      ? `  - setup: api\n    build:\n      base: nodejs@22\n      deployFiles: ./\n    run:\n      base: nodejs@22\n      start: node server.js\n      envVariables:\n        DB_PASSWORD: ${OLD_VALUE}\n        LEGACY: ${OLD_VALUE}\n`
      : `  - setup: api\n    build:\n      base: nodejs@22\n      deployFiles: ./\n    run:\n      base: nodejs@22\n      start: node server.js --cluster\n      ports:\n        - port: 8080\n          httpSupport: true\n      envVariables:\n        DB_PASSWORD: ${NEW_VALUE}\n        FEATURE_FLAG: ${NEW_VALUE}\n`;
  return `zerops:\n${api}${web}`;
}

describe.each(FORGES)('release handoff on %s', (forge) => {
  const { start } = simulatorPerTest();
  const repo = makeRepo(['api', 'web'], 3, { zeropsYaml: yamlAt });
  const [first, , target] = repo.shas as [string, string, string];

  it(
    'lists the tag on the target, each service before → after, and what zerops.yaml changes per setup, without any env value',
    async () => {
      const sim = await start(world({ shas: repo.shas, forge, services: ['api', 'web'], deployed: first, branches: { main: first }, tags: { 'v1.0.0': target, 'v0.1.0': first } }));
      const run = await runAction({ sim, forge, inputs: baseInputs(sim, repo.dir, { services: 'api,web', strategy: 'build', target: 'v1.0.0' }), env: { GITHUB_SHA: target } });
      expect({ code: run.code, tail: run.code === 0 ? '' : `${run.stdout}\n${run.stderr}`.slice(-4000) }).toEqual({ code: 0, tail: '' });

      const h = run.report?.handoff;
      expect(h).toEqual(
        expect.objectContaining({
          target: { input: 'v1.0.0', sha: target },
          tags: { names: ['v1.0.0'], read: 2, limit: 100 },
          allowedBy: { ref: 'refs/tags/v1.0.0', how: 'tip' },
          services: [
            { hostname: 'api', before: first, after: target, outcome: 'on-target' },
            { hostname: 'web', before: first, after: target, outcome: 'on-target' },
          ],
          notes: [],
        }),
      );
      expect(h.config).toEqual([
        {
          setup: 'api',
          services: ['api'],
          from: first,
          to: target,
          status: 'changed',
          changes: [
            { key: 'run.envVariables.DB_PASSWORD', kind: 'changed' },
            { key: 'run.envVariables.FEATURE_FLAG', kind: 'added' },
            { key: 'run.envVariables.LEGACY', kind: 'removed' },
            { key: 'run.ports[0].httpSupport', kind: 'added', after: 'true' },
            { key: 'run.ports[0].port', kind: 'added', after: '8080' },
            { key: 'run.start', kind: 'changed', before: 'node server.js', after: 'node server.js --cluster' },
          ],
        },
        { setup: 'web', services: ['web'], from: first, to: target, status: 'unchanged', changes: [] },
      ]);

      // The summary ends with the handoff block (then only the footer).
      const summary = run.summary;
      const block = summary.slice(summary.indexOf('### Release handoff'));
      expect(summary.split('\n').filter((l) => l.startsWith('### ')).pop()).toBe('### Release handoff');
      expect(block).toContain('- **Tags on it:** <code>v1.0.0</code>');
      expect(block).toContain('- **Allowed by:** <code>refs/tags/v1.0.0</code> (tip)');
      expect(block).toContain(`- setup <code>api</code> (api; ${first.slice(0, 7)} → ${target.slice(0, 7)}): **6 changes**`);
      expect(block).toContain('  | <code>run.envVariables.DB&#95;PASSWORD</code> | value changed |  |  |');
      expect(block).toContain('  | <code>run.start</code> | changed | <code>node server.js</code> | <code>node server.js --cluster</code> |');
      expect(block).toContain(`- setup <code>web</code> (web; ${first.slice(0, 7)} → ${target.slice(0, 7)}): **nothing changed**`);

      // The log shows the same block, before the verdict.
      expect(run.stdout).toContain(`Config, setup api (api; ${first.slice(0, 7)} → ${target.slice(0, 7)}): 6 changes`);
      expect(run.stdout).toContain('    run.envVariables.FEATURE_FLAG added\n');
      expect(run.stdout.indexOf('Release handoff')).toBeLessThan(run.stdout.indexOf('Result: success'));

      // The env values reach Zerops (the uploaded zerops.yaml) but no output of the run.
      expect(run.everything).not.toContain(NEW_VALUE);
      expect(run.everything).not.toContain(OLD_VALUE);
    },
    RUN_TEST_TIMEOUT,
  );

  it(
    'a run refused before any change still ends with the handoff (no configuration compared: nothing was planned)',
    async () => {
      // main stops at the first commit and no tag holds the target: the allowed-refs gate refuses it.
      const sim = await start(world({ shas: repo.shas, forge, services: ['api', 'web'], deployed: first, branches: { main: first, feature: target } }));
      const run = await runAction({ sim, forge, inputs: baseInputs(sim, repo.dir, { services: 'api,web', strategy: 'build', target }), env: { GITHUB_SHA: target } });
      expect(run.report?.reasonCode).toBe('ref-policy');
      expect(run.report?.handoff).toEqual({ target: { input: target, sha: target }, tags: { names: [], read: 0, limit: 100 }, allowedBy: null, stageProof: null, services: [], config: [], notes: [] });
      expect(run.summary).toContain('- **Tags on it:** none (0 tags read)');
      expect(run.stdout).toContain('  Allowed by: not checked');
    },
    RUN_TEST_TIMEOUT,
  );
});
