import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fleetServices, sha, startSimulator, type Simulator } from '../../../sim/index.js';
import { PROJECT_ID, ZEROPS_TOKEN, waitFor, zeropsYaml } from './helpers.js';

const FLEET = 1000;
// A lean keep-alive client: this test measures the simulator, not fetch's per-request cost.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function call(method: string, url: string, body?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${ZEROPS_TOKEN}` };
    // Uploads go without a Content-Type, like zcli (the signed upload host refuses one).
    if (body !== undefined && !url.includes('/storage/upload/')) headers['content-type'] = 'application/json';
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs tasks with bounded concurrency. */
async function pool<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

let sim: Simulator;
let startupMs = 0;
beforeAll(async () => {
  const started = Date.now();
  sim = await startSimulator({
    seed: 11,
    zerops: {
      pendingMs: 5,
      tokens: [{ value: ZEROPS_TOKEN, projects: [PROJECT_ID] }],
      projects: [{ id: PROJECT_ID, name: 'production', services: fleetServices({ count: FLEET, durationMs: [20, 80], activeSha: sha(1) }) }],
    },
  });
  startupMs = Date.now() - started;
});
afterAll(async () => {
  agent.destroy();
  await sim.close();
});

describe(`a fleet of ${FLEET} services`, () => {
  it('starts quickly', () => {
    expect(startupMs).toBeLessThan(2000);
  });

  it('deploys every service concurrently and answers thousands of requests fast', async () => {
    const api = `${sim.urls.zerops}/api/rest/public`;
    const services: Array<{ id: string; name: string }> = [];
    for (let offset = 0; offset < FLEET; offset += 100) {
      services.push(...(await call('GET', `${api}/project/${PROJECT_ID}/service-stack?limit=100&offset=${offset}`)).json.list);
    }
    expect(services).toHaveLength(FLEET);

    const started = Date.now();
    const processes = new Set<string>();
    const createdIds = new Map<string, string>();
    await pool(services, 64, async (service) => {
      const created = (await call('POST', `${api}/service-stack/${service.id}/app-version`, JSON.stringify({ name: sha(2) }))).json;
      createdIds.set(service.id, created.id);
      expect((await call('PUT', created.uploadUrl, `archive for ${service.name}`)).status).toBe(200);
      const body = JSON.stringify({ zeropsYaml: zeropsYaml(service.name), zeropsYamlSetup: service.name });
      processes.add((await call('PUT', `${api}/app-version/${created.id}/build-and-deploy`, body)).json.id);
    });
    expect(processes.size).toBe(FLEET);
    // Wait the way a fleet rollout would: one project-wide in-flight query, not one poll per process.
    await waitFor(async () => (await call('GET', `${api}/project/${PROJECT_ID}/process?statuses=PENDING,RUNNING&limit=1`)).json.totalCount === 0, 5000, 'every deploy to end');
    await pool(services, 64, async (service) => {
      expect((await call('GET', `${api}/service-stack/${service.id}`)).json.activeAppVersion.id).toBe(createdIds.get(service.id));
      expect((await call('GET', `${sim.urls.buildInfo}/${service.name}/build-info`)).json.git_sha).toBe(sha(2));
    });
    const elapsed = Date.now() - started;

    // One seeded build per service (its active version's history) plus this deploy.
    expect((await call('GET', `${api}/project/${PROJECT_ID}/process?statuses=FINISHED&limit=1`)).json.totalCount).toBe(2 * FLEET);
    expect(sim.mutations()).toHaveLength(3 * FLEET);
    expect(sim.log.length).toBeGreaterThan(5 * FLEET);
    // Generous: a guard against accidental per-request scans, not a benchmark.
    expect(elapsed).toBeLessThan(15_000);
  }, 20_000);
});
