// One simulator per test, always closed after it (even when the test fails).
import { afterEach } from '@jest/globals';
import { startSimulator, type Scenario, type Simulator } from '../../sim/index.js';

export function simulatorPerTest(): { start(scenario: Scenario): Promise<Simulator> } {
  let sim: Simulator | null = null;
  afterEach(async () => {
    await sim?.close();
    sim = null;
  });
  return {
    start: async (scenario) => {
      await sim?.close();
      sim = await startSimulator(scenario);
      return sim;
    },
  };
}
