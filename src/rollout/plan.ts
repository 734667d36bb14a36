// The plan, made before anything changes: which services (globs resolved inside the
// production project only), what each runs now, how each gets to the target, and the
// order — canary alone, then batches of `batch-size` in a stable order.
import type { Forge } from '../forge/types.js';
import type { Logger } from '../ports.js';
import type { Settings } from '../settings/settings.js';
import { fillVerifyUrl } from '../settings/settings.js';
import { urlProblem } from '../settings/urls.js';
import { mapLimit } from '../util/concurrency.js';
import { RolloutError } from '../util/errors.js';
import { globToRegExp, hasGlob } from '../util/glob.js';
import type { ZeropsClient } from '../zerops/client.js';
import { RUNTIME_CATEGORY, type AppVersion, type ServiceStack } from '../zerops/types.js';
import { deployability } from './service-status.js';
import type { StrategyUsed, VersionRef } from './records.js';

export interface PlannedService {
  hostname: string;
  serviceId: string;
  stage: string;
  strategy: StrategyUsed;
  before: VersionRef;
  /** For `activate`: the kept version that holds the target. */
  activateVersionId: string | null;
  /** zerops.yaml setup, for build/artifact. */
  setup: string | null;
  /** Something the operator should know (e.g. an allowed downgrade). */
  note: string | null;
}

export interface Stage {
  name: string;
  kind: 'canary' | 'batch';
  services: PlannedService[];
}

export interface Plan {
  services: PlannedService[];
  stages: Stage[];
}

/** Concurrent Zerops reads while planning (a documented bound). */
const PLAN_CONCURRENCY = 16;

/** Resolves `services` (names and globs) against the project's services. */
export function selectServices(all: readonly ServiceStack[], patterns: readonly string[], projectId: string): ServiceStack[] {
  const byName = new Map(all.map((s) => [s.hostname, s]));
  const chosen: ServiceStack[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const pattern of patterns) {
    let matches: ServiceStack[];
    if (hasGlob(pattern)) {
      const re = globToRegExp(pattern);
      // System services are hidden platform parts (zcli never lists them): no glob reaches one.
      matches = all.filter((s) => !s.isSystem && re.test(s.hostname)).sort((a, b) => a.hostname.localeCompare(b.hostname));
      if (matches.length === 0) problems.push(`\`${pattern}\` matches no service of project ${projectId}`);
    } else {
      const s = byName.get(pattern);
      if (!s) problems.push(`\`${pattern}\` is not a service of project ${projectId}`);
      matches = s ? [s] : [];
    }
    for (const s of matches) {
      if (seen.has(s.hostname)) continue;
      seen.add(s.hostname);
      chosen.push(s);
    }
  }
  for (const s of chosen) {
    if (s.projectId !== projectId) problems.push(`\`${s.hostname}\` belongs to project ${s.projectId}, not ${projectId}`);
    else if (s.isSystem) problems.push(`\`${s.hostname}\` is a Zerops system service; it is never deployed`);
    else if (s.category !== null && s.category !== RUNTIME_CATEGORY) problems.push(`\`${s.hostname}\` is not a runtime service (${s.typeName ?? s.category}); only runtime services are deployed`);
    else if (deployability(s.status) === 'refused') problems.push(`\`${s.hostname}\` is ${s.status}; it cannot take a deploy`);
  }
  if (problems.length > 0) {
    throw new RolloutError('plan', `Cannot plan the release:\n${problems.map((p) => `  - ${p}`).join('\n')}`, 'Fix `services` (hostnames as shown in the Zerops GUI); nothing outside `project-id` is ever touched.');
  }
  return chosen;
}

