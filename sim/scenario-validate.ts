// Scenario validation: every problem at once, each with its path, so a broken scenario
// file is fixed in one pass rather than one error per run.
import { faultProblems } from './faults.js';

export const APP_VERSION_STATUSES = [
  'UPLOADING',
  'WAITING_TO_BUILD',
  'BUILDING',
  'BUILD_FAILED',
  'BUILD_VALIDATION_FAILED',
  'PREPARING_RUNTIME',
  'PREPARING_RUNTIME_FAILED',
  'WAITING_TO_DEPLOY',
  'DEPLOYING',
  'DEPLOY_FAILED',
  'ACTIVE',
  'BACKUP',
  'CANCELLED',
] as const;
/** Statuses a pre-seeded version may have: nothing in flight at start. */
const SEEDED_VERSION_STATUSES = ['ACTIVE', 'BACKUP', 'BUILD_FAILED', 'DEPLOY_FAILED', 'CANCELLED'];
export const CHECK_STATUSES = ['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending'];
export const CHECK_CONCLUSIONS = ['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required', 'stale'];
export const GITHUB_STATUS_STATES = ['error', 'failure', 'pending', 'success'];
/** Gitea 1.22/1.23 commit-status states (no `skipped`: Actions reports a skipped job as success). */
export const GITEA_STATUS_STATES = ['error', 'failure', 'pending', 'success', 'warning'];
/** GitHub deployment status states (REST "Create a deployment status"). */
export const DEPLOYMENT_STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];
export const GITEA_ROLES = ['owner', 'site-admin', 'admin-collaborator', 'reader'];
const FULL_SHA = /^[0-9a-f]{40}$/;

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects problems; each check is a no-op when the value is absent and optional. */
class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
  object(value: unknown, path: string): value is Json {
    if (value === undefined) return false;
    if (isRecord(value)) return true;
    this.add(path, 'must be an object');
    return false;
  }
  array(value: unknown, path: string): value is unknown[] {
    if (value === undefined) return false;
    if (Array.isArray(value)) return true;
    this.add(path, 'must be a list');
    return false;
  }
  string(value: unknown, path: string, required = false): void {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || value === '') this.add(path, 'must be a non-empty string');
  }
  boolean(value: unknown, path: string): void {
    if (value !== undefined && typeof value !== 'boolean') this.add(path, 'must be true or false');
  }
  count(value: unknown, path: string, min = 0): void {
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min)) this.add(path, `must be an integer >= ${min}`);
  }
  millis(value: unknown, path: string): void {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) this.add(path, 'must be a number of milliseconds >= 0');
  }
  duration(value: unknown, path: string): void {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      const [min, max] = value as unknown[];
      const ok = value.length === 2 && typeof min === 'number' && typeof max === 'number' && min >= 0 && max >= min;
      if (!ok) this.add(path, 'must be milliseconds or [min, max] with 0 <= min <= max');
    } else this.millis(value, path);
  }
  oneOf(value: unknown, path: string, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value as string)) this.add(path, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  }
}

export function scenarioProblems(scenario: unknown): string[] {
  const p = new Problems();
  if (!isRecord(scenario)) return ['scenario: must be an object'];
  if (scenario.seed !== undefined && typeof scenario.seed !== 'number' && typeof scenario.seed !== 'string') p.add('seed', 'must be a number or string');
  if (p.object(scenario.zerops, 'zerops')) checkZerops(p, scenario.zerops);
  if (p.object(scenario.github, 'github')) checkForge(p, scenario.github, 'github');
  if (p.object(scenario.gitea, 'gitea')) checkForge(p, scenario.gitea, 'gitea');
  if (p.array(scenario.faults, 'faults')) scenario.faults.forEach((fault, i) => p.list.push(...faultProblems(fault, `faults[${i}]`)));
  return p.list;
}

