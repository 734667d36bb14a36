// Zerops wire objects, read tolerantly: unknown fields ignored, optional ones may be
// missing. Field names follow the public SDK (see shared/reference/zerops-sdk.json):
// every parser reads a DTO through `view`, which keeps only the fields declared in
// ZEROPS_READS, so a field the SDK does not declare cannot be read by accident.
import { arr, obj, optNum, optStr, reqStr, type Json } from '../util/shape.js';

/** Which fields of which SDK DTO (keys as in zerops-sdk.json `types`) this client reads. */
export const ZEROPS_READS = {
  'output.GetAppVersion': [
    'id',
    'clientId',
    'serviceStackId',
    'status',
    'sequence',
    'created',
    'activationDate',
    'userDataList',
    'githubIntegration',
    'gitlabIntegration',
  ],
  'output.PostAppVersion': ['id', 'clientId', 'serviceStackId', 'status', 'sequence', 'created', 'userDataList', 'uploadUrl'],
  'output.AppVersionUserData': ['key', 'content'],
  'output.AppVersionGithubIntegration': ['commit'],
  'output.AppVersionGitlabIntegration': ['commit'],
  'output.AppVersionList': ['list', 'totalCount'],
  'output.EsAppVersion': ['id', 'serviceStackId', 'status', 'sequence', 'created'],
  'output.EsAppVersionResponse': ['items', 'totalHits'],
  'output.ServiceStack': [
    'id',
    'name',
    'projectId',
    'status',
    'serviceStackTypeInfo',
    'activeAppVersion',
    'serviceStackTypeId',
    'isSystem',
    'mode',
    'subdomainAccess',
    'customAutoscaling',
  ],
  'output.CustomAutoscaling': ['horizontalAutoscaling'],
  'output.HorizontalAutoscalingNullable': ['minContainerCount', 'maxContainerCount'],
  'output.ServiceStackInfoJsonObject': ['serviceStackTypeName', 'serviceStackTypeCategory', 'serviceStackTypeVersionName'],
  'output.ServiceStackList': ['list', 'totalCount'],
  'output.Process': ['id', 'status', 'actionName', 'appVersion', 'serviceStacks', 'serviceStackId', 'sequence', 'created', 'finished', 'publicMeta'],
  'output.AppVersionJsonObject': ['id', 'name'],
  'output.ServiceStackLightJsonObject': ['id'],
  'output.ProcessList': ['list', 'totalCount'],
  'output.Project': ['id', 'name', 'status'],
  'output.EsProjectResponse': ['items', 'totalHits'],
  'output.Success': ['success'],
  'output.UserAuthorize': ['id', 'email', 'clientUserList'],
  'output.ClientUserExtraWithClientLight': ['clientId'],
} as const;

/**
 * Fields read although the SDK does not declare them on that DTO. `POST /app-version/search`
 * items carry the version `name` (Zerops' own zcp, live-verified 2026-09-14); the SDK's
 * EsAppVersion omits it. Read only as a last resort, and only through `viewUndeclared`.
 */
export const ZEROPS_UNDECLARED_READS = {
  'output.EsAppVersion': ['name'],
  // A failed process's `error: {code, message}` (zcp, live-verified); only its message is shown.
  'output.Process': ['error'],
} as const;

/** The enum values (zerops-sdk.json `enums`) the code compares against. */
export const ZEROPS_ENUM_VALUES = {
  ProcessStatusEnum: ['PENDING', 'RUNNING', 'ROLLBACKING', 'CANCELING', 'FINISHED', 'FAILED', 'CANCELED'],
  AppVersionStatusEnum: ['UPLOADING', 'ACTIVE', 'BACKUP'],
  // All 36: src/rollout/service-status.ts classifies each (ready, passing, refused, left to the platform).
  ServiceStackStatusEnum: [
    'NEW', 'CREATING', 'ACTIVE', 'STOPPING', 'STOPPED', 'STARTING', 'RESTARTING', 'RELOADING', 'DELETING', 'DELETED', 'FAILED', 'ACTION_FAILED',
    'UPGRADING', 'READY_TO_DEPLOY', 'SERVICE_CREATING', 'SERVICE_ACTIVE', 'SERVICE_STOPPING', 'SERVICE_STOPPED', 'SERVICE_STARTING',
    'SERVICE_RESTARTING', 'SERVICE_RELOADING', 'SERVICE_DELETING', 'SERVICE_DELETED', 'SERVICE_FAILED', 'SERVICE_ACTION_FAILED',
    'SERVICE_REPAIRING', 'SERVICE_CONTAINER_FAILED', 'SERVICE_MOVING_CONTAINER', 'SERVICE_UPGRADING', 'SERVICE_SCALING',
    'SERVICE_REPAIR_FAILED', 'REPAIRING', 'CONTAINER_FAILED', 'MOVING_CONTAINER', 'SCALING', 'REPAIR_FAILED',
  ],
  ServiceStackTypeCategoryEnum: ['USER'],
} as const;