/** Canary first (the named ones, or the first service), then the rest in batches; services already on target take no batch slot. */
export function orderStages(services: PlannedService[], canaryPatterns: readonly string[], batchSize: number): Stage[] {
  const res = canaryPatterns.map((p) => globToRegExp(p));
  const canary = canaryPatterns.length > 0 ? services.filter((s) => res.some((re) => re.test(s.hostname))) : services.slice(0, 1);
  if (canaryPatterns.length > 0 && canary.length === 0) {
    throw new RolloutError('plan', `No resolved service matches \`canary\` (${canaryPatterns.join(', ')}).`, 'Name one of the released services as the canary.');
  }
  const rest = services.filter((s) => !canary.includes(s));
  const stages: Stage[] = [{ name: 'canary', kind: 'canary', services: canary }];
  const toDeploy = rest.filter((s) => s.strategy !== 'skip');
  for (let i = 0; i < toDeploy.length; i += batchSize) {
    stages.push({ name: `batch ${stages.length}`, kind: 'batch', services: toDeploy.slice(i, i + batchSize) });
  }
  const skipped = rest.filter((s) => s.strategy === 'skip');
  for (const s of canary) s.stage = 'canary';
  for (const st of stages) for (const s of st.services) s.stage = st.name;
  for (const s of skipped) s.stage = '—';
  return stages;
}

export interface PlanInput {
  zerops: ZeropsClient;
  forge: Forge;
  settings: Settings;
  target: string;
  log: Logger;
  /** Setups defined in zerops.yaml, when it was found. */
  setups: readonly string[] | null;
  /** Whether an artifact is configured (auto deploys it instead of building). */
  hasArtifact: boolean;
}

export interface PlanResult {
  plan: Plan;
  /** The project's services as read, for the report. */
  all: ServiceStack[];
}

export async function buildPlan(i: PlanInput): Promise<PlanResult> {
  const { settings: s, zerops, target } = i;
  const all = await zerops.listServices(s.projectId);
  const selected = selectServices(all, s.services, s.projectId);
  const catalogs = new VersionCatalogs(zerops);

  const planned = await mapLimit(selected, PLAN_CONCURRENCY, async (svc): Promise<PlannedService> => {
    const before = await catalogs.currentOf(svc);
    const base = { hostname: svc.hostname, serviceId: svc.id, stage: '', before, activateVersionId: null, setup: null, note: null };
    if (before.sha === target) return { ...base, strategy: 'skip' };
    if (s.strategy === 'build' || s.strategy === 'artifact') return { ...base, strategy: s.strategy, setup: s.setup ?? svc.hostname };
    const kept = (await catalogs.versionsOf(svc)).find((v) => v.sha === target && v.id !== before.versionId);
    if (kept) return { ...base, strategy: 'activate', activateVersionId: kept.id };
    if (s.strategy === 'activate') {
      throw new RolloutError(
        'plan',
        `\`${svc.hostname}\` keeps no version of ${target.slice(0, 12)} to activate (Zerops keeps the 10 most recent).`,
        'Use `strategy: build` (or `auto`) to rebuild it from source.',
      );
    }
    return { ...base, strategy: i.hasArtifact ? 'artifact' : 'build', setup: s.setup ?? svc.hostname };
  });

  checkSetups(planned, i.setups);
  checkVerifyHosts(planned, s);
  await checkDowngrades(planned, i.forge, target, s.allowDowngrade, i.log);
  return { plan: { services: planned, stages: orderStages(planned, s.canary, s.batchSize) }, all };
}