function checkZerops(p: Problems, zerops: Json): void {
  p.millis(zerops.pendingMs, 'zerops.pendingMs');
  p.duration(zerops.durationMs, 'zerops.durationMs');
  p.millis(zerops.activateMs, 'zerops.activateMs');
  p.count(zerops.maxLimit, 'zerops.maxLimit', 1);
  p.boolean(zerops.omitVersionNames, 'zerops.omitVersionNames');
  p.oneOf(zerops.uploadHost, 'zerops.uploadHost', ['signed', 'lenient']);
  p.oneOf(zerops.unfilteredProjectSearch, 'zerops.unfilteredProjectSearch', ['reject', 'accept']);
  p.boolean(zerops.processVersionNames, 'zerops.processVersionNames');
  p.boolean(zerops.userDataList, 'zerops.userDataList');
  p.oneOf(zerops.listOrder, 'zerops.listOrder', ['oldest-first', 'newest-first']);
  p.millis(zerops.versionSearchLagMs, 'zerops.versionSearchLagMs');
  p.oneOf(zerops.deleteUploading, 'zerops.deleteUploading', ['allowed', 'refused']);
  const projectKeys = new Set<string>(['*']);
  if (p.array(zerops.projects, 'zerops.projects')) {
    zerops.projects.forEach((project, i) => {
      const path = `zerops.projects[${i}]`;
      if (!isRecord(project)) return p.add(path, 'must be an object');
      p.string(project.name, `${path}.name`, true);
      p.string(project.id, `${path}.id`);
      p.string(project.status, `${path}.status`);
      const keys = new Set([project.id, project.name].filter((key): key is string => typeof key === 'string'));
      for (const key of keys) {
        if (projectKeys.has(key)) p.add(path, `project id or name ${key} is used twice`);
        projectKeys.add(key);
      }
      if (p.array(project.services, `${path}.services`)) {
        const hostnames = new Set<string>();
        project.services.forEach((service, j) => checkService(p, service, `${path}.services[${j}]`, hostnames));
      }
    });
  }
  if (p.array(zerops.tokens, 'zerops.tokens')) {
    zerops.tokens.forEach((token, i) => {
      const path = `zerops.tokens[${i}]`;
      if (!isRecord(token)) return p.add(path, 'must be an object');
      p.string(token.value, `${path}.value`, true);
      if (!Array.isArray(token.projects)) return p.add(`${path}.projects`, "must be a list of project ids or names, or ['*']");
      for (const key of token.projects) {
        if (!projectKeys.has(key as string)) p.add(`${path}.projects`, `unknown project ${JSON.stringify(key)}`);
      }
    });
  }
}

