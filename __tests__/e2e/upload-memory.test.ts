// A 1 GiB artifact is streamed to every service with flat memory: the bundle's peak
// RSS (measured by the action itself, in its JSON report) stays far below the size.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { runAction } from '../helpers/action.js';
import { callsOf, kindOf, mutationsOf, recordOf } from '../helpers/log.js';
import { makeRepo } from '../helpers/repo.js';
import { baseInputs, world } from '../helpers/world.js';

const GIB = 1024 * 1024 * 1024;
const RSS_LIMIT = 150 * 1024 * 1024;
const HOSTS = ['api', 'web'];

describe('upload memory', () => {
  let sim: Simulator;
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'zr-gib-'));
    file = join(dir, 'big.tar.gz');
    // Sparse: takes no disk, reads as zeros. A ready .tar.gz is streamed as is.
    closeSync(openSync(file, 'w'));
    truncateSync(file, GIB);
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'streams a 1 GiB artifact to two services; peak RSS stays under 150 MB',
    async () => {
      expect(statSync(file).size).toBe(GIB);
      const repo = makeRepo(HOSTS);
      const target = repo.shas[2] as string;
      sim = await startSimulator(world({ shas: repo.shas, services: HOSTS }));
      const run = await runAction({
        sim,
        inputs: baseInputs(sim, repo.dir, { services: HOSTS.join(','), strategy: 'artifact', artifact: file, 'http-timeout': '30s' }),
        env: { GITHUB_SHA: target },
        timeoutMs: 280_000,
      });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('success');

      for (const host of HOSTS) {
        const uploads = callsOf(sim, host, 'upload');
        expect(uploads).toHaveLength(1);
        expect(uploads[0]?.bytes).toBe(GIB);
        expect(uploads[0]?.status).toBe(200);
        expect(sim.service(host).activeVersion?.upload?.bytes).toBe(GIB);
        expect(mutationsOf(sim, host).map(kindOf)).toEqual(['create-version', 'upload', 'deploy']);
        expect(recordOf(run.report, host).outcome).toBe('on-target');
      }
      const rss = run.report?.runtime.maxRssBytes as number;
      console.log(`1 GiB artifact to ${HOSTS.length} services in ${(run.durationMs / 1000).toFixed(1)} s; peak RSS of the action: ${(rss / 1024 / 1024).toFixed(1)} MiB (limit ${RSS_LIMIT / 1024 / 1024} MiB)`);
      expect(rss).toBeGreaterThan(0);
      expect(rss).toBeLessThan(RSS_LIMIT);
    },
    300_000,
  );
});
