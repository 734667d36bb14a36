// Bad input fails before any request, naming the input; hostile data from servers is
// escaped in the summary, cannot inject workflow commands into the log, cannot blow
// the memory, and redirects from build-info endpoints are bounded and re-checked.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { tempDir } from '../helpers/temp.js';
import { annotations, runAction } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';
import { baseInputs, DEFAULT_SERVICES, world } from '../helpers/world.js';

describe('bad input: a clear error naming the input, before any request', () => {
  let sim: Simulator;
  const repo = makeRepo(DEFAULT_SERVICES);
  const broken = join(tempDir('zr-yaml-'), 'zerops.yaml');
  writeFileSync(broken, 'zerops:\n  - setup: api\n    run: [oops\n');
  beforeAll(async () => {
    sim = await startSimulator(world({ shas: repo.shas }));
  });
  afterAll(async () => sim.close());

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['batch-size', { 'batch-size': 'abc' }, /batch-size.*not a whole number/],
    ['services', { services: 'API,api' }, /services.*not a hostname/],
    ['services (huge)', { services: 'a'.repeat(100_000) }, /services.*not a hostname/],
    ['canary', { canary: 'nope' }, /canary.*not among `services`/],
    ['strategy', { strategy: 'yolo' }, /strategy.*not one of/],
    ['verify-url (metadata)', { 'verify-url': 'https://169.254.169.254/latest/{service}' }, /verify-url.*metadata/],
    ['verify-url (http)', { 'verify-url': 'http://app.example.com/{service}' }, /verify-url.*https/],
    ['target (control characters)', { target: 'main\u001b[31m' }, /target.*not a SHA, tag or branch/],
    ['zerops-token (empty)', { 'zerops-token': '' }, /zerops-token.*is empty/],
    ['artifact (missing)', { strategy: 'artifact', artifact: 'no/such/dir' }, /artifact.*does not exist/],
    ['source-dir (missing)', { 'source-dir': '/no/such/checkout' }, /source-dir.*not a directory/],
    ['zerops-yaml (broken)', { 'zerops-yaml': broken }, /zerops\.yaml:\d+:\d+: Flow sequence/],
  ];

  it.each(cases)('%s', async (_name, extra, message) => {
    const before = sim.log.length;
    const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir, extra), env: { GITHUB_SHA: repo.shas[2] } });
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(annotations(run.stdout, 'error').join('\n')).toMatch(message);
    expect(sim.log.length).toBe(before); // not one request, to any server
    expect(run.stdout.length).toBeLessThan(20_000); // a huge value is not echoed whole
  }, 30_000);
});

describe('hostile data from servers', () => {
  const HOSTILE = '<img src=x onerror=alert(1)> **bold** [x](https://evil.example)';

  it('escapes check names in the summary and cannot inject workflow commands into the log', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    const sim = await startSimulator(
      world({ shas: repo.shas, checks: [{ name: `${HOSTILE}\n::error::pwned\n::add-mask::x`, status: 'completed', conclusion: 'failure' }] }),
    );
    try {
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: repo.shas[2] } });
      expect(run.outputs.result).toBe('failed');
      expect(sim.mutations()).toEqual([]);
      expect(run.summary).not.toMatch(/<img|\*\*bold\*\*|\[x\]\(/);
      expect(run.summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
      // No line of the log is a workflow command the action did not mean to issue.
      expect(run.stdout.split('\n').filter((l) => /^\s*::(error::pwned|add-mask::x)/.test(l))).toEqual([]);
    } finally {
      await sim.close();
    }
  }, 30_000);

  it('caps and escapes a hostile Zerops error body', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    const sim = await startSimulator(world({ shas: repo.shas }));
    const body = JSON.stringify({ error: { code: 'x', message: `${HOSTILE}\n::warning::pwned ${'y'.repeat(50_000)}` } });
    sim.addFault({ server: 'zerops', method: 'GET', path: '/api/rest/public/project/*/service-stack', respond: { status: 400, body } });
    try {
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: repo.shas[2] } });
      expect(run.outputs.result).toBe('failed');
      expect(sim.mutations()).toEqual([]);
      expect(run.report?.reason).toMatch(/HTTP 400 \(x\)/);
      expect(run.everything).not.toContain('y'.repeat(1000));
      expect(run.summary).not.toContain('<img');
      expect(run.stdout.split('\n').filter((l) => /^\s*::warning::pwned/.test(l))).toEqual([]);
    } finally {
      await sim.close();
    }
  }, 30_000);

  it('bounds build-info bodies and redirects, and re-checks where a redirect points', async () => {
    const repo = makeRepo(DEFAULT_SERVICES);
    const sim = await startSimulator(world({ shas: repo.shas, services: ['api', 'web'] }));
    const loop = `${sim.urls.buildInfo}/web/build-info`;
    sim.addFault({ server: 'buildinfo', path: '/api/build-info', respond: { status: 200, headers: { 'content-type': 'application/json' }, body: `{"git_sha":"${'a'.repeat(10 * 1024 * 1024)}"}` } });
    sim.addFault({ server: 'buildinfo', path: '/web/build-info', respond: { status: 302, headers: { location: loop }, body: '' } });
    try {
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir, { services: 'api,web', 'verify-timeout': '300ms' }), env: { GITHUB_SHA: repo.shas[2] } });
      // The endpoint stays broken, so the rollback cannot be verified either: failed, and says why.
      expect(run.outputs.result).toBe('failed');
      expect(run.report?.services[0].reason).toMatch(/build-info malformed: .*larger than 64 KiB[\s\S]*rollback failed: rollback not verified/);
      expect(run.report?.runtime.maxRssBytes).toBeLessThan(150 * 1024 * 1024);
      await sim.close();

      const sim2 = await startSimulator(world({ shas: repo.shas, services: ['api'] }));
      sim2.addFault({ server: 'buildinfo', path: '/api/build-info', respond: { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' }, body: '' } });
      const meta = await runAction({ sim: sim2, inputs: baseInputs(sim2, repo.dir, { services: 'api', 'verify-timeout': '300ms' }), env: { GITHUB_SHA: repo.shas[2] } });
      expect(meta.report?.services[0].reason).toMatch(/redirected to a refused URL .*metadata/);
      await sim2.close();

      const sim3 = await startSimulator(world({ shas: repo.shas, services: ['web'] }));
      sim3.addFault({ server: 'buildinfo', path: '/web/build-info', respond: { status: 302, headers: { location: `${sim3.urls.buildInfo}/web/build-info` }, body: '' } });
      const loopRun = await runAction({ sim: sim3, inputs: baseInputs(sim3, repo.dir, { services: 'web', 'verify-timeout': '300ms' }), env: { GITHUB_SHA: repo.shas[2] } });
      expect(loopRun.report?.services[0].reason).toMatch(/more than 3 redirects/);
      // Each verification attempt follows at most 3 redirects: 4 requests per attempt.
      const attempts = loopRun.report?.services[0].verification ? sim3.log.filter((e) => e.server === 'buildinfo').length : 0;
      expect(attempts % 4).toBe(0);
      await sim3.close();
    } finally {
      await sim.close().catch(() => undefined);
    }
  }, 60_000);
});
