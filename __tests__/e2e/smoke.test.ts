// The quickest whole-path check: one default release of the bundle against the
// simulator, ending in success with every output set. The engine suites prove the details.
import { describe, expect, it } from '@jest/globals';
import { RUN_TEST_TIMEOUT, runAction } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { baseInputs, DEFAULT_SERVICES, world } from '../helpers/world.js';

describe('smoke', () => {
  const sims = simulatorPerTest();

  it(
    'releases the target to every service and sets every output',
    async () => {
      const repo = makeRepo(DEFAULT_SERVICES);
      const target = repo.shas[2] as string;
      const sim = await sims.start(world({ shas: repo.shas }));
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: target } });
      expect({ code: run.code, tail: run.code === 0 ? '' : `${run.stdout}\n${run.stderr}`.slice(-4000) }).toEqual({ code: 0, tail: '' });
      expect(run.outputs.result).toBe('success');
      expect(run.outputs['target-sha']).toBe(target);
      expect(JSON.parse(run.outputs.deployed as string)).toEqual(DEFAULT_SERVICES);
      expect(JSON.parse(run.outputs.failed as string)).toEqual([]);
      expect(JSON.parse(run.outputs['rolled-back'] as string)).toEqual([]);
      for (const host of DEFAULT_SERVICES) expect(sim.service(host).activeVersion?.name).toBe(target);
      expect(run.report?.result).toBe('success');
    },
    RUN_TEST_TIMEOUT,
  );
});