function checkService(p: Problems, service: unknown, path: string, hostnames: Set<string>): void {
  if (!isRecord(service)) return p.add(path, 'must be an object');
  p.string(service.hostname, `${path}.hostname`, true);
  if (typeof service.hostname === 'string') {
    if (service.hostname.includes('/')) p.add(`${path}.hostname`, 'must not contain "/"');
    if (hostnames.has(service.hostname)) p.add(`${path}.hostname`, `duplicate hostname ${service.hostname} in this project`);
    hostnames.add(service.hostname);
  }
  for (const key of ['id', 'type', 'category', 'status'] as const) p.string(service[key], `${path}.${key}`);
  p.millis(service.settlesAfterMs, `${path}.settlesAfterMs`);
  p.boolean(service.isSystem, `${path}.isSystem`);
  p.boolean(service.subdomainAccess, `${path}.subdomainAccess`);
  if (service.mode !== undefined && service.mode !== null) p.oneOf(service.mode, `${path}.mode`, ['HA', 'NON_HA']);
  for (const key of ['minContainers', 'maxContainers'] as const) {
    const n = service[key];
    if (n !== undefined && n !== null && !(typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 10)) p.add(`${path}.${key}`, 'must be an integer from 1 to 10, or null');
  }
  if (typeof service.minContainers === 'number' && typeof service.maxContainers === 'number' && service.minContainers > service.maxContainers) {
    p.add(`${path}.minContainers`, 'must not exceed maxContainers');
  }
  if (p.array(service.versions, `${path}.versions`)) {
    let active = 0;
    service.versions.forEach((version, k) => {
      const at = `${path}.versions[${k}]`;
      if (!isRecord(version)) return p.add(at, 'must be an object');
      if (version.sha !== undefined && version.sha !== null && typeof version.sha !== 'string') p.add(`${at}.sha`, 'must be a string or null');
      if (version.name !== undefined && version.name !== null && typeof version.name !== 'string') p.add(`${at}.name`, 'must be a string or null');
      p.string(version.id, `${at}.id`);
      p.oneOf(version.status, `${at}.status`, SEEDED_VERSION_STATUSES);
      if (version.status === 'ACTIVE') active++;
      p.millis(version.activatedAgoMs, `${at}.activatedAgoMs`);
      if (version.activatedAgoMs !== undefined && version.status !== undefined && version.status !== 'ACTIVE' && version.status !== 'BACKUP') {
        p.add(`${at}.activatedAgoMs`, `a ${String(version.status)} version was never activated`);
      }
    });
    if (active > 1) p.add(`${path}.versions`, 'at most one version can be ACTIVE');
  }
  if (p.object(service.deploy, `${path}.deploy`)) {
    const deploy = service.deploy;
    p.millis(deploy.pendingMs, `${path}.deploy.pendingMs`);
    p.duration(deploy.durationMs, `${path}.deploy.durationMs`);
    p.millis(deploy.activateMs, `${path}.deploy.activateMs`);
    p.oneOf(deploy.failAt, `${path}.deploy.failAt`, ['build', 'deploy']);
    p.count(deploy.failTimes, `${path}.deploy.failTimes`);
    p.boolean(deploy.stuck, `${path}.deploy.stuck`);
  }
  if (p.object(service.buildInfo, `${path}.buildInfo`)) {
    const info = service.buildInfo;
    p.millis(info.staleMs, `${path}.buildInfo.staleMs`);
    p.boolean(info.staleForever, `${path}.buildInfo.staleForever`);
    p.boolean(info.unreachable, `${path}.buildInfo.unreachable`);
    p.string(info.field, `${path}.buildInfo.field`);
  }
  if (p.object(service.runningProcess, `${path}.runningProcess`)) {
    const running = service.runningProcess;
    if (running.finishAfterMs !== null) p.millis(running.finishAfterMs, `${path}.runningProcess.finishAfterMs`);
    p.string(running.actionName, `${path}.runningProcess.actionName`);
  }
}