/**
 * `output.ServiceStack.mode` is a plain `types.StringNull` in the SDK (no enum), so its values
 * cannot sit in ZEROPS_ENUM_VALUES. These two are the import.yaml `mode` values of the Zerops
 * docs (managed services: NON_HA = one container, HA = three; fixed at creation).
 */
export const SERVICE_MODES = ['HA', 'NON_HA'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];

type Reads = typeof ZEROPS_READS;
export type ZeropsDto = keyof Reads;
/** A DTO reduced to the fields this client declares it reads. */
export type View<D extends ZeropsDto> = { readonly [K in Reads[D][number]]: unknown };

export function view<D extends ZeropsDto>(dto: D, value: unknown, what: string): View<D> {
  const o = obj(value, what);
  const picked: Record<string, unknown> = {};
  for (const field of ZEROPS_READS[dto] as readonly string[]) picked[field] = o[field];
  return picked as View<D>;
}

/** Like `view`, for an object that may be null or missing. */
function viewOpt<D extends ZeropsDto>(dto: D, value: unknown): View<D> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? view(dto, value, dto) : null;
}

type Undeclared = typeof ZEROPS_UNDECLARED_READS;
function viewUndeclared<D extends keyof Undeclared>(dto: D, value: unknown, what: string): { readonly [K in Undeclared[D][number]]: unknown } {
  const o = obj(value, what);
  const picked: Record<string, unknown> = {};
  for (const field of ZEROPS_UNDECLARED_READS[dto] as readonly string[]) picked[field] = o[field];
  return picked as { readonly [K in Undeclared[D][number]]: unknown };
}

// Typed readers: the key must be a declared field of the view.
const str = <V extends object>(v: V | null, key: keyof V & string): string | null => optStr(v as Json | null, key);
const num = <V extends object>(v: V | null, key: keyof V & string): number | null => optNum(v as Json | null, key);
const need = <V extends object>(v: V, key: keyof V & string, what: string): string => reqStr(v as Json, key, what);

type Enum<E extends keyof typeof ZEROPS_ENUM_VALUES> = (typeof ZEROPS_ENUM_VALUES)[E][number];
export type ServiceStackStatus = Enum<'ServiceStackStatusEnum'>;
/** The only status a kept version can be re-activated from: the ACTIVE one answers 400 appVersionInvalidStatus, failed/cancelled/uploading ones hold nothing to activate. */
export const REACTIVATABLE_STATUS = 'BACKUP' satisfies Enum<'AppVersionStatusEnum'>;
/** The version a service runs. */
export const ACTIVE_STATUS = 'ACTIVE' satisfies Enum<'AppVersionStatusEnum'>;
/** A created version waiting for its archive. */
export const UPLOADING_STATUS = 'UPLOADING' satisfies Enum<'AppVersionStatusEnum'>;

export interface AppVersion {
  id: string;
  serviceStackId: string | null;
  clientId: string | null;
  status: string;
  /** Full commit SHAs in the version's user data (the deployed run env), by variable name. Other entries are not kept. */
  stampedShas: Readonly<Record<string, string>>;
  /** The commit a GitHub/GitLab integration built, when there is one. */
  integrationSha: string | null;
  /** The commit this version holds, once known (integration commit here; see VersionCatalogs for the rest). */
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
  /** SDK `mode` (HA / NON_HA; another string is kept as is); null when the answer did not say. */
  mode: string | null;
  /** SDK `subdomainAccess`: reachable on its `.zerops.app` subdomain; null when the answer did not say. */
  subdomainAccess: boolean | null;
  /** SDK `customAutoscaling.horizontalAutoscaling`; null when none is configured (the platform default applies). */
  horizontalAutoscaling: { minContainers: number | null; maxContainers: number | null } | null;
}

