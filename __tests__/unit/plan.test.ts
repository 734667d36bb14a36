import { describe, expect, it } from '@jest/globals';
import { orderStages, selectServices, type PlannedService } from '../../src/rollout/plan.js';
import type { ServiceStack } from '../../src/zerops/types.js';

function svc(hostname: string, extra: Partial<ServiceStack> = {}): ServiceStack {
  return { id: `id-${hostname}`, hostname, projectId: 'P', status: 'ACTIVE', category: 'USER', typeName: 'nodejs', typeVersion: 'nodejs@22', typeId: null, isSystem: false, activeVersion: null, mode: null, subdomainAccess: null, horizontalAutoscaling: null, ...extra };
}

function planned(hostname: string, strategy: PlannedService['strategy'] = 'build'): PlannedService {
  return { hostname, serviceId: `id-${hostname}`, stage: '', strategy, before: { versionId: null, sha: null }, activateVersionId: null, setup: hostname, note: null };
}

describe('selectServices', () => {
  const all = [svc('web'), svc('api'), svc('app-2'), svc('app-1'), svc('db', { category: 'STANDARD', typeName: 'postgresql' })];

  it('keeps the given order, expands globs sorted, and drops duplicates', () => {
    expect(selectServices(all, ['web', 'app-*', 'app-1'], 'P').map((s) => s.hostname)).toEqual(['web', 'app-1', 'app-2']);
  });

  it('refuses unknown names, empty globs and non-runtime services, all at once', () => {
    expect(() => selectServices(all, ['nope', 'x-*', 'db'], 'P')).toThrow(/`nope` is not a service of project P[\s\S]*`x-\*` matches no service[\s\S]*`db` is not a runtime service/);
  });

  it('refuses services of another project and services that cannot take a deploy', () => {
    expect(() => selectServices([svc('api', { projectId: 'OTHER' })], ['api'], 'P')).toThrow(/belongs to project OTHER/);
    expect(() => selectServices([svc('api', { status: 'DELETING' })], ['api'], 'P')).toThrow(/is DELETING; it cannot take a deploy/);
    expect(() => selectServices([svc('api', { status: 'CREATING' })], ['api'], 'P')).toThrow(/is CREATING/);
  });

  it('leaves passing and unclear statuses to the deploy (it waits, or the platform decides), like zcli', () => {
    for (const status of ['RELOADING', 'SCALING', 'SERVICE_RESTARTING', 'STOPPED', 'ACTION_FAILED', 'SOMETHING_NEW']) {
      expect(selectServices([svc('api', { status })], ['api'], 'P').map((s) => s.hostname)).toEqual(['api']);
    }
  });

  it('never lets a glob reach a system service, and names an explicit one clearly', () => {
    const withSystem = [...all, svc('app-core', { isSystem: true, category: 'CORE' })];
    expect(selectServices(withSystem, ['app-*'], 'P').map((s) => s.hostname)).toEqual(['app-1', 'app-2']);
    expect(() => selectServices(withSystem, ['app-core'], 'P')).toThrow(/`app-core` is a Zerops system service/);
  });
});

describe('orderStages', () => {
  it('puts the first service alone in the canary stage, then batches', () => {
    const stages = orderStages(['a', 'b', 'c', 'd', 'e', 'f'].map((h) => planned(h)), [], 2);
    expect(stages.map((s) => [s.name, s.services.map((p) => p.hostname)])).toEqual([
      ['canary', ['a']],
      ['batch 1', ['b', 'c']],
      ['batch 2', ['d', 'e']],
      ['batch 3', ['f']],
    ]);
  });

  it('uses the named canaries and gives services already on target no batch slot', () => {
    const services = [planned('a'), planned('b', 'skip'), planned('c'), planned('d'), planned('e', 'skip')];
    const stages = orderStages(services, ['d'], 2);
    expect(stages.map((s) => s.services.map((p) => p.hostname))).toEqual([['d'], ['a', 'c']]);
    expect(services.find((p) => p.hostname === 'b')?.stage).toBe('—');
  });
});