function checkForge(p: Problems, forge: Json, name: 'github' | 'gitea'): void {
  for (const key of ['owner', 'repo', 'defaultBranch'] as const) p.string(forge[key], `${name}.${key}`);
  const shas: string[] = [];
  if (p.array(forge.commits, `${name}.commits`)) {
    const known = new Set<string>();
    forge.commits.forEach((commit, i) => {
      const path = `${name}.commits[${i}]`;
      if (!isRecord(commit)) return p.add(path, 'must be an object');
      if (typeof commit.sha !== 'string' || !FULL_SHA.test(commit.sha)) return p.add(`${path}.sha`, 'must be 40 lowercase hex characters (use sha(n))');
      if (known.has(commit.sha)) p.add(`${path}.sha`, `duplicate commit ${commit.sha}`);
      if (p.array(commit.parents, `${path}.parents`)) {
        for (const parent of commit.parents) {
          if (!known.has(parent as string)) p.add(`${path}.parents`, `parent ${String(parent)} must be listed before its child`);
        }
      }
      p.string(commit.message, `${path}.message`);
      known.add(commit.sha);
      shas.push(commit.sha);
    });
  }
  const refs = { branches: new Map<string, string>(), tags: new Map<string, string>() };
  for (const kind of ['branches', 'tags'] as const) {
    if (!p.object(forge[kind], `${name}.${kind}`)) continue;
    for (const [ref, target] of Object.entries(forge[kind] as Json)) {
      if (typeof target !== 'string' || !shas.includes(target)) p.add(`${name}.${kind}.${ref}`, 'must be the full sha of a listed commit');
      else refs[kind].set(ref, target);
    }
  }
  // Without `branches` the default branch points at the last commit.
  if (forge.branches === undefined && shas.length > 0) refs.branches.set(typeof forge.defaultBranch === 'string' ? forge.defaultBranch : 'main', shas[shas.length - 1] as string);
  const resolvable = (ref: string): boolean =>
    shas.includes(ref) || refs.branches.has(ref) || refs.tags.has(ref) || (/^[0-9a-f]{7,39}$/.test(ref) && shas.filter((s) => s.startsWith(ref)).length === 1);

  if (p.array(forge.tokens, `${name}.tokens`)) {
    forge.tokens.forEach((token, i) => {
      const path = `${name}.tokens[${i}]`;
      if (!isRecord(token)) return p.add(path, 'must be an object');
      p.string(token.value, `${path}.value`, true);
      if (name === 'gitea' && token.variables !== undefined) p.add(`${path}.variables`, 'Gitea decides by role (owner or site-admin may read variables); set role instead');
      p.boolean(token.variables, `${path}.variables`);
      if (name === 'github' && token.role !== undefined) p.add(`${path}.role`, 'GitHub tokens have no role here; use variables');
      p.oneOf(token.role, `${path}.role`, GITEA_ROLES);
      p.boolean(token.seesRepo, `${path}.seesRepo`);
      p.boolean(token.deployments, `${path}.deployments`);
      p.boolean(token.deploymentsRead, `${path}.deploymentsRead`);
      if (name === 'gitea' && (token.deployments !== undefined || token.deploymentsRead !== undefined)) p.add(path, 'Gitea has no deployments API; remove deployments/deploymentsRead');
      if (token.deploymentsRead === false && token.deployments === true) p.add(`${path}.deployments`, 'a token that cannot read deployments cannot write them either (deploymentsRead is false)');
      p.count(token.rateLimit, `${path}.rateLimit`);
    });
  }
  if (p.object(forge.variables, `${name}.variables`)) {
    for (const [key, value] of Object.entries(forge.variables)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) p.add(`${name}.variables.${key}`, 'must be a string');
    }
  }
  const ids = new Set<number>();
  const checkRows = (kind: 'statuses' | 'checkRuns', check: (row: unknown, path: string) => void): void => {
    if (!p.object(forge[kind], `${name}.${kind}`)) return;
    for (const [ref, rows] of Object.entries(forge[kind] as Json)) {
      const path = `${name}.${kind}.${ref}`;
      if (!resolvable(ref)) p.add(path, 'key must be a listed commit, branch, tag or unique short sha');
      if (!Array.isArray(rows)) p.add(path, 'must be a list');
      else
        rows.forEach((row, i) => {
          check(row, `${path}[${i}]`);
          if (isRecord(row) && row.id !== undefined) {
            p.count(row.id, `${path}[${i}].id`, 1);
            if (ids.has(row.id as number)) p.add(`${path}[${i}].id`, `duplicate id ${String(row.id)}`);
            ids.add(row.id as number);
          }
        });
    }
  };
  const statusStates = name === 'github' ? GITHUB_STATUS_STATES : GITEA_STATUS_STATES;
  checkRows('statuses', (row, path) => {
    if (!isRecord(row)) return p.add(path, 'must be an object');
    if (name === 'gitea' && row.id !== undefined) p.add(`${path}.id`, 'Gitea numbers statuses per commit (1, 2, 3…); remove id');
    p.string(row.context, `${path}.context`, true);
    p.string(row.targetUrl, `${path}.targetUrl`);
    checkTimeline(p, row, path, (step, at) => {
      const state = step.state ?? step.status;
      if (state === undefined) p.add(at, 'needs a state');
      p.oneOf(state, `${at}.state`, statusStates);
    });
  });
  if (name === 'gitea') {
    p.count(forge.maxLimit, 'gitea.maxLimit', 1);
    p.oneOf(forge.version, 'gitea.version', ['1.22', '1.23']);
    if (forge.subPath !== undefined && (typeof forge.subPath !== 'string' || !/^(\/[A-Za-z0-9._-]+)+$/.test(forge.subPath))) p.add('gitea.subPath', "must look like '/gitea' (no trailing slash)");
    p.boolean(forge.variableNamesExact, 'gitea.variableNamesExact');
    p.boolean(forge.etags, 'gitea.etags');
    for (const key of ['checkRuns', 'run', 'rules', 'deployments', 'deploymentEnvironmentMatch']) if (forge[key] !== undefined) p.add(`gitea.${key}`, 'Gitea has no such API; remove it');
    return;
  }
  checkRows('checkRuns', (row, path) => {
    if (!isRecord(row)) return p.add(path, 'must be an object');
    p.string(row.name, `${path}.name`, true);
    p.count(row.suiteId, `${path}.suiteId`, 1);
    p.string(row.app, `${path}.app`);
    p.string(row.detailsUrl, `${path}.detailsUrl`);
    checkTimeline(p, row, path, (step, at) => {
      if (step.status === undefined && step.conclusion === undefined) p.add(at, 'needs a status or a conclusion');
      p.oneOf(step.status, `${at}.status`, CHECK_STATUSES);
      if (step.conclusion !== null) p.oneOf(step.conclusion, `${at}.conclusion`, CHECK_CONCLUSIONS);
      if (step.conclusion && step.status !== undefined && step.status !== 'completed') p.add(at, 'a conclusion needs status completed');
    });
  });
  if (p.object(forge.run, 'github.run')) {
    p.count(forge.run.id, 'github.run.id', 1);
    p.count(forge.run.checkSuiteId, 'github.run.checkSuiteId', 1);
    if (forge.run.headSha !== undefined && !shas.includes(forge.run.headSha as string)) p.add('github.run.headSha', 'must be a listed commit');
  }
  if (p.object(forge.rules, 'github.rules')) {
    for (const [branch, contexts] of Object.entries(forge.rules)) {
      if (!Array.isArray(contexts) || !contexts.every((c) => typeof c === 'string')) p.add(`github.rules.${branch}`, 'must be a list of context names');
    }
  }
  p.count(forge.rateLimit, 'github.rateLimit');
  p.oneOf(forge.deploymentEnvironmentMatch, 'github.deploymentEnvironmentMatch', ['exact', 'case-insensitive']);
  if (p.array(forge.deployments, 'github.deployments')) forge.deployments.forEach((d, i) => checkDeployment(p, d, `github.deployments[${i}]`, resolvable));
}

