// Production preflight: is the project this run releases into fit for production? Read
// from the project's own service list (taken once, before anything changes); pure.
// `warn` refuses only a zcp service (the development agent must stay out of production's
// blast radius) and warns on the rest; `strict` refuses on every finding; `off` checks nothing.
import type { PreflightMode } from '../settings/settings.js';
import type { ServiceStack } from '../zerops/types.js';

export type PreflightKind = 'zcp' | 'dev-tool' | 'non-ha-data' | 'few-containers' | 'public-subdomain';

export interface PreflightFinding {
  kind: PreflightKind;
  service: string;
  severity: 'refuse' | 'warn';
  message: string;
  fix: string;
}

export interface PreflightResult {
  mode: PreflightMode;
  findings: PreflightFinding[];
  refused: boolean;
}

/** Zerops runtimes without a horizontal-scaling setting run between 1 and 10 containers (docs: scaling guide). */
export const PLATFORM_DEFAULT_MIN_CONTAINERS = 1;
/** Fewer running containers than this and one container restart is an outage. */
export const MIN_SAFE_CONTAINERS = 2;

/** Managed databases, caches, search engines and brokers: their container count is the `mode` (NON_HA 1, HA 3). */
const DATA_TYPES = new Set([
  'postgresql', 'mariadb', 'mysql', 'mongodb', 'clickhouse', 'keydb', 'valkey', 'redis',
  'elasticsearch', 'opensearch', 'typesense', 'meilisearch', 'qdrant', 'nats', 'kafka', 'rabbitmq',
]);
const DEV_TOOLS = ['mailpit', 'adminer'] as const;

/** A service's type as the slug before `@` of serviceStackTypeVersionName (e.g. `postgresql@16`), else its type name. */
function typeSlug(s: ServiceStack): string {
  return (s.typeVersion?.split('@')[0] ?? s.typeName ?? '').trim().toLowerCase();
}

function isZcp(s: ServiceStack): 'type' | 'hostname' | null {
  const name = (s.typeName ?? '').toLowerCase();
  if (typeSlug(s) === 'zcp' || name === 'zcp' || name.includes('zerops control plane')) return 'type';
  return s.hostname.toLowerCase() === 'zcp' ? 'hostname' : null;
}

function devToolOf(s: ServiceStack): { tool: string; by: 'type' | 'hostname' } | null {
  const type = `${typeSlug(s)} ${(s.typeName ?? '').toLowerCase()}`;
  const host = s.hostname.toLowerCase();
  for (const tool of DEV_TOOLS) {
    if (type.includes(tool)) return { tool, by: 'type' };
    if (host.includes(tool)) return { tool, by: 'hostname' };
  }
  return null;
}

type Draft = Omit<PreflightFinding, 'severity'>;

function findingsFor(s: ServiceStack, released: ReadonlySet<string>): Draft[] {
  const out: Draft[] = [];
  const name = s.hostname;
  const zcp = isZcp(s);
  if (zcp) {
    out.push({
      kind: 'zcp',
      service: name,
      message: `\`${name}\` is a zcp service (by ${zcp}): the development agent runs inside the production project, with production in its reach.`,
      fix: `Delete \`${name}\` from the production project; run zcp in a development or stage project.`,
    });
  }
  const tool = devToolOf(s);
  if (tool) {
    out.push({
      kind: 'dev-tool',
      service: name,
      message: `\`${name}\` is a development tool (${tool.tool === 'mailpit' ? 'Mailpit' : 'Adminer'}, by ${tool.by}) in the production project.`,
      fix: `Delete \`${name}\` from production (keep it in the stage or development project), or at least disable its public access.`,
    });
  }
  const slug = typeSlug(s);
  if (DATA_TYPES.has(slug) && s.mode !== 'HA') {
    const unknown = s.mode === null;
    out.push({
      kind: 'non-ha-data',
      service: name,
      message: unknown
        ? `\`${name}\` (${slug}): Zerops did not say its mode, so it may run in NON_HA mode (one container).`
        : s.mode === 'NON_HA'
          ? `\`${name}\` (${slug}) runs in NON_HA mode: one container, so a container failure takes it down (and data not yet backed up is lost).`
          : `\`${name}\` (${slug}) runs in mode ${s.mode}, not HA.`,
      fix: `The mode is fixed at creation: create a new ${slug} service with \`mode: HA\`, move the data, point the app at it, then delete \`${name}\`.`,
    });
  }
  if (released.has(name)) {
    const min = s.horizontalAutoscaling?.minContainers ?? null;
    if (min === null || min < MIN_SAFE_CONTAINERS) {
      out.push({
        kind: 'few-containers',
        service: name,
        message:
          min === null
            ? `\`${name}\` has no minimum container count set: the platform default is ${PLATFORM_DEFAULT_MIN_CONTAINERS} container, so it can drop below ${MIN_SAFE_CONTAINERS} and a restart or deploy is downtime.`
            : `\`${name}\` can drop to ${min} container${min === 1 ? '' : 's'} (minimum containers ${min}): below ${MIN_SAFE_CONTAINERS}, a restart or deploy is downtime.`,
        fix: `Set \`${name}\`'s minimum containers to ${MIN_SAFE_CONTAINERS} or more (Zerops GUI: the service's scaling settings; import.yaml: \`minContainers: ${MIN_SAFE_CONTAINERS}\`).`,
      });
    }
  }
  if (s.subdomainAccess !== false) {
    out.push({
      kind: 'public-subdomain',
      service: name,
      message:
        s.subdomainAccess === true
          ? `\`${name}\` is reachable on its public \`.zerops.app\` subdomain.`
          : `\`${name}\`: Zerops did not say whether it is reachable on its public \`.zerops.app\` subdomain.`,
      fix: `Disable \`${name}\`'s zerops.app subdomain access and serve it through your own domain (or keep it private).`,
    });
  }
  return out;
}

/**
 * The production-readiness findings for a project's services. `released`: the hostnames
 * this run releases (only those are held to the container minimum). System services
 * (hidden platform parts) never produce a finding.
 */
export function preflight(all: readonly ServiceStack[], released: readonly string[], mode: PreflightMode): PreflightResult {
  if (mode === 'off') return { mode, findings: [], refused: false };
  const releasedSet = new Set(released);
  const findings = all
    .filter((s) => !s.isSystem)
    .flatMap((s) => findingsFor(s, releasedSet))
    .map((f): PreflightFinding => ({ ...f, severity: f.kind === 'zcp' || mode === 'strict' ? 'refuse' : 'warn' }));
  return { mode, findings, refused: findings.some((f) => f.severity === 'refuse') };
}

/** The refusal's message: each refusing finding, one a line. */
export function refusalMessage(result: PreflightResult): string {
  const refusing = result.findings.filter((f) => f.severity === 'refuse');
  return `Production preflight refused (${result.mode}): ${refusing.length} finding(s).\n${refusing.map((f) => `  - ${f.kind}: ${f.message} Fix: ${f.fix}`).join('\n')}`;
}
