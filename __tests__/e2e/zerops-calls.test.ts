// The Zerops calls as the real API and zcli make them, run as the bundle against the
// simulator under each plausible platform behaviour: the upload host, the project
// search, transient service statuses.
import { describe, expect, it } from '@jest/globals';
import type { Simulator, ZeropsScenario } from '../../sim/index.js';
import { RUN_TEST_TIMEOUT, runAction, type ActionRun } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { baseInputs, DEFAULT_SERVICES, world, type WorldOptions } from '../helpers/world.js';

const TIMEOUT = RUN_TEST_TIMEOUT;

function tail(run: ActionRun): { code: number | null; tail: string } {
  return { code: run.code, tail: run.code === 0 ? '' : `${run.stdout}\n${run.stderr}`.slice(-4000) };
}

describe('zerops calls', () => {
  const sims = simulatorPerTest();

  async function release(o: Partial<WorldOptions> = {}, inputs: Record<string, string> = {}): Promise<{ run: ActionRun; sim: Simulator; target: string }> {
    const repo = makeRepo(DEFAULT_SERVICES);
    const target = repo.shas[2] as string;
    const sim = await sims.start(world({ shas: repo.shas, ...o }));
    const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir, inputs), env: { GITHUB_SHA: target } });
    return { run, sim, target };
  }

  describe.each(['signed', 'lenient'] as const)('upload host %s', (uploadHost) => {
    it(
      'uploads like zcli: no token, no Content-Type, the answer body ignored; the release succeeds',
      async () => {
        const { run, sim, target } = await release({ zerops: { uploadHost } as Partial<ZeropsScenario> });
        expect(tail(run)).toEqual({ code: 0, tail: '' });
        const uploads = sim.log.filter((e) => e.server === 'upload');
        expect(uploads.map((e) => e.status)).toEqual(DEFAULT_SERVICES.map(() => 200));
        for (const e of uploads) expect(e.headers).toEqual({ 'user-agent': expect.any(String) });
        for (const host of DEFAULT_SERVICES) expect(sim.service(host).activeVersion?.name).toBe(target);
      },
      TIMEOUT,
    );
  });
});

