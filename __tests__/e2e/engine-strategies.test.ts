// How the target gets onto each service (`strategy`), proven from what the simulator
// received: the bytes uploaded, the calls made, the zerops.yaml sent, the version names.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type RequestLogEntry, type Simulator } from '../../sim/index.js';
import { RUN_TEST_TIMEOUT, runAction } from '../helpers/action.js';
import { callsOf, kindOf, mutationList, mutationsOf, probesOf, recordOf } from '../helpers/log.js';
import { simulatorPerTest } from '../helpers/sim-per-test.js';
import { tempDir } from '../helpers/temp.js';
import { makeRepo } from '../helpers/repo.js';
import { baseInputs, DEFAULT_SERVICES, world } from '../helpers/world.js';

const HOSTS = DEFAULT_SERVICES;
const TIMEOUT = RUN_TEST_TIMEOUT;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('engine: strategies', () => {
  const sims = simulatorPerTest();

  it(
    'build: uploads `git archive` of the target commit (not HEAD, not the dirty tree), names the version with the full SHA, stamps the SHA into the setup',
    async () => {
      const repo = makeRepo(HOSTS);
      // The target is not the checkout's HEAD (release 3), and the working tree is dirty.
      const target = repo.shas[1] as string;
      const sim = await sims.start(world({ shas: repo.shas, checksOn: target }));
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir, { strategy: 'build', target }), env: { GITHUB_SHA: repo.shas[2] } });
      expect(run.code).toBe(0);
      expect(run.outputs['target-sha']).toBe(target);

      // What `git archive` makes of the target commit: release 2's server.js.
      const archive = execFileSync('git', ['-C', repo.dir, 'archive', '--format=tar.gz', target]);
      expect(execFileSync('tar', ['-xzOf', '-', 'server.js'], { input: archive }).toString()).toBe("console.log('release 2');\n");
      expect(readFileSync(join(repo.dir, 'server.js'), 'utf8')).toContain('uncommitted');
      const head = execFileSync('git', ['-C', repo.dir, 'archive', '--format=tar.gz', 'HEAD']);
      expect(sha256(head)).not.toBe(sha256(archive));

      for (const host of HOSTS) {
        const view = sim.service(host);
        const active = view.activeVersion;
        // The version name is the full target SHA, and it is what runs now.
        expect(active?.name).toBe(target);
        expect(active?.upload).toEqual({ bytes: archive.length, sha256: sha256(archive) });
        const [create] = callsOf(sim, host, 'create-version');
        expect(create?.body).toEqual({ name: target });
        const uploads = callsOf(sim, host, 'upload');
        expect(uploads).toHaveLength(1);
        expect(uploads[0]?.bytes).toBe(archive.length);
        // No Zerops token is sent to the upload URL.
        expect(uploads[0]?.headers.authorization).toBeUndefined();
        // build-and-deploy with the service's setup and the stamped zerops.yaml.
        const builds = callsOf(sim, host, 'build-and-deploy');
        expect(builds).toHaveLength(1);
        expect(callsOf(sim, host, 'deploy')).toHaveLength(0);
        const body = builds[0]?.body as { zeropsYaml: string; zeropsYamlSetup: string };
        expect(body.zeropsYamlSetup).toBe(host);
        const sent = parse(body.zeropsYaml) as { zerops: Array<{ setup: string; run: { envVariables?: Record<string, string>; start?: string } }> };
        const setup = sent.zerops.find((z) => z.setup === host);
        expect(setup?.run.envVariables?.ZEROPS_ROLLOUT_SHA).toBe(target);
        expect(setup?.run.start).toBe('node server.js');
        // The simulator serves the stamped SHA from build-info.
        expect(view.buildInfoSha).toBe(target);
        expect(recordOf(run.report, host).strategy).toBe('build');
      }
    },
    TIMEOUT,
  );

  it(
    'build: `setup` and `sha-variable` choose the setup sent and the variable stamped',
    async () => {
      const repo = makeRepo(['shared']);
      const target = repo.shas[2] as string;
      const sim = await sims.start(world({ shas: repo.shas, services: ['api', 'web'] }));
      const run = await runAction({
        sim,
        inputs: baseInputs(sim, repo.dir, { services: 'api,web', strategy: 'build', setup: 'shared', 'sha-variable': 'APP_COMMIT' }),
        env: { GITHUB_SHA: target },
      });
      expect(run.code).toBe(0);
      for (const host of ['api', 'web']) {
        const body = callsOf(sim, host, 'build-and-deploy')[0]?.body as { zeropsYaml: string; zeropsYamlSetup: string };
        expect(body.zeropsYamlSetup).toBe('shared');
        const env = (parse(body.zeropsYaml) as any).zerops[0].run.envVariables as Record<string, string>;
        expect(env).toEqual({ APP_COMMIT: target });
      }
    },
    TIMEOUT,
  );

  it(
    'artifact (a directory): one tar.gz, deployed without a build, the same bytes to every service',
    async () => {
      const repo = makeRepo(HOSTS);
      const target = repo.shas[2] as string;
      const work = tempDir('zr-artifact-');
      mkdirSync(join(work, 'out', 'lib'), { recursive: true });
      writeFileSync(join(work, 'out', 'index.js'), "console.log('prebuilt');\n");
      writeFileSync(join(work, 'out', 'lib', 'util.js'), 'export const x = 1;\n');
      const sim = await sims.start(world({ shas: repo.shas }));
      const run = await runAction({
        sim,
        inputs: baseInputs(sim, repo.dir, { strategy: 'artifact', artifact: join(work, 'out') }),
        env: { GITHUB_SHA: target },
      });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('success');

      // The archive holds the artifact directory (GNU tar and gzip are deterministic here).
      const expected = execFileSync('tar', ['-czf', '-', '-C', work, 'out']);
      const listing = execFileSync('tar', ['-tzf', '-'], { input: expected }).toString().split('\n');
      expect(listing).toEqual(expect.arrayContaining(['out/index.js', 'out/lib/util.js']));

      const uploads = HOSTS.map((h) => sim.service(h).activeVersion?.upload);
      for (const u of uploads) expect(u).toEqual({ bytes: expected.length, sha256: sha256(expected) });
      for (const host of HOSTS) {
        expect(mutationsOf(sim, host).map(kindOf)).toEqual(['create-version', 'upload', 'deploy']);
        expect(callsOf(sim, host, 'build-and-deploy')).toHaveLength(0);
        const body = callsOf(sim, host, 'deploy')[0]?.body as { zeropsYaml: string; zeropsYamlSetup: string };
        expect(body.zeropsYamlSetup).toBe(host);
        expect((parse(body.zeropsYaml) as any).zerops.find((z: any) => z.setup === host).run.envVariables.ZEROPS_ROLLOUT_SHA).toBe(target);
        expect(sim.service(host).activeVersion?.name).toBe(target);
        expect(sim.service(host).buildInfoSha).toBe(target);
        expect(recordOf(run.report, host).strategy).toBe('artifact');
      }
    },
    TIMEOUT,
  );

  it(
    'artifact (a ready .tar.gz): streamed as is, byte for byte',
    async () => {
      const repo = makeRepo(['api', 'web']);
      const target = repo.shas[2] as string;
      const work = tempDir('zr-artifact-');
      mkdirSync(join(work, 'site'));
      writeFileSync(join(work, 'site', 'index.html'), '<h1>prebuilt</h1>\n'.repeat(500));
      const file = join(work, 'app.tar.gz');
      execFileSync('tar', ['-czf', file, '-C', work, 'site']);
      const bytes = readFileSync(file);
      const sim = await sims.start(world({ shas: repo.shas, services: ['api', 'web'] }));
      const run = await runAction({
        sim,
        // `auto` with an artifact deploys it instead of building.
        inputs: baseInputs(sim, repo.dir, { services: 'api,web', artifact: file }),
        env: { GITHUB_SHA: target },
      });
      expect(run.code).toBe(0);
      for (const host of ['api', 'web']) {
        expect(sim.service(host).activeVersion?.upload).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
        expect(callsOf(sim, host, 'upload')[0]?.bytes).toBe(bytes.length);
        expect(mutationsOf(sim, host).map(kindOf)).toEqual(['create-version', 'upload', 'deploy']);
        expect(recordOf(run.report, host).strategy).toBe('artifact');
      }
    },
    TIMEOUT,
  );

  it(
    'activate: re-activates the kept version of the target, with no create and no upload',
    async () => {
      const repo = makeRepo(HOSTS);
      const target = repo.shas[2] as string;
      const kept = Object.fromEntries(HOSTS.map((h) => [h, [target]]));
      const sim = await sims.start(world({ shas: repo.shas, kept }));
      const keptIds = Object.fromEntries(HOSTS.map((h) => [h, sim.service(h).versions.find((v) => v.name === target)?.id as string]));
      const versionsBefore = Object.fromEntries(HOSTS.map((h) => [h, sim.service(h).versions.length]));
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir, { strategy: 'activate' }), env: { GITHUB_SHA: target } });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('success');
      // One deploy call per service, nothing else, in stage order.
      expect(mutationList(sim)).toHaveLength(4);
      expect(mutationList(sim).slice(0, 1)).toEqual(['deploy api']);
      expect(new Set(mutationList(sim).slice(1, 3))).toEqual(new Set(['deploy web', 'deploy worker']));
      expect(mutationList(sim).slice(3)).toEqual(['deploy admin']);
      for (const host of HOSTS) {
        const [call] = callsOf(sim, host, 'deploy') as [RequestLogEntry];
        expect(call.path).toBe(`/api/rest/public/app-version/${keptIds[host]}/deploy`);
        expect(call.body).toEqual({ zeropsYaml: null, zeropsYamlSetup: null });
        expect(sim.service(host).activeVersion?.id).toBe(keptIds[host]);
        expect(sim.service(host).versions).toHaveLength(versionsBefore[host] as number);
        expect(sim.service(host).buildInfoSha).toBe(target);
        expect(probesOf(sim, host).some((e) => e.seq > call.seq && e.status === 200)).toBe(true);
        const r = recordOf(run.report, host);
        expect(r.strategy).toBe('activate');
        expect(r.outcome).toBe('on-target');
        expect(r.deployedVersionId).toBe(keptIds[host]);
      }
    },
    TIMEOUT,
  );

  it(
    'activate: a service that keeps no version of the target fails the plan, before any mutation',
    async () => {
      const repo = makeRepo(HOSTS);
      const target = repo.shas[2] as string;
      const sim = await sims.start(world({ shas: repo.shas, kept: { api: [target], web: [target], worker: [target] } }));
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir, { strategy: 'activate' }), env: { GITHUB_SHA: target } });
      expect(run.code).toBe(1);
      expect(run.outputs.result).toBe('failed');
      expect(sim.mutations()).toEqual([]);
      expect(run.report?.reason).toContain('`admin` keeps no BACKUP version of');
      expect(run.report?.reason).toContain(target.slice(0, 12));
      expect(run.report?.reason).not.toMatch(/`(api|web|worker)`/);
    },
    TIMEOUT,
  );

  it(
    'auto: skips the service on target, activates the one keeping it, builds the rest',
    async () => {
      const repo = makeRepo(HOSTS);
      const target = repo.shas[2] as string;
      const sim = await sims.start(world({ shas: repo.shas, deployed: { worker: target }, kept: { web: [target] } }));
      const webKept = sim.service('web').versions.find((v) => v.name === target)?.id as string;
      const run = await runAction({ sim, inputs: baseInputs(sim, repo.dir), env: { GITHUB_SHA: target } });
      expect(run.code).toBe(0);
      expect(run.outputs.result).toBe('success');

      expect(mutationsOf(sim, 'worker')).toEqual([]);
      expect(mutationsOf(sim, 'web').map(kindOf)).toEqual(['deploy']);
      expect(mutationsOf(sim, 'web')[0]?.path).toBe(`/api/rest/public/app-version/${webKept}/deploy`);
      for (const host of ['api', 'admin']) expect(mutationsOf(sim, host).map(kindOf)).toEqual(['create-version', 'upload', 'build-and-deploy']);
      // The canary (api) went first; the skipped service takes no batch slot: web and admin share batch 1.
      expect(mutationList(sim).slice(0, 3)).toEqual(['create-version api', 'upload api', 'build-and-deploy api']);
      expect(run.report?.plan.stages.map((s: any) => s.services.map((p: any) => p.hostname))).toEqual([['api'], ['web', 'admin']]);

      const strategies = Object.fromEntries(HOSTS.map((h) => [h, recordOf(run.report, h).strategy]));
      expect(strategies).toEqual({ api: 'build', web: 'activate', worker: 'skip', admin: 'build' });
      expect(recordOf(run.report, 'worker').outcome).toBe('skipped');
      expect(JSON.parse(run.outputs.skipped as string)).toEqual(['worker']);
      expect(JSON.parse(run.outputs.deployed as string)).toEqual(['api', 'web', 'admin']);
      for (const host of HOSTS) expect(sim.service(host).buildInfoSha).toBe(target);
    },
    TIMEOUT,
  );
});
