// The production preflight: each finding, each mode, system services, released or not.
import { describe, expect, it } from '@jest/globals';
import { preflight, refusalMessage, type PreflightFinding } from '../../src/gates/preflight.js';
import { parseService, type ServiceStack } from '../../src/zerops/types.js';

/** A production-ready runtime unless `extra` says otherwise. */
function svc(hostname: string, extra: Partial<ServiceStack> = {}): ServiceStack {
  return {
    id: `id-${hostname}`,
    hostname,
    projectId: 'P',
    status: 'ACTIVE',
    category: 'USER',
    typeName: 'nodejs',
    typeVersion: 'nodejs@22',
    typeId: null,
    isSystem: false,
    activeVersion: null,
    mode: 'NON_HA',
    subdomainAccess: false,
    horizontalAutoscaling: { minContainers: 2, maxContainers: 4 },
    ...extra,
  };
}
const db = (hostname: string, type: string, mode: string | null): ServiceStack =>
  svc(hostname, { category: 'STANDARD', typeName: type.split('@')[0] ?? type, typeVersion: type, mode, horizontalAutoscaling: null });

const kinds = (fs: PreflightFinding[]) => fs.map((f) => `${f.kind}:${f.service}:${f.severity}`);

describe('preflight findings', () => {
  it('a production-ready project has none', () => {
    const r = preflight([svc('api'), svc('web'), db('db', 'postgresql@16', 'HA'), db('cache', 'valkey@7.2', 'HA')], ['api', 'web'], 'warn');
    expect(r).toEqual({ mode: 'warn', findings: [], refused: false });
  });

  it('zcp (by type or by hostname) refuses even in warn mode', () => {
    const byType = preflight([svc('api'), svc('agent', { typeName: 'zcp', typeVersion: 'zcp@1', horizontalAutoscaling: null })], ['api'], 'warn');
    expect(kinds(byType.findings)).toEqual(['zcp:agent:refuse']);
    expect(byType.refused).toBe(true);
    expect(byType.findings[0]?.message).toMatch(/agent.*zcp service \(by type\)/);
    expect(byType.findings[0]?.fix).toMatch(/Delete `agent`/);
    const byHost = preflight([svc('zcp', { typeName: 'ubuntu', typeVersion: 'ubuntu@24.04' })], [], 'warn');
    expect(kinds(byHost.findings)).toEqual(['zcp:zcp:refuse']);
    expect(refusalMessage(byHost)).toMatch(/refused \(warn\): 1 finding.*\n {2}- zcp: `zcp` is a zcp service \(by hostname\)/);
  });

  it('Mailpit and Adminer warn, by type or by hostname', () => {
    const r = preflight(
      [svc('api'), svc('mail', { typeName: 'mailpit', typeVersion: 'mailpit@1' }), svc('adminer', { typeName: 'php-apache', typeVersion: 'php-apache@8.0+2.4' }), svc('mailpit-ui')],
      ['api'],
      'warn',
    );
    expect(kinds(r.findings)).toEqual(['dev-tool:mail:warn', 'dev-tool:adminer:warn', 'dev-tool:mailpit-ui:warn']);
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringMatching(/Mailpit, by type/), expect.stringMatching(/Adminer, by hostname/), expect.stringMatching(/Mailpit, by hostname/)]);
    expect(r.refused).toBe(false);
  });

  it('a database or cache in NON_HA mode (or with no mode said) warns; HA and runtimes do not', () => {
    const r = preflight([db('db', 'postgresql@16', 'NON_HA'), db('cache', 'valkey@7.2', 'NON_HA'), db('search', 'meilisearch@1.10', null), db('db2', 'mariadb@10.6', 'HA'), svc('api')], ['api'], 'warn');
    expect(kinds(r.findings)).toEqual(['non-ha-data:db:warn', 'non-ha-data:cache:warn', 'non-ha-data:search:warn']);
    expect(r.findings[0]?.message).toMatch(/`db` \(postgresql\) runs in NON_HA mode: one container/);
    expect(r.findings[0]?.fix).toMatch(/create a new postgresql service with `mode: HA`/);
    expect(r.findings[2]?.message).toMatch(/did not say its mode/);
  });

  it('a released runtime that can drop below 2 containers warns; not configured names the platform default', () => {
    const r = preflight([svc('api', { horizontalAutoscaling: { minContainers: 1, maxContainers: 3 } }), svc('web', { horizontalAutoscaling: null }), svc('worker', { horizontalAutoscaling: { minContainers: null, maxContainers: 5 } }), svc('ok')], ['api', 'web', 'worker', 'ok'], 'warn');
    expect(kinds(r.findings)).toEqual(['few-containers:api:warn', 'few-containers:web:warn', 'few-containers:worker:warn']);
    expect(r.findings[0]?.message).toMatch(/can drop to 1 container \(minimum containers 1\)/);
    expect(r.findings[1]?.message).toMatch(/no minimum container count set: the platform default is 1 container/);
    expect(r.findings[1]?.fix).toMatch(/minContainers: 2/);
  });

  it('only released runtimes are held to the container minimum', () => {
    const r = preflight([svc('api'), svc('cron', { horizontalAutoscaling: { minContainers: 1, maxContainers: 1 } })], ['api'], 'warn');
    expect(r.findings).toEqual([]);
    expect(kinds(preflight([svc('cron', { horizontalAutoscaling: { minContainers: 1, maxContainers: 1 } })], ['cron'], 'warn').findings)).toEqual(['few-containers:cron:warn']);
  });

  it('a service on its public .zerops.app subdomain warns, released or not; unknown (null) warns too, saying so', () => {
    const r = preflight([svc('api', { subdomainAccess: true }), svc('docs', { subdomainAccess: true }), svc('web', { subdomainAccess: null }), svc('ok')], ['api', 'web', 'ok'], 'warn');
    expect(kinds(r.findings)).toEqual(['public-subdomain:api:warn', 'public-subdomain:docs:warn', 'public-subdomain:web:warn']);
    expect(r.findings[2]?.message).toMatch(/did not say whether it is reachable/);
    expect(r.findings[0]?.message).toMatch(/`api` is reachable on its public `\.zerops\.app` subdomain/);
    expect(r.findings[0]?.fix).toMatch(/Disable `api`'s zerops\.app subdomain/);
  });

  it('system services never produce a finding', () => {
    const core = svc('zcp', { isSystem: true, category: 'CORE', typeName: 'zcp', typeVersion: 'zcp@1', subdomainAccess: true, horizontalAutoscaling: null });
    const dbCore = db('mailpit', 'postgresql@16', 'NON_HA');
    expect(preflight([core, { ...dbCore, isSystem: true }], ['zcp'], 'strict')).toEqual({ mode: 'strict', findings: [], refused: false });
  });
});

