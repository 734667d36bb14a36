import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { runAction } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { baseInputs, world } from '../helpers/world.js';

describe('smoke', () => {
  let sim: Simulator;
  const repo = makeRepo(['api', 'web', 'worker', 'admin']);
  beforeAll(async () => {
    sim = await startSimulator(world({ shas: repo.shas }));
  });
  afterAll(async () => sim.close());

  it('releases', async () => {
    const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: repo.shas[2] } });
    console.log(run.stdout, run.stderr, run.outputs);
    expect(run.code).toBe(0);
  }, 60_000);
});
