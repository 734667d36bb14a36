// Zerops wire objects, read tolerantly: unknown fields ignored, optional ones may be
// missing. Field names follow the public SDK (see shared/reference/zerops-api.md).
import { arr, obj, optNum, optObj, optStr, reqStr, type Json } from '../util/shape.js';

export interface AppVersion {
  id: string;
  serviceStackId: string | null;
  status: string;
  /** Free-text version name; this tool writes the full target SHA there. Absent in some answers. */
  name: string | null;
  /** The commit this version holds, when its name or integration says so. */
  sha: string | null;
  created: string | null;
  activationDate: string | null;
  sequence: number | null;
}

export interface ServiceStack {
  id: string;
  hostname: string;
  projectId: string;
  status: string;
  category: string | null;
  typeName: string | null;
  typeVersion: string | null;
  /** SDK `serviceStackTypeId` (zerops.yaml validation needs it). */
  typeId: string | null;
  /** A hidden platform service (SDK `isSystem`): never deployed, never matched by a glob. */
  isSystem: boolean;
  activeVersion: AppVersion | null;
}

export interface Process {
  id: string;
  status: string;
  actionName: string | null;
  appVersionId: string | null;
  appVersionName: string | null;
  serviceIds: string[];
  created: string | null;
  finished: string | null;
  /** Why a failed process failed: `publicMeta.failReason` (SDK) or `error.message` (seen live by zcp). */
  failReason: string | null;
}

export interface Project {
  id: string;
  name: string | null;
  status: string | null;
}

export const PROCESS_IN_FLIGHT = ['PENDING', 'RUNNING', 'ROLLBACKING', 'CANCELING'] as const;
export const PROCESS_FAILED = ['FAILED', 'CANCELED'] as const;
/** Service statuses that can take a deploy (READY_TO_DEPLOY: never deployed yet). */
export const DEPLOYABLE_SERVICE_STATUSES = ['ACTIVE', 'READY_TO_DEPLOY'] as const;
export const RUNTIME_CATEGORY = 'USER';

const FULL_SHA = /^[0-9a-f]{40}$/i;

export function shaOf(name: string | null | undefined): string | null {
  return name && FULL_SHA.test(name) ? name.toLowerCase() : null;
}

export function parseAppVersion(value: unknown): AppVersion {
  const o = obj(value, 'app version');
  const name = optStr(o, 'name');
  const integrationCommit = optStr(optObj(o, 'githubIntegration'), 'commit') ?? optStr(optObj(o, 'gitlabIntegration'), 'commit');
  return {
    id: reqStr(o, 'id', 'app version'),
    serviceStackId: optStr(o, 'serviceStackId'),
    status: optStr(o, 'status') ?? 'UNKNOWN',
    name,
    sha: shaOf(name) ?? shaOf(integrationCommit),
    created: optStr(o, 'created'),
    activationDate: optStr(o, 'activationDate'),
    sequence: optNum(o, 'sequence'),
  };
}

export function parseService(value: unknown): ServiceStack {
  const o = obj(value, 'service');
  const info = optObj(o, 'serviceStackTypeInfo');
  const active = o.activeAppVersion;
  return {
    id: reqStr(o, 'id', 'service'),
    hostname: reqStr(o, 'name', 'service'),
    projectId: reqStr(o, 'projectId', 'service'),
    status: optStr(o, 'status') ?? 'UNKNOWN',
    category: optStr(info, 'serviceStackTypeCategory'),
    typeName: optStr(info, 'serviceStackTypeName'),
    typeVersion: optStr(info, 'serviceStackTypeVersionName'),
    typeId: optStr(o, 'serviceStackTypeId'),
    isSystem: o.isSystem === true,
    activeVersion: active && typeof active === 'object' ? parseAppVersion(active) : null,
  };
}

export function parseProcess(value: unknown): Process {
  const o = obj(value, 'process');
  const version = optObj(o, 'appVersion');
  const stacks = Array.isArray(o.serviceStacks) ? o.serviceStacks : [];
  const serviceIds = stacks.map((s) => optStr(s as Json, 'id')).filter((x): x is string => !!x);
  const single = optStr(o, 'serviceStackId');
  if (single && !serviceIds.includes(single)) serviceIds.push(single);
  return {
    id: reqStr(o, 'id', 'process'),
    status: optStr(o, 'status') ?? 'UNKNOWN',
    actionName: optStr(o, 'actionName'),
    appVersionId: optStr(version, 'id'),
    appVersionName: optStr(version, 'name'),
    serviceIds,
    created: optStr(o, 'created'),
    finished: optStr(o, 'finished'),
    failReason: optStr(optObj(o, 'publicMeta'), 'failReason') ?? optStr(optObj(o, 'error'), 'message'),
  };
}

export function parseProject(value: unknown): Project {
  const o = obj(value, 'project');
  return { id: reqStr(o, 'id', 'project'), name: optStr(o, 'name'), status: optStr(o, 'status') };
}

export function parseList<T>(value: unknown, what: string, parse: (v: unknown) => T): { list: T[]; total: number | null } {
  const o = obj(value, what);
  const list = o.list ?? o.items;
  return { list: arr(list, what).map(parse), total: optNum(o, 'totalCount') ?? optNum(o, 'totalHits') };
}
