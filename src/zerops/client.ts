// The Zerops calls a release needs. Reads are retried by the HTTP client; mutating
// calls are sent once — the engine decides what to do when their outcome is unknown
// (it looks before repeating).
import type { Readable } from 'node:stream';
import type { HttpClient } from '../http/client.js';
import {
  newestFirst,
  parseAppVersion,
  parseCreatedVersion,
  parseList,
  parseProcess,
  parseProject,
  parseSearchedVersion,
  parseService,
  parseUserInfo,
  type AppVersion,
  type CreatedVersion,
  type Process,
  type Project,
  type ServiceStack,
} from './types.js';

const API = '/api/rest/public';
const PAGE = 100;
const MAX_SERVICE_PAGES = 100;
/** Versions and processes are paged to their total, at most this many pages (10 000 rows). */
const MAX_HISTORY_PAGES = 100;

export type { CreatedVersion };

export class ZeropsClient {
  constructor(private readonly http: HttpClient) {}

  /** The token's user and the organisations (client ids) it belongs to (SDK `output.UserAuthorize`). */
  async userInfo(): Promise<{ id: string; email: string | null; clientIds: string[] }> {
    const res = await this.http.send({ method: 'GET', url: `${API}/user/info`, what: 'read the Zerops token\'s user' });
    return parseUserInfo(res.data);
  }

  async getProject(projectId: string): Promise<Project> {
    const res = await this.http.send({ method: 'GET', url: `${API}/project/${enc(projectId)}`, what: `read project ${projectId}` });
    return parseProject(res.data);
  }

  /**
   * Projects of one organisation this token can see, at most `limit` (enough to tell
   * whether it reaches more than one). Filtered by `clientId` like every first-party caller.
   */
  async searchProjects(clientId: string, limit: number): Promise<{ projects: Project[]; total: number | null }> {
    const res = await this.http.send({
      method: 'POST',
      url: `${API}/project/search`,
      what: 'list the projects this token reaches',
      json: { search: [{ name: 'clientId', operator: 'eq', value: clientId }], sort: [], limit, offset: 0 },
      idempotent: true,
    });
    const { list, total } = parseList(res.data, 'project search', parseProject);
    return { projects: list, total };
  }

  async listServices(projectId: string, signal?: AbortSignal): Promise<ServiceStack[]> {
    const all: ServiceStack[] = [];
    for (let page = 0; page < MAX_SERVICE_PAGES; page++) {
      const res = await this.http.send({
        method: 'GET',
        url: `${API}/project/${enc(projectId)}/service-stack`,
        query: { limit: PAGE, offset: all.length }, // by rows received: servers clamp `limit` silently
        what: `list the services of project ${projectId}`,
        signal,
      });
      const { list, total } = parseList(res.data, 'service list', parseService);
      all.push(...list);
      if (list.length === 0 || (total !== null && all.length >= total)) return all;
    }
    return all;
  }

  /**
   * Asks the platform whether it takes this zerops.yaml for the service, as zcli does before
   * every push (SDK body.ZeropsYamlValidation → output.Success); a refusal is an HTTP 400.
   */
  async validateZeropsYaml(service: ServiceStack & { typeId: string; typeVersion: string }, zeropsYaml: string, setup: string, operation: 'BUILD_AND_DEPLOY' | 'DEPLOY', signal?: AbortSignal): Promise<void> {
    await this.http.send({
      method: 'POST',
      url: `${API}/service-stack/zerops-yaml-validation`,
      what: `validate zerops.yaml for ${service.hostname}`,
      json: {
        serviceStackName: service.hostname,
        serviceStackTypeId: service.typeId,
        serviceStackTypeVersionName: service.typeVersion,
        zeropsYaml,
        operation,
        zeropsYamlSetup: setup,
      },
      idempotent: true,
      signal,
    });
  }

  async getService(serviceId: string, hostname: string, signal?: AbortSignal): Promise<ServiceStack> {
    const res = await this.http.send({ method: 'GET', url: `${API}/service-stack/${enc(serviceId)}`, what: `read service ${hostname}`, signal });
    return parseService(res.data);
  }

  /** The service's kept versions, newest first (sorted here: the API defines no order). */
  async listAppVersions(serviceId: string, hostname: string, signal?: AbortSignal): Promise<AppVersion[]> {
    const all = await this.pageAll(`${API}/service-stack/${enc(serviceId)}/app-version`, {}, `list the versions of ${hostname}`, 'version list', parseAppVersion, 'output.AppVersionList', signal);
    return newestFirst(all);
  }