function checkSetups(planned: readonly PlannedService[], setups: readonly string[] | null): void {
  const needing = planned.filter((p) => p.strategy === 'build' || p.strategy === 'artifact');
  if (needing.length === 0) return;
  if (!setups) {
    throw new RolloutError('config', `No zerops.yaml found, but ${needing.map((p) => p.hostname).join(', ')} must be built or deployed from source.`, 'Add zerops.yaml to `source-dir` or set `zerops-yaml`.');
  }
  const missing = needing.filter((p) => !setups.includes(p.setup as string));
  if (missing.length > 0) {
    throw new RolloutError(
      'config',
      `zerops.yaml has no setup for: ${missing.map((p) => `${p.hostname} (setup \`${p.setup}\`)`).join(', ')}. It defines: ${setups.join(', ')}.`,
      'Add the setups, or name one with `setup`.',
    );
  }
}

function checkVerifyHosts(planned: readonly PlannedService[], s: Settings): void {
  if (!s.verifyUrl) return;
  for (const p of planned) {
    const url = fillVerifyUrl(s.verifyUrl, p.hostname, '0'.repeat(40));
    const problem = urlProblem(url, { allowHttp: s.verifyAllowHttp, what: 'verify-url' });
    if (problem) throw new RolloutError('settings', `verify-url for ${p.hostname} (${url}) ${problem}`);
  }
}

/** An older target must not replace a newer deployed commit unless this is an explicit rollback. */
async function checkDowngrades(planned: PlannedService[], forge: Forge, target: string, allow: boolean, log: Logger): Promise<void> {
  const verdicts = new Map<string, Promise<boolean | null>>();
  const refused: string[] = [];
  await mapLimit(planned, 4, async (p) => {
    const current = p.before.sha;
    if (p.strategy === 'skip' || !current) return;
    if (!verdicts.has(current)) verdicts.set(current, forge.isAncestor(target, current));
    const newer = await verdicts.get(current);
    if (newer === null) {
      p.note = `runs ${current.slice(0, 7)}, which ${forge.repo} does not know: cannot tell whether this is a downgrade`;
      return;
    }
    if (!newer) return;
    if (allow) p.note = `downgrade from ${current.slice(0, 7)} (allowed)`;
    else refused.push(`${p.hostname} runs ${current.slice(0, 12)}, a descendant of the target`);
  });
  for (const p of planned) if (p.note?.includes('does not know')) log.warning(`${p.hostname} ${p.note}.`);
  if (refused.length > 0) {
    throw new RolloutError(
      'downgrade',
      `Refusing to downgrade:\n${refused.map((r) => `  - ${r}`).join('\n')}`,
      'An older commit never replaces a newer one by accident. For a deliberate rollback set `allow-downgrade: true`.',
    );
  }
}

/**
 * Which commit each version holds. Version lists may lack `name`; then the service's
 * process list (each deploy process carries its version's name) fills the gaps.
 */
export class VersionCatalogs {
  private readonly cache = new Map<string, Promise<AppVersion[]>>();

  constructor(private readonly zerops: ZeropsClient) {}

  async currentOf(svc: ServiceStack): Promise<VersionRef> {
    const active = svc.activeVersion;
    if (!active) return { versionId: null, sha: null };
    if (active.sha || active.name) return { versionId: active.id, sha: active.sha };
    const known = (await this.versionsOf(svc)).find((v) => v.id === active.id);
    return { versionId: active.id, sha: known?.sha ?? null };
  }

  versionsOf(svc: ServiceStack): Promise<AppVersion[]> {
    let p = this.cache.get(svc.id);
    if (!p) {
      p = this.load(svc);
      this.cache.set(svc.id, p);
    }
    return p;
  }

  private async load(svc: ServiceStack): Promise<AppVersion[]> {
    const versions = await this.zerops.listAppVersions(svc.id, svc.hostname);
    if (versions.every((v) => v.name !== null || v.sha !== null)) return versions;
    const names = new Map<string, string>();
    for (const p of await this.zerops.listServiceProcesses(svc.id, svc.hostname, null, 100)) {
      if (p.appVersionId && p.appVersionName) names.set(p.appVersionId, p.appVersionName);
    }
    return versions.map((v) => {
      const name = v.name ?? names.get(v.id) ?? null;
      return { ...v, name, sha: v.sha ?? (name && /^[0-9a-f]{40}$/i.test(name) ? name.toLowerCase() : null) };
    });
  }
}