function checkDeployment(p: Problems, deployment: unknown, path: string, resolvable: (ref: string) => boolean): void {
  if (!isRecord(deployment)) return p.add(path, 'must be an object');
  p.string(deployment.sha, `${path}.sha`, true);
  if (typeof deployment.sha === 'string' && deployment.sha !== '' && !resolvable(deployment.sha)) p.add(`${path}.sha`, 'must be a listed commit, branch, tag or unique short sha');
  p.string(deployment.environment, `${path}.environment`, true);
  if (deployment.agoMs === undefined) p.add(`${path}.agoMs`, 'is required (how long before simulator start it was created)');
  p.millis(deployment.agoMs, `${path}.agoMs`);
  if (!p.array(deployment.statuses, `${path}.statuses`)) return;
  deployment.statuses.forEach((status, i) => {
    const at = `${path}.statuses[${i}]`;
    if (!isRecord(status)) return p.add(at, 'must be an object');
    if (status.state === undefined) p.add(`${at}.state`, `is required (one of ${DEPLOYMENT_STATES.join(', ')})`);
    p.oneOf(status.state, `${at}.state`, DEPLOYMENT_STATES);
    if (status.agoMs === undefined) p.add(`${at}.agoMs`, 'is required (how long before simulator start it was set)');
    p.millis(status.agoMs, `${at}.agoMs`);
    if (typeof status.agoMs === 'number' && typeof deployment.agoMs === 'number' && status.agoMs > deployment.agoMs) {
      p.add(`${at}.agoMs`, `a status cannot be older than its deployment (${status.agoMs} > ${deployment.agoMs})`);
    }
  });
}

function checkTimeline(p: Problems, row: Json, path: string, checkStep: (step: Json, at: string) => void): void {
  const steps = row.timeline === undefined ? [row] : row.timeline;
  if (!Array.isArray(steps) || steps.length === 0) return p.add(`${path}.timeline`, 'must be a non-empty list');
  steps.forEach((step, i) => {
    const at = row.timeline === undefined ? path : `${path}.timeline[${i}]`;
    if (!isRecord(step)) return p.add(at, 'must be an object');
    p.count(step.afterPolls, `${at}.afterPolls`);
    p.millis(step.afterMs, `${at}.afterMs`);
    checkStep(step, at);
  });
}