describe('preflight modes', () => {
  const project = [svc('api', { horizontalAutoscaling: null }), db('db', 'postgresql@16', 'NON_HA'), svc('zcp', { typeName: 'zcp', typeVersion: 'zcp@1' })];

  it('warn: zcp refuses, the rest warn', () => {
    const r = preflight(project, ['api'], 'warn');
    expect(kinds(r.findings)).toEqual(['few-containers:api:warn', 'non-ha-data:db:warn', 'zcp:zcp:refuse']);
    expect(r.refused).toBe(true);
    const noZcp = preflight(project.slice(0, 2), ['api'], 'warn');
    expect(noZcp.refused).toBe(false);
    expect(noZcp.findings.every((f) => f.severity === 'warn')).toBe(true);
  });

  it('strict: every warning refuses', () => {
    const r = preflight(project.slice(0, 2), ['api'], 'strict');
    expect(kinds(r.findings)).toEqual(['few-containers:api:refuse', 'non-ha-data:db:refuse']);
    expect(r.refused).toBe(true);
    expect(refusalMessage(r)).toMatch(/refused \(strict\): 2 finding\(s\)\.\n {2}- few-containers: .*Fix: .*\n {2}- non-ha-data: /);
  });

  it('off: nothing is checked, nothing refused', () => {
    expect(preflight(project, ['api'], 'off')).toEqual({ mode: 'off', findings: [], refused: false });
  });
});

describe('the service fields preflight reads (SDK names)', () => {
  const wire = (extra: Record<string, unknown>) => ({ id: 's1', name: 'api', projectId: 'P', status: 'ACTIVE', serviceStackTypeInfo: { serviceStackTypeName: 'nodejs', serviceStackTypeCategory: 'USER', serviceStackTypeVersionName: 'nodejs@22' }, ...extra });

  it('reads mode, subdomainAccess and customAutoscaling.horizontalAutoscaling', () => {
    const s = parseService(wire({ mode: 'HA', subdomainAccess: true, customAutoscaling: { horizontalAutoscaling: { minContainerCount: 2, maxContainerCount: 6 }, verticalAutoscaling: null } }));
    expect(s).toMatchObject({ mode: 'HA', subdomainAccess: true, horizontalAutoscaling: { minContainers: 2, maxContainers: 6 } });
  });

  it('null where the answer did not say (missing, null, wrong type); other autoscaling names are not read', () => {
    expect(parseService(wire({}))).toMatchObject({ mode: null, subdomainAccess: null, horizontalAutoscaling: null });
    expect(parseService(wire({ mode: null, subdomainAccess: 'yes', customAutoscaling: null }))).toMatchObject({ mode: null, subdomainAccess: null, horizontalAutoscaling: null });
    expect(parseService(wire({ customAutoscaling: { horizontalAutoscaling: null } })).horizontalAutoscaling).toBeNull();
    expect(parseService(wire({ customAutoscaling: { horizontalAutoscaling: { minContainerCount: null, maxContainerCount: 3 } } })).horizontalAutoscaling).toEqual({ minContainers: null, maxContainers: 3 });
    expect(parseService(wire({ customAutoscaling: { horizontalAutoscaling: { minContainers: 3, maxContainers: 3 } } })).horizontalAutoscaling).toBeNull();
    expect(parseService(wire({ currentAutoscaling: { horizontalAutoscaling: { minContainerCount: 3, maxContainerCount: 3 } } })).horizontalAutoscaling).toBeNull();
  });
});