  /**
   * Version names as the search index shows them (the only answer that carries `name`;
   * it may lag writes by seconds). Filtered by client and service, as Zerops' own tools do.
   */
  async searchVersionNames(clientId: string, serviceId: string, hostname: string, signal?: AbortSignal): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    let seen = 0;
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const res = await this.http.send({
        method: 'POST',
        url: `${API}/app-version/search`,
        what: `search the versions of ${hostname}`,
        json: {
          search: [
            { name: 'clientId', operator: 'eq', value: clientId },
            { name: 'serviceStackId', operator: 'eq', value: serviceId },
          ],
          sort: [{ name: 'sequence', ascending: false }],
          limit: PAGE,
          offset: seen,
        },
        idempotent: true,
        signal,
      });
      const answer = parseList(res.data, 'version search', parseSearchedVersion, 'output.EsAppVersionResponse');
      for (const v of answer.list) if (v.name && (v.serviceStackId === null || v.serviceStackId === serviceId)) names.set(v.id, v.name);
      seen += answer.list.length;
      // Stop on an empty page or a covered total, never on "fewer than asked" (limits are clamped).
      if (answer.list.length === 0 || (answer.total !== null && seen >= answer.total)) break;
    }
    return names;
  }

  /** Best effort: removes a version this run created and abandoned. */
  async deleteAppVersion(versionId: string, hostname: string, signal?: AbortSignal): Promise<void> {
    await this.http.send({ method: 'DELETE', url: `${API}/app-version/${enc(versionId)}`, what: `delete an unused version of ${hostname}`, idempotent: true, signal });
  }

  async getAppVersion(versionId: string, hostname: string): Promise<AppVersion> {
    const res = await this.http.send({ method: 'GET', url: `${API}/app-version/${enc(versionId)}`, what: `read a version of ${hostname}` });
    return parseAppVersion(res.data);
  }

  async createAppVersion(serviceId: string, hostname: string, name: string, signal?: AbortSignal): Promise<CreatedVersion> {
    const res = await this.http.send({
      method: 'POST',
      url: `${API}/service-stack/${enc(serviceId)}/app-version`,
      what: `create a version of ${hostname}`,
      json: { name },
      idempotent: false,
      signal,
    });
    return parseCreatedVersion(res.data);
  }

  /**
   * Streams the archive to the version's pre-signed upload URL, as zcli does: no token,
   * no Content-Type (a signature may cover it; zcli never sends one), and the reply's
   * body ignored — any 2xx is success.
   */
  async upload(uploadUrl: string, hostname: string, body: () => Readable, signal?: AbortSignal, size?: number): Promise<void> {
    await this.http.send({
      method: 'PUT',
      url: uploadUrl,
      what: `upload the archive for ${hostname}`,
      body,
      // accept */* replaces the client's JSON default: the store's answer is not ours to read.
      headers: size === undefined ? { accept: '*/*' } : { accept: '*/*', 'content-length': String(size) },
      idempotent: true,
      anonymous: true,
      ignoreBody: true,
      timeoutMs: null,
      signal,
    });
  }

  async buildAndDeploy(versionId: string, hostname: string, zeropsYaml: string, setup: string, signal?: AbortSignal): Promise<Process> {
    const res = await this.http.send({
      method: 'PUT',
      url: `${API}/app-version/${enc(versionId)}/build-and-deploy`,
      what: `start build-and-deploy of ${hostname}`,
      json: { zeropsYaml, zeropsYamlSetup: setup },
      idempotent: false,
      signal,
    });
    return parseProcess(res.data);
  }

  /** Deploys an uploaded version without a build, or re-activates a kept one (yaml null). */
  async deploy(versionId: string, hostname: string, zeropsYaml: string | null, setup: string | null, signal?: AbortSignal): Promise<Process> {
    const res = await this.http.send({
      method: 'PUT',
      url: `${API}/app-version/${enc(versionId)}/deploy`,
      what: `start deploy of ${hostname}`,
      json: { zeropsYaml, zeropsYamlSetup: setup },
      idempotent: false,
      signal,
    });
    return parseProcess(res.data);
  }

  async getProcess(processId: string, hostname: string, signal?: AbortSignal): Promise<Process> {
    const res = await this.http.send({ method: 'GET', url: `${API}/process/${enc(processId)}`, what: `read the process of ${hostname}`, signal });
    return parseProcess(res.data);
  }

  async cancelProcess(processId: string, hostname: string, signal?: AbortSignal): Promise<void> {
    // The SDK sends an empty JSON object here (sdkBase.Put with struct{}{}).
    await this.http.send({ method: 'PUT', url: `${API}/process/${enc(processId)}/cancel`, what: `cancel the process of ${hostname}`, json: {}, idempotent: true, signal });
  }

  /** Up to `limit` of the service's processes, newest first of those returned; `statuses` narrows to e.g. the in-flight ones. */
  async listServiceProcesses(serviceId: string, hostname: string, statuses: readonly string[] | null, limit: number, signal?: AbortSignal): Promise<Process[]> {
    const res = await this.http.send({
      method: 'GET',
      url: `${API}/service-stack/${enc(serviceId)}/process`,
      query: { limit, offset: 0, statuses: statuses ? statuses.join(',') : undefined },
      what: `list the processes of ${hostname}`,
      signal,
    });
    return newestFirst(parseList(res.data, 'process list', parseProcess, 'output.ProcessList').list);
  }

  /** All the service's processes (paged to the total, bounded), newest first; the API defines no order. */
  async allServiceProcesses(serviceId: string, hostname: string, statuses: readonly string[] | null, signal?: AbortSignal): Promise<Process[]> {
    const query: Record<string, string> = statuses ? { statuses: statuses.join(',') } : {};
    const all = await this.pageAll(`${API}/service-stack/${enc(serviceId)}/process`, query, `list the processes of ${hostname}`, 'process list', parseProcess, 'output.ProcessList', signal);
    return newestFirst(all);
  }

  /** Pages a direct list until its totalCount is covered or a page comes back empty (never "fewer than asked": servers clamp). */
  private async pageAll<T>(
    url: string,
    query: Record<string, string>,
    what: string,
    listWhat: string,
    parse: (v: unknown) => T,
    dto: 'output.AppVersionList' | 'output.ProcessList',
    signal?: AbortSignal,
  ): Promise<T[]> {
    const all: T[] = [];
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const res = await this.http.send({ method: 'GET', url, query: { ...query, limit: PAGE, offset: all.length }, what, signal });
      const { list, total } = parseList(res.data, listWhat, parse, dto);
      all.push(...list);
      if (list.length === 0 || (total !== null && all.length >= total)) return all;
    }
    return all;
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}