export interface Process {
  id: string;
  status: string;
  actionName: string | null;
  appVersionId: string | null;
  /** The version name as embedded in the process (SDK: declared; may be null at runtime). */
  appVersionName: string | null;
  serviceIds: string[];
  sequence: number | null;
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

export const PROCESS_IN_FLIGHT = ['PENDING', 'RUNNING', 'ROLLBACKING', 'CANCELING'] as const satisfies readonly Enum<'ProcessStatusEnum'>[];
export const PROCESS_FAILED = ['FAILED', 'CANCELED'] as const satisfies readonly Enum<'ProcessStatusEnum'>[];
/** Service statuses that can take a deploy (READY_TO_DEPLOY: never deployed yet). */
export const DEPLOYABLE_SERVICE_STATUSES = ['ACTIVE', 'READY_TO_DEPLOY'] as const satisfies readonly Enum<'ServiceStackStatusEnum'>[];
export const RUNTIME_CATEGORY = 'USER' satisfies Enum<'ServiceStackTypeCategoryEnum'>;

const FULL_SHA = /^[0-9a-f]{40}$/i;

export function shaOf(name: string | null | undefined): string | null {
  return name && FULL_SHA.test(name) ? name.toLowerCase() : null;
}

/** The stamped SHAs of a userDataList; anything that is not a full SHA (possibly a secret) is dropped unread. */
function stampedShasOf(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    const entry = viewOpt('output.AppVersionUserData', item);
    const key = str(entry, 'key');
    const sha = shaOf(str(entry, 'content'));
    if (key && sha) out[key] = sha;
  }
  return out;
}

function appVersionOf(v: View<'output.GetAppVersion'> | View<'output.PostAppVersion'>, what: string): AppVersion {
  const github = 'githubIntegration' in v ? viewOpt('output.AppVersionGithubIntegration', v.githubIntegration) : null;
  const gitlab = 'gitlabIntegration' in v ? viewOpt('output.AppVersionGitlabIntegration', v.gitlabIntegration) : null;
  const integrationSha = shaOf(str(github, 'commit')) ?? shaOf(str(gitlab, 'commit'));
  return {
    id: need(v, 'id', what),
    serviceStackId: str(v, 'serviceStackId'),
    clientId: str(v, 'clientId'),
    status: str(v, 'status') ?? 'UNKNOWN',
    stampedShas: stampedShasOf(v.userDataList),
    integrationSha,
    sha: integrationSha,
    created: str(v, 'created'),
    activationDate: 'activationDate' in v ? str(v, 'activationDate') : null,
    sequence: num(v, 'sequence'),
  };
}

/** A GetAppVersion (GET, list items, a service's activeAppVersion): it has no `name`. */
export function parseAppVersion(value: unknown): AppVersion {
  return appVersionOf(view('output.GetAppVersion', value, 'app version'), 'app version');
}

export interface CreatedVersion extends AppVersion {
  uploadUrl: string;
}

export function parseCreatedVersion(value: unknown): CreatedVersion {
  const v = view('output.PostAppVersion', value, 'new version');
  return { ...appVersionOf(v, 'new version'), uploadUrl: need(v, 'uploadUrl', 'new version') };
}

/** An `app-version/search` item: its id and the name only the search shows. */
export function parseSearchedVersion(value: unknown): { id: string; serviceStackId: string | null; name: string | null } {
  const v = view('output.EsAppVersion', value, 'app version search item');
  return { id: need(v, 'id', 'app version search item'), serviceStackId: str(v, 'serviceStackId'), name: optStr(viewUndeclared('output.EsAppVersion', value, 'app version search item') as Json, 'name') };
}

export function parseService(value: unknown): ServiceStack {
  const v = view('output.ServiceStack', value, 'service');
  const info = viewOpt('output.ServiceStackInfoJsonObject', v.serviceStackTypeInfo);
  const active = v.activeAppVersion;
  return {
    id: need(v, 'id', 'service'),
    hostname: need(v, 'name', 'service'),
    projectId: need(v, 'projectId', 'service'),
    status: str(v, 'status') ?? 'UNKNOWN',
    category: str(info, 'serviceStackTypeCategory'),
    typeName: str(info, 'serviceStackTypeName'),
    typeVersion: str(info, 'serviceStackTypeVersionName'),
    typeId: str(v, 'serviceStackTypeId'),
    isSystem: v.isSystem === true,
    activeVersion: active && typeof active === 'object' ? parseAppVersion(active) : null,
    mode: str(v, 'mode'),
    subdomainAccess: typeof v.subdomainAccess === 'boolean' ? v.subdomainAccess : null,
    horizontalAutoscaling: horizontalOf(v.customAutoscaling),
  };
}

