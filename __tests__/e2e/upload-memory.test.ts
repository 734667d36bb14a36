// A 1 GiB artifact is streamed to every service with flat memory. "Flat" is measured,
// not assumed: the bundle's peak RSS (from its own JSON report) for a 1 GiB upload is
// compared with the same run for a 256 MiB upload — streaming keeps them level, while
// buffering would add the difference (768 MiB per upload). Consumed read buffers are
// freed at V8's external-memory GC threshold, so both runs plateau at the same height
// (about 105 MiB on Node 20 and 155 MiB on Node 24 here).
import { closeSync, openSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { Simulator } from '../../sim/index.js';
import { runAction } from '../helpers/action.js';
import { callsOf, kindOf, mutationsOf, recordOf } from '../helpers/log.js';
import { makeRepo } from '../helpers/repo.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { tempDir } from '../helpers/temp.js';
import { baseInputs, world } from '../helpers/world.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** 1 GiB may use at most this much more than 256 MiB: a sliver of the 768 MiB buffering would add. */
const FLAT_TOLERANCE = 32 * MIB;
/** A sanity ceiling, far below one buffered copy of the artifact. */
const ABSOLUTE_LIMIT = 220 * MIB;
const HOSTS = ['api', 'web'];

describe('upload memory', () => {
  const { start } = simulatorPerTest();
  const repo = makeRepo(HOSTS);
  const target = repo.shas[2] as string;
  const dir = tempDir('zr-gib-');

  /** Sparse file: takes no disk, reads as zeros. A ready .tar.gz is streamed as is. */
  function artifactOf(bytes: number): string {
    const file = join(dir, `artifact-${bytes}.tar.gz`);
    closeSync(openSync(file, 'w'));
    truncateSync(file, bytes);
    expect(statSync(file).size).toBe(bytes);
    return file;
  }

  async function upload(bytes: number): Promise<number> {
    const sim: Simulator = await start(world({ shas: repo.shas, services: HOSTS }));
    const run = await runAction({
      sim,
      inputs: baseInputs(sim, repo.dir, { services: HOSTS.join(','), strategy: 'artifact', artifact: artifactOf(bytes), 'http-timeout': '30s' }),
      env: { GITHUB_SHA: target },
      timeoutMs: 280_000,
    });
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('success');
    for (const host of HOSTS) {
      const uploads = callsOf(sim, host, 'upload');
      expect(uploads).toHaveLength(1);
      expect(uploads[0]?.bytes).toBe(bytes);
      expect(uploads[0]?.status).toBe(200);
      expect(sim.service(host).activeVersion?.upload?.bytes).toBe(bytes);
      expect(mutationsOf(sim, host).map(kindOf)).toEqual(['create-version', 'upload', 'deploy']);
      expect(recordOf(run.report, host).outcome).toBe('on-target');
    }
    const rss = run.report?.runtime.maxRssBytes as number;
    console.log(`${bytes / MIB} MiB artifact to ${HOSTS.length} services in ${(run.durationMs / 1000).toFixed(1)} s: peak RSS ${(rss / MIB).toFixed(1)} MiB (${process.version})`);
    return rss;
  }

  it(
    'streams a 1 GiB artifact to two services with the same peak RSS as a 256 MiB one',
    async () => {
      const small = await upload(256 * MIB);
      const large = await upload(GIB);
      expect(large - small).toBeLessThan(FLAT_TOLERANCE);
      expect(large).toBeLessThan(ABSOLUTE_LIMIT);
    },
    600_000,
  );
});
