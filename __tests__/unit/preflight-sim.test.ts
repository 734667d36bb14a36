// The simulator's production shape (mode, subdomainAccess, horizontal autoscaling): SDK
// wire names, production-ready defaults, scenario validation.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { scenarioProblems } from '../../sim/scenario-validate.js';
import { PROJECT_ID, ZEROPS_TOKEN, zerops } from './sim/helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    zerops: {
      tokens: [{ value: ZEROPS_TOKEN, projects: [PROJECT_ID] }],
      projects: [
        {
          id: PROJECT_ID,
          name: 'production',
          services: [
            { hostname: 'api' },
            { hostname: 'db', type: 'postgresql@16' },
            { hostname: 'cache', type: 'valkey@7.2', mode: 'NON_HA' },
            { hostname: 'zcp', type: 'zcp@1', subdomainAccess: true, minContainers: null, maxContainers: null },
            { hostname: 'worker', minContainers: 1, maxContainers: 1 },
            { hostname: 'search', type: 'meilisearch@1.10', mode: null },
          ],
        },
      ],
    },
  });
});
afterAll(async () => sim?.close());

describe('simulated service production shape', () => {
  it('answers with the SDK names; defaults are production-ready', async () => {
    const api = zerops(sim);
    const get = async (h: string) => (await api.get(`/service-stack-by-name/${PROJECT_ID}/${h}`)).body;
    expect(await get('api')).toMatchObject({ mode: 'NON_HA', subdomainAccess: false, customAutoscaling: { horizontalAutoscaling: { minContainerCount: 2, maxContainerCount: 4 }, verticalAutoscaling: null } });
    expect(await get('db')).toMatchObject({ mode: 'HA', subdomainAccess: false, customAutoscaling: null, serviceStackTypeInfo: { serviceStackTypeCategory: 'STANDARD' } });
    expect(await get('cache')).toMatchObject({ mode: 'NON_HA' });
    expect(await get('zcp')).toMatchObject({ subdomainAccess: true, customAutoscaling: null, serviceStackTypeInfo: { serviceStackTypeName: 'zcp', serviceStackTypeVersionName: 'zcp@1' } });
    expect(await get('worker')).toMatchObject({ customAutoscaling: { horizontalAutoscaling: { minContainerCount: 1, maxContainerCount: 1 } } });
    expect(await get('search')).toMatchObject({ mode: null });
  });

  it('scenario validation names each bad field', () => {
    const problems = scenarioProblems({
      zerops: {
        projects: [
          {
            name: 'p',
            services: [
              { hostname: 'a', mode: 'HALF', subdomainAccess: 'yes', minContainers: 0, maxContainers: 11 },
              { hostname: 'b', minContainers: 3, maxContainers: 2 },
            ],
          },
        ],
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/services\[0\]\.mode: must be one of HA, NON_HA/),
        expect.stringMatching(/services\[0\]\.subdomainAccess/),
        expect.stringMatching(/services\[0\]\.minContainers: must be an integer from 1 to 10/),
        expect.stringMatching(/services\[0\]\.maxContainers: must be an integer from 1 to 10/),
        expect.stringMatching(/services\[1\]\.minContainers: must not exceed maxContainers/),
      ]),
    );
  });
});