function horizontalOf(custom: unknown): ServiceStack['horizontalAutoscaling'] {
  const h = viewOpt('output.HorizontalAutoscalingNullable', viewOpt('output.CustomAutoscaling', custom)?.horizontalAutoscaling);
  if (!h) return null;
  const count = (key: 'minContainerCount' | 'maxContainerCount') => {
    const n = num(h, key);
    return n !== null && Number.isInteger(n) && n >= 0 ? n : null;
  };
  const minContainers = count('minContainerCount');
  const maxContainers = count('maxContainerCount');
  return minContainers === null && maxContainers === null ? null : { minContainers, maxContainers };
}

/** The token's user and the organisations (client ids) it belongs to. */
export function parseUserInfo(value: unknown): { id: string; email: string | null; clientIds: string[] } {
  const v = view('output.UserAuthorize', value, 'user info');
  const memberships = Array.isArray(v.clientUserList) ? v.clientUserList : [];
  const ids = memberships.map((m) => str(viewOpt('output.ClientUserExtraWithClientLight', m), 'clientId')).filter((id): id is string => !!id);
  return { id: need(v, 'id', 'user info'), email: str(v, 'email'), clientIds: [...new Set(ids)] };
}

/** `publicMeta.failReason` (SDK MapNull, read so by zcp), else the undeclared `error.message`. */
function failReasonOf(publicMeta: unknown, error: unknown): string | null {
  const meta = publicMeta !== null && typeof publicMeta === 'object' ? optStr(publicMeta as Json, 'failReason') : null;
  return meta ?? (error !== null && typeof error === 'object' ? optStr(error as Json, 'message') : null);
}

export function parseProcess(value: unknown): Process {
  const v = view('output.Process', value, 'process');
  const version = viewOpt('output.AppVersionJsonObject', v.appVersion);
  const stacks = Array.isArray(v.serviceStacks) ? v.serviceStacks : [];
  const serviceIds = stacks.map((s) => str(viewOpt('output.ServiceStackLightJsonObject', s), 'id')).filter((x): x is string => !!x);
  const single = str(v, 'serviceStackId');
  if (single && !serviceIds.includes(single)) serviceIds.push(single);
  return {
    id: need(v, 'id', 'process'),
    status: str(v, 'status') ?? 'UNKNOWN',
    actionName: str(v, 'actionName'),
    appVersionId: str(version, 'id'),
    appVersionName: str(version, 'name'),
    serviceIds,
    sequence: num(v, 'sequence'),
    created: str(v, 'created'),
    finished: str(v, 'finished'),
    failReason: failReasonOf(v.publicMeta, viewUndeclared('output.Process', value, 'process').error),
  };
}

export function parseProject(value: unknown): Project {
  const v = view('output.Project', value, 'project');
  return { id: need(v, 'id', 'project'), name: str(v, 'name'), status: str(v, 'status') };
}

type ListDto = 'output.AppVersionList' | 'output.ServiceStackList' | 'output.ProcessList';
type SearchDto = 'output.EsAppVersionResponse' | 'output.EsProjectResponse';

/**
 * A direct list (`{list, totalCount}`) or an ES search answer (`{items, totalHits}`);
 * without `dto` the shape is told by which of the two keys is present.
 */
export function parseList<T>(value: unknown, what: string, parse: (v: unknown) => T, dto?: ListDto | SearchDto): { list: T[]; total: number | null } {
  const search = dto ? dto === 'output.EsAppVersionResponse' || dto === 'output.EsProjectResponse' : !('list' in obj(value, what));
  if (search) {
    const v = view(dto === 'output.EsAppVersionResponse' ? dto : 'output.EsProjectResponse', value, what);
    return { list: arr(v.items, what).map(parse), total: num(v, 'totalHits') };
  }
  const v = view(dto === 'output.ServiceStackList' || dto === 'output.ProcessList' ? dto : 'output.AppVersionList', value, what);
  return { list: arr(v.list, what).map(parse), total: num(v, 'totalCount') };
}

/** Newest first: by sequence, else creation time; the API defines no list order. */
export function newestFirst<T extends { sequence: number | null; created: string | null }>(items: readonly T[]): T[] {
  const time = (x: T): number => (x.created ? Date.parse(x.created) : NaN);
  return [...items].sort((a, b) => {
    if (a.sequence !== null && b.sequence !== null && a.sequence !== b.sequence) return b.sequence - a.sequence;
    const ta = time(a);
    const tb = time(b);
    if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return tb - ta;
    return 0;
  });
}
