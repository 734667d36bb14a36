// The Zerops calls a release needs. Reads are retried by the HTTP client; mutating
// calls are sent once — the engine decides what to do when their outcome is unknown
// (it looks before repeating).
import type { Readable } from 'node:stream';
import type { HttpClient } from '../http/client.js';
import { obj, optStr, reqStr, type Json } from '../util/shape.js';
import {
  parseAppVersion,
  parseList,
  parseProcess,
  parseProject,
  parseService,
  type AppVersion,
  type Process,
  type Project,
  type ServiceStack,
} from './types.js';

const API = '/api/rest/public';
const PAGE = 100;
const MAX_SERVICE_PAGES = 100;

export interface CreatedVersion extends AppVersion {
  uploadUrl: string;
}

export class ZeropsClient {
  constructor(private readonly http: HttpClient) {}

  /** The token's user and the organisations (client ids) it belongs to (SDK `output.UserAuthorize`). */
  async userInfo(): Promise<{ id: string; email: string | null; clientIds: string[] }> {
    const res = await this.http.send({ method: 'GET', url: `${API}/user/info`, what: 'read the Zerops token\'s user' });
    const o = obj(res.data, 'user info');
    const memberships = Array.isArray(o.clientUserList) ? o.clientUserList : [];
    const clientIds = memberships.map((m) => (m && typeof m === 'object' ? optStr(m as Json, 'clientId') : null)).filter((id): id is string => !!id);
    return { id: reqStr(o, 'id', 'user info'), email: typeof o.email === 'string' ? o.email : null, clientIds: [...new Set(clientIds)] };
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
        query: { limit: PAGE, offset: page * PAGE },
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

  /** The service's kept versions, newest first. */
  async listAppVersions(serviceId: string, hostname: string): Promise<AppVersion[]> {
    const res = await this.http.send({
      method: 'GET',
      url: `${API}/service-stack/${enc(serviceId)}/app-version`,
      query: { limit: 50, offset: 0 },
      what: `list the versions of ${hostname}`,
    });
    return parseList(res.data, 'version list', parseAppVersion).list;
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
    const o = obj(res.data, 'new version');
    return { ...parseAppVersion(o), uploadUrl: reqStr(o, 'uploadUrl', 'new version') };
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

  /** The service's processes, newest first; `statuses` narrows to e.g. the in-flight ones. */
  async listServiceProcesses(serviceId: string, hostname: string, statuses: readonly string[] | null, limit: number, signal?: AbortSignal): Promise<Process[]> {
    const res = await this.http.send({
      method: 'GET',
      url: `${API}/service-stack/${enc(serviceId)}/process`,
      query: { limit, offset: 0, statuses: statuses ? statuses.join(',') : undefined },
      what: `list the processes of ${hostname}`,
      signal,
    });
    return parseList(res.data, 'process list', parseProcess).list;
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}
