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
import { ACTIVE_STATUS, REACTIVATABLE_STATUS, RUNTIME_CATEGORY, shaOf, type AppVersion, type ServiceStack } from '../zerops/types.js';
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
  const catalogs = new VersionCatalogs(zerops, s.shaVariable, i.log);

  const planned = await mapLimit(selected, PLAN_CONCURRENCY, async (svc): Promise<PlannedService> => {
    const before = await catalogs.currentOf(svc);
    const base = { hostname: svc.hostname, serviceId: svc.id, stage: '', before, activateVersionId: null, setup: null, note: null };
    if (before.sha === target) return { ...base, strategy: 'skip' };
    if (s.strategy === 'build' || s.strategy === 'artifact') return { ...base, strategy: s.strategy, setup: s.setup ?? svc.hostname };
    const ofTarget = (await catalogs.versionsOf(svc)).filter((v) => v.sha === target && v.id !== before.versionId);
    // Only a BACKUP version can be re-activated; a failed, cancelled or never-uploaded one holds nothing to run.
    const kept = ofTarget.find((v) => v.status === REACTIVATABLE_STATUS);
    if (kept) return { ...base, strategy: 'activate', activateVersionId: kept.id };
    if (s.strategy === 'activate') {
      const others = ofTarget.map((v) => `${v.id} is ${v.status}`).join(', ');
      throw new RolloutError(
        'plan',
        `\`${svc.hostname}\` keeps no ${REACTIVATABLE_STATUS} version of ${target.slice(0, 12)} to activate${others ? ` (${others}; only a ${REACTIVATABLE_STATUS} version can be re-activated)` : ''}.`,
        'Use `strategy: build` (or `auto`) to rebuild it from source. (How many versions Zerops keeps is not documented.)',
      );
    }
    return { ...base, strategy: i.hasArtifact ? 'artifact' : 'build', setup: s.setup ?? svc.hostname };
  });

  checkSetups(planned, i.setups);
  checkVerifyHosts(planned, s);
  await checkDowngrades(planned, i.forge, target, s.allowDowngrade, i.log, s.shaVariable);
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

/**
 * An older target must not replace a newer deployed commit unless this is an explicit
 * rollback. When the forge cannot tell ancestry the guard holds (fails closed); when the
 * running commit is unknown it cannot check, and says so loudly.
 */
async function checkDowngrades(planned: PlannedService[], forge: Forge, target: string, allow: boolean, log: Logger, shaVariable: string): Promise<void> {
  const verdicts = new Map<string, Promise<boolean | null>>();
  const refused: string[] = [];
  await mapLimit(planned, 4, async (p) => {
    if (p.strategy === 'skip') return;
    const current = p.before.sha;
    if (!current) {
      if (p.before.versionId === null) return; // never deployed: nothing to downgrade
      p.note = `runs version ${p.before.versionId}, whose commit is unknown (no ${shaVariable} in its user data, no name in its processes or the version search): the downgrade guard cannot check it`;
      log.warning(`${p.hostname} ${p.note}.`);
      return;
    }
    if (!verdicts.has(current)) verdicts.set(current, forge.isAncestor(target, current));
    const newer = await verdicts.get(current);
    if (newer === null) {
      if (allow) {
        p.note = `runs ${current.slice(0, 7)}, which ${forge.repo} cannot place: downgrade not ruled out (allowed)`;
        log.warning(`${p.hostname} ${p.note}.`);
      } else {
        refused.push(`${p.hostname} runs ${current.slice(0, 12)}, and ${forge.repo} cannot tell whether the target is older (commit unknown or not comparable)`);
      }
      return;
    }
    if (!newer) return;
    if (allow) p.note = `downgrade from ${current.slice(0, 7)} (allowed)`;
    else refused.push(`${p.hostname} runs ${current.slice(0, 12)}, a descendant of the target`);
  });
  if (refused.length > 0) {
    throw new RolloutError(
      'downgrade',
      `Refusing to downgrade:\n${refused.map((r) => `  - ${r}`).join('\n')}`,
      'An older commit never replaces a newer one by accident, and when the forge cannot tell, the release holds. For a deliberate rollback set `allow-downgrade: true`.',
    );
  }
}

/**
 * Which commit each version holds. GET/list answers carry no version name, so, in order:
 * the SHA this tool stamped into the deployed run env (the version's userDataList), a
 * GitHub/GitLab integration commit, the name embedded in the service's processes, and
 * last the version search (the only answer with `name`; it may lag writes by seconds).
 */
export class VersionCatalogs {
  private readonly cache = new Map<string, Promise<AppVersion[]>>();

  constructor(
    private readonly zerops: ZeropsClient,
    private readonly shaVariable: string,
    private readonly log: Logger,
  ) {}

  async currentOf(svc: ServiceStack): Promise<VersionRef> {
    const active = svc.activeVersion;
    if (!active) return { versionId: null, sha: null };
    const direct = this.direct(active);
    if (direct) return { versionId: active.id, sha: direct };
    const known = (await this.versionsOf(svc)).find((v) => v.id === active.id);
    return { versionId: active.id, sha: known?.sha ?? null };
  }

  /** Newest first, each with `sha` filled where any source names it. */
  versionsOf(svc: ServiceStack): Promise<AppVersion[]> {
    let p = this.cache.get(svc.id);
    if (!p) {
      p = this.load(svc);
      this.cache.set(svc.id, p);
    }
    return p;
  }

  private direct(v: AppVersion): string | null {
    return v.stampedShas[this.shaVariable] ?? v.integrationSha;
  }

  private async load(svc: ServiceStack): Promise<AppVersion[]> {
    let versions = (await this.zerops.listAppVersions(svc.id, svc.hostname)).map((v) => ({ ...v, sha: this.direct(v) }));
    const fill = (names: Map<string, string>): AppVersion[] => versions.map((v) => (v.sha ? v : { ...v, sha: shaOf(names.get(v.id)) }));
    // Only the running and the re-activatable versions matter; failed or abandoned ones need no name.
    const known = (): boolean => versions.every((v) => v.sha || (v.status !== ACTIVE_STATUS && v.status !== REACTIVATABLE_STATUS && v.id !== svc.activeVersion?.id));
    if (known()) return versions;
    const fromProcesses = new Map<string, string>();
    for (const p of await this.zerops.allServiceProcesses(svc.id, svc.hostname, null)) {
      if (p.appVersionId && p.appVersionName && !fromProcesses.has(p.appVersionId)) fromProcesses.set(p.appVersionId, p.appVersionName);
    }
    versions = fill(fromProcesses);
    const clientId = versions.find((v) => v.clientId)?.clientId;
    if (known() || !clientId) return versions;
    try {
      versions = fill(await this.zerops.searchVersionNames(clientId, svc.id, svc.hostname));
    } catch (err) {
      this.log.warning(`${svc.hostname}: the version search failed (${err instanceof Error ? err.message : String(err)}); versions it would name stay unknown.`);
    }
    return versions;
  }
}
