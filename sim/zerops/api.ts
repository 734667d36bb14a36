// The Zerops REST API (paths under /api/rest/public): routes, access checks and the
// request validation the platform does before it starts any work.
import { Router, intParam, jsonReply, type Reply } from '../http.js';
import { credentialOf, type RequestContext, type Route, type SimServer } from '../pipeline.js';
import { assertIdShape, badRequest, forbidden, notFound, unauthorized, zeropsError } from './errors.js';
import type { DeployEngine } from './lifecycle.js';
import { IN_FLIGHT_STATUSES, shaFromName, type Process, type Project, type Service, type Token, type Version, type ZeropsState } from './model.js';
import { eqFilterValue, parseSearch, runSearch, type FieldMap, type SearchQuery } from './search.js';
import { createdVersionWire, processWire, projectWire, searchedVersionWire, serviceWire, userWire, versionWire } from './wire.js';
import { chosenSetup, runEnv, STAMP_VARIABLE } from './zerops-yaml.js';
import { deployRefusal } from './statuses.js';

export const ZEROPS_API_PREFIX = '/api/rest/public';

const ok = (json: unknown): Reply => jsonReply(200, json);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Creation-ordered items in the order a direct list endpoint answers. The API defines
 * none; oldest-first is the default because it puts the newest rows on the last page,
 * which breaks a client that reads one page and assumes newest-first.
 */
function* inListOrder<T>(items: readonly T[], order: 'oldest-first' | 'newest-first'): Generator<T> {
  if (order === 'oldest-first') {
    yield* items;
    return;
  }
  for (let i = items.length - 1; i >= 0; i--) yield items[i] as T;
}

function statusSet(raw: string | undefined): Set<string> | null {
  const statuses = (raw ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  return statuses.length > 0 ? new Set(statuses) : null;
}

/** What each search endpoint can filter and sort by. */
interface SearchFields {
  project: FieldMap<Project>;
  service: FieldMap<Service>;
  version: FieldMap<Version>;
  process: FieldMap<Process>;
}

export class ZeropsApi implements SimServer<Token> {
  readonly name = 'zerops' as const;
  private readonly router = new Router<Route<Token>>();
  private readonly fields: SearchFields;

  constructor(
    private readonly state: ZeropsState,
    private readonly engine: DeployEngine,
    /** Base URL of the upload server, known once it listens. */
    private readonly uploadBase: () => string,
  ) {
    const clientId = state.clientId;
    this.fields = {
      project: { id: (p) => p.id, name: (p) => p.name, status: (p) => p.status, clientId: () => clientId, created: (p) => p.created },
      service: {
        id: (s) => s.id,
        name: (s) => s.hostname,
        projectId: (s) => s.project.id,
        status: (s) => s.status,
        clientId: () => clientId,
        serviceStackTypeCategory: (s) => s.category,
        created: (s) => s.created,
      },
      version: {
        id: (v) => v.id,
        name: (v) => v.name,
        projectId: (v) => v.service.project.id,
        serviceStackId: (v) => v.service.id,
        status: (v) => v.status,
        sequence: (v) => v.sequence,
        source: () => 'CLI',
        clientId: () => clientId,
        created: (v) => v.created,
      },
      process: {
        id: (p) => p.id,
        projectId: (p) => p.service.project.id,
        serviceStackId: (p) => p.service.id,
        status: (p) => p.status,
        actionName: (p) => p.actionName,
        appVersionId: (p) => p.version?.id ?? null,
        clientId: () => clientId,
        created: (p) => p.created,
      },
    };

    const byService = (params: Record<string, string>): string | undefined => state.services.get(params.serviceId ?? '')?.hostname;
    const byVersion = (params: Record<string, string>): string | undefined => state.versions.get(params.versionId ?? '')?.service.hostname;
    const byProcess = (params: Record<string, string>): string | undefined => state.processes.get(params.processId ?? '')?.service.hostname;
    const byName = (params: Record<string, string>): string | undefined =>
      state.projects.get(params.projectId ?? '')?.serviceByHostname.get(params.hostname ?? '')?.hostname;
    const route = (method: string, path: string, handle: Route<Token>['handle'], service?: Route<Token>['service']): void => {
      this.router.add(method, `${ZEROPS_API_PREFIX}${path}`, service ? { handle, service } : { handle });
    };

    route('GET', '/user/info', (_ctx, token) => ok(userWire(token, state)));
    route('POST', '/project/search', (ctx, token) => this.searchProjects(ctx, token));
    route('POST', '/service-stack/search', (ctx, token) => this.searchServices(ctx, token));
    route('POST', '/app-version/search', (ctx, token) => this.searchVersions(ctx, token));
    route('POST', '/process/search', (ctx, token) => this.searchProcesses(ctx, token));
    route('POST', '/service-stack/zerops-yaml-validation', (ctx) => this.validateZeropsYaml(ctx));
    route('GET', '/project/:projectId', (ctx, token) => ok(projectWire(this.project(token, ctx.params.projectId), state)));
    route('GET', '/project/:projectId/service-stack', (ctx, token) => {
      const project = this.project(token, ctx.params.projectId);
      const needle = ctx.query.nameContains;
      const statuses = statusSet(ctx.query.statuses);
      const services = project.services.filter((s) => (!needle || s.hostname.includes(needle)) && (!statuses || statuses.has(s.status)));
      return ok(this.page(services, ctx.query, (s) => serviceWire(s, state)));
    });
    route('GET', '/project/:projectId/process', (ctx, token) => ok(this.processPage(this.project(token, ctx.params.projectId), ctx.query)));
    route(
      'GET',
      '/service-stack-by-name/:projectId/:hostname',
      (ctx, token) => {
        const project = this.project(token, ctx.params.projectId);
        const service = project.serviceByHostname.get(ctx.params.hostname ?? '');
        if (!service) throw notFound('serviceStack', ctx.params.hostname ?? '');
        return ok(serviceWire(service, state));
      },
      byName,
    );
    route('GET', '/service-stack/:serviceId', (ctx, token) => ok(serviceWire(this.service(token, ctx.params.serviceId), state)), byService);
    route(
      'GET',
      '/service-stack/:serviceId/app-version',
      (ctx, token) => {
        const service = this.service(token, ctx.params.serviceId);
        const statuses = statusSet(ctx.query.statuses);
        const versions = [...inListOrder(service.versions, state.options.listOrder)].filter((v) => !statuses || statuses.has(v.status));
        return ok(this.page(versions, ctx.query, (v) => versionWire(v, state)));
      },
      byService,
    );
    route('POST', '/service-stack/:serviceId/app-version', (ctx, token) => this.createVersion(ctx, token), byService);
    route('GET', '/service-stack/:serviceId/process', (ctx, token) => ok(this.processPage(this.service(token, ctx.params.serviceId), ctx.query)), byService);
    route('GET', '/app-version/:versionId', (ctx, token) => ok(versionWire(this.version(token, ctx.params.versionId), state)), byVersion);
    route('DELETE', '/app-version/:versionId', (ctx, token) => this.deleteVersion(ctx, token), byVersion);
    route('PUT', '/app-version/:versionId', (ctx, token) => this.renameVersion(ctx, token), byVersion);
    route('PUT', '/app-version/:versionId/build-and-deploy', (ctx, token) => this.buildAndDeploy(ctx, token), byVersion);
    route('PUT', '/app-version/:versionId/deploy', (ctx, token) => this.deploy(ctx, token), byVersion);
    route('PUT', '/app-version/:versionId/cancel-build', (ctx, token) => this.cancelBuild(ctx, token), byVersion);
    route('GET', '/process/:processId', (ctx, token) => ok(processWire(this.process(token, ctx.params.processId), state)), byProcess);
    route('PUT', '/process/:processId/cancel', (ctx, token) => this.cancelProcess(ctx, token), byProcess);
  }

  match(method: string, path: string) {
    return this.router.match(method, path);
  }

  isMutating(method: string, path: string): boolean {
    return method !== 'GET' && method !== 'HEAD' && !path.endsWith('/search') && !path.endsWith('/zerops-yaml-validation');
  }

  authenticate(ctx: RequestContext): Token {
    const value = credentialOf(ctx.authorization, ['bearer']);
    const token = value === undefined ? undefined : this.state.tokens.get(value);
    if (!token) throw unauthorized();
    return token;
  }

  notFound(ctx: RequestContext): Reply {
    return zeropsError(404, 'notFound', `no such endpoint: ${ctx.method} ${ctx.path}`).reply;
  }

  // --- access: 400 for a malformed id, 404 when missing, 403 when outside the token's projects ---

  private project(token: Token, id = ''): Project {
    assertIdShape(id, 'id');
    const project = this.state.projects.get(id);
    if (!project) throw notFound('project', id);
    if (!this.state.canAccess(token, project.id)) throw forbidden('project', id);
    return project;
  }

  private service(token: Token, id = ''): Service {
    assertIdShape(id, 'id');
    const service = this.state.services.get(id);
    if (!service) throw notFound('serviceStack', id);
    if (!this.state.canAccess(token, service.project.id)) throw forbidden('service stack', id);
    return service;
  }

  private version(token: Token, id = ''): Version {
    assertIdShape(id, 'id');
    const version = this.state.versions.get(id);
    if (!version) throw notFound('appVersion', id);
    if (!this.state.canAccess(token, version.service.project.id)) throw forbidden('app version', id);
    return version;
  }

  private process(token: Token, id = ''): Process {
    assertIdShape(id, 'id');
    const process = this.state.processes.get(id);
    if (!process) throw notFound('process', id);
    if (!this.state.canAccess(token, process.service.project.id)) throw forbidden('process', id);
    return process;
  }

  // --- lists ---

  /** {list, totalCount}; `limit` is clamped to maxLimit silently. */
  private page<T>(items: Iterable<T>, query: Record<string, string>, toWire: (item: T) => unknown): { list: unknown[]; totalCount: number } {
    const requested = intParam(query, 'limit', this.state.options.maxLimit);
    const limit = requested > 0 ? Math.min(requested, this.state.options.maxLimit) : this.state.options.maxLimit;
    const offset = Math.max(0, intParam(query, 'offset', 0));
    const list: unknown[] = [];
    let totalCount = 0;
    for (const item of items) {
      if (totalCount >= offset && list.length < limit) list.push(toWire(item));
      totalCount++;
    }
    return { list, totalCount };
  }

  /** In the scenario's list order; an in-flight-only status filter reads the small in-flight index, not the history. */
  private processPage(owner: { processes: Process[]; inFlight: Set<Process> }, query: Record<string, string>) {
    const statuses = statusSet(query.statuses);
    const needle = query.actionNameContains;
    const onlyInFlight = statuses !== null && [...statuses].every((s) => IN_FLIGHT_STATUSES.has(s));
    const source = inListOrder(onlyInFlight ? [...owner.inFlight] : owner.processes, this.state.options.listOrder);
    const matching = function* (): Generator<Process> {
      for (const process of source) {
        if (statuses && !statuses.has(process.status)) continue;
        if (needle && !process.actionName.includes(needle)) continue;
        yield process;
      }
    };
    return this.page(matching(), query, (p) => processWire(p, this.state));
  }

  // --- versions and deploys ---

  private body(ctx: RequestContext): Record<string, unknown> {
    if (ctx.body === undefined) return {};
    if (!isRecord(ctx.body)) throw badRequest('invalidUserInput', 'the request body must be a JSON object');
    return ctx.body;
  }

  private optionalString(body: Record<string, unknown>, field: string): string | null {
    const value = body[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw badRequest('invalidUserInput', `${field} must be a string or null`, { parameter: field });
    return value;
  }

  private assertRuntime(service: Service): void {
    if (service.isSystem) throw badRequest('serviceStackIsSystemNotSupported', `service ${service.hostname} is a system service`);
    if (service.category !== 'USER') {
      throw badRequest('userServiceStackRequired', `service ${service.hostname} is not a runtime service (category ${service.category})`);
    }
  }

  private createVersion(ctx: RequestContext, token: Token): Reply {
    const service = this.service(token, ctx.params.serviceId);
    const name = this.optionalString(this.body(ctx), 'name');
    this.assertRuntime(service);
    const version = this.state.newVersion(service, name);
    const uploadUrl = `${this.uploadBase()}/storage/upload/${version.id}?sig=${version.uploadSignature}`;
    return ok(createdVersionWire(version, this.state, uploadUrl));
  }

  /** SDK PutAppVersion answers output.Success. */
  private renameVersion(ctx: RequestContext, token: Token): Reply {
    const version = this.version(token, ctx.params.versionId);
    version.name = this.optionalString(this.body(ctx), 'name');
    version.lastUpdate = new Date().toISOString();
    return ok({ success: true });
  }

  /** DELETE /app-version/{id} → output.Success. Never the active or a deploying version; UPLOADING per the scenario. */
  private deleteVersion(ctx: RequestContext, token: Token): Reply {
    const version = this.version(token, ctx.params.versionId);
    if (version === version.service.activeVersion || version.status === 'ACTIVE') {
      throw badRequest('appVersionInvalidStatus', `app version ${version.id} is ACTIVE and cannot be deleted`);
    }
    if (version.process && IN_FLIGHT_STATUSES.has(version.process.status)) {
      throw badRequest('appVersionIsBeingDeployed', `app version ${version.id} is being deployed`);
    }
    if (version.status === 'UPLOADING' && this.state.options.deleteUploading === 'refused') {
      throw badRequest('appVersionInvalidStatus', `app version ${version.id} is UPLOADING and cannot be deleted`);
    }
    this.state.deleteVersion(version);
    return ok({ success: true });
  }

  private assertDeployable(service: Service): void {
    this.assertRuntime(service);
    const refusal = deployRefusal(service.status);
    if (refusal) throw badRequest(refusal, `service ${service.hostname} is ${service.status}; it cannot take a deploy now`, { status: service.status });
  }

  /** The zerops.yaml of a deploy body: the SHA it stamps and the run env it sets (validated before any effect). */
  private deployConfig(ctx: RequestContext, service: Service, kind: 'build' | 'deploy'): { stamped: string | undefined; env: Record<string, string> } {
    const body = this.body(ctx);
    const yaml = this.optionalString(body, 'zeropsYaml');
    const setup = this.optionalString(body, 'zeropsYamlSetup');
    const noYaml = yaml === null || yaml.trim() === '';
    if (kind === 'build' && noYaml) throw badRequest('appVersionYamlConfigRequired', 'zeropsYaml is required for build-and-deploy', { parameter: 'zeropsYaml' });
    // A version never activated needs both (zcp, live-verified: omitting either is 400 zeropsYamlSetupNotFound).
    if (kind === 'deploy' && (noYaml || setup === null)) {
      throw badRequest('zeropsYamlSetupNotFound', 'zeropsYaml and zeropsYamlSetup are both required to deploy a version never activated', { setup });
    }
    const env = runEnv(yaml as string, setup ?? service.hostname, kind === 'build' ? 'BUILD_AND_DEPLOY' : 'DEPLOY');
    const stamped = env[STAMP_VARIABLE];
    return { stamped: stamped === undefined || stamped === '' ? undefined : stamped, env };
  }

  /** The run env a deploy bakes in shows in the version's userDataList. */
  private recordUserData(version: Version, env: Record<string, string> | undefined): void {
    if (env) version.userData = Object.entries(env).map(([key, content]) => ({ key, content, type: 'ENV' as const }));
  }

  private buildAndDeploy(ctx: RequestContext, token: Token): Reply {
    const version = this.version(token, ctx.params.versionId);
    const { service } = version;
    this.assertDeployable(service);
    if (version.deployRequested) {
      throw badRequest('deployProcessAlreadyCreated', `app version ${version.id} was already built or deployed (status ${version.status}); create a new version`);
    }
    if (!version.upload) throw badRequest('appVersionDataNotAvailable', `app version ${version.id} has no uploaded source; PUT the archive to its uploadUrl first`);
    const { stamped, env } = this.deployConfig(ctx, service, 'build');
    version.servedSha = stamped ?? shaFromName(version.name);
    this.recordUserData(version, env);
    return ok(processWire(this.engine.submit(service, 'build', version), this.state));
  }

  private deploy(ctx: RequestContext, token: Token): Reply {
    const version = this.version(token, ctx.params.versionId);
    const { service } = version;
    this.assertDeployable(service);
    if (version.status === 'BACKUP') {
      // Re-activation: the body is ignored by the platform (zcp, live-verified); only its shape is checked.
      const body = this.body(ctx);
      this.optionalString(body, 'zeropsYaml');
      this.optionalString(body, 'zeropsYamlSetup');
      if (version.process) throw badRequest('appVersionIsBeingDeployed', `app version ${version.id} is already being deployed`);
      return ok(processWire(this.engine.submit(service, 'activate', version), this.state));
    }
    if (version.status !== 'UPLOADING' || version.deployRequested) {
      const code = version.deployRequested && version.status !== 'ACTIVE' ? 'deployProcessAlreadyCreated' : 'appVersionInvalidStatus';
      throw badRequest(code, `app version ${version.id} is ${version.status}; only an uploaded version or a kept BACKUP version can be deployed`, { status: version.status });
    }
    if (!version.upload) throw badRequest('appVersionDataNotAvailable', `app version ${version.id} has no uploaded source; PUT the archive to its uploadUrl first`);
    const { stamped, env } = this.deployConfig(ctx, service, 'deploy');
    version.servedSha = stamped ?? shaFromName(version.name);
    this.recordUserData(version, env);
    return ok(processWire(this.engine.submit(service, 'deploy', version), this.state));
  }

  /** SDK PostServiceStackZeropsYamlValidation (body.ZeropsYamlValidation) → output.Success; checks what a deploy would. */
  private validateZeropsYaml(ctx: RequestContext): Reply {
    const body = this.body(ctx);
    const required = (field: string): string => {
      const value = body[field];
      if (typeof value !== 'string' || value === '') throw badRequest('invalidUserInput', `${field}: field is required`, { parameter: field });
      return value;
    };
    const name = required('serviceStackName');
    const typeId = required('serviceStackTypeId');
    required('serviceStackTypeVersionName');
    const yaml = required('zeropsYaml');
    const operation = required('operation');
    if (operation !== 'BUILD_AND_DEPLOY' && operation !== 'DEPLOY') throw badRequest('invalidUserInput', 'operation: BUILD_AND_DEPLOY or DEPLOY', { parameter: 'operation' });
    const setup = this.optionalString(body, 'zeropsYamlSetup') ?? name;
    if (![...this.state.services.values()].some((s) => s.typeId === typeId)) throw badRequest('serviceStackTypeNotFound', `service stack type ${typeId} not found`, { parameter: 'serviceStackTypeId' });
    chosenSetup(yaml, setup, operation);
    return ok({ success: true });
  }

  /** SDK PutAppVersionCancelBuild answers output.Success. */
  private cancelBuild(ctx: RequestContext, token: Token): Reply {
    const version = this.version(token, ctx.params.versionId);
    const process = version.process;
    if (!process || process.kind !== 'build') throw badRequest('nothingToCancel', `app version ${version.id} has no build in progress`);
    if (this.engine.cancel(process) !== 'canceled') {
      throw badRequest('processCanNoLongerBeCanceled', `the build of app version ${version.id} has finished; the deploy can no longer be cancelled`);
    }
    return ok({ success: true });
  }

  private cancelProcess(ctx: RequestContext, token: Token): Reply {
    const process = this.process(token, ctx.params.processId);
    const outcome = this.engine.cancel(process);
    if (outcome === 'already-finished') throw badRequest('processAlreadyFinished', `process ${process.id} is already ${process.status}`);
    if (outcome === 'not-cancelable') throw badRequest('processCanNoLongerBeCanceled', `process ${process.id} is deploying; it can no longer be cancelled`);
    return ok(processWire(process, this.state));
  }

  // --- search: results limited to the token's projects; eq filters narrow through indexes ---

  private searchAnswer<T>(query: SearchQuery, candidates: Iterable<T>, fields: FieldMap<T>, ordinal: (item: T) => number, toWire: (item: T) => unknown): Reply {
    const { items, totalHits } = runSearch(candidates, query, fields, ordinal);
    return ok({ items: items.map(toWire), totalHits, limit: query.limit, offset: query.offset });
  }

  /** Projects to search: the one an `eq projectId` filter names, else all the token reaches. */
  private scopeProjects(query: SearchQuery, token: Token): Project[] {
    const projectId = eqFilterValue(query, 'projectId');
    if (projectId === undefined) return this.state.accessibleProjects(token);
    const project = this.state.projects.get(projectId);
    return project && this.state.canAccess(token, project.id) ? [project] : [];
  }

  /** The services to search: the one an `eq serviceStackId` filter names, else every service in scope. */
  private scopeServices(query: SearchQuery, token: Token): Service[] {
    const serviceId = eqFilterValue(query, 'serviceStackId');
    if (serviceId === undefined) return this.scopeProjects(query, token).flatMap((p) => p.services);
    const service = this.state.services.get(serviceId);
    return service && this.state.canAccess(token, service.project.id) ? [service] : [];
  }

  private searchProjects(ctx: RequestContext, token: Token): Reply {
    const fields = this.fields.project;
    const query = parseSearch(ctx.body, fields, this.state.options.maxLimit);
    // Every first-party caller filters by organisation; whether the API requires it is unknown (an option).
    if (this.state.options.unfilteredProjectSearch === 'reject' && eqFilterValue(query, 'clientId') === undefined) {
      throw badRequest('invalidUserInput', 'a project search needs a clientId eq filter', { parameter: 'search' });
    }
    return this.searchAnswer(query, this.state.accessibleProjects(token), fields, () => 0, (p) => projectWire(p, this.state));
  }

  private searchServices(ctx: RequestContext, token: Token): Reply {
    const fields = this.fields.service;
    const query = parseSearch(ctx.body, fields, this.state.options.maxLimit);
    return this.searchAnswer(query, this.scopeProjects(query, token).flatMap((p) => p.services), fields, () => 0, (s) => serviceWire(s, this.state));
  }

  private searchVersions(ctx: RequestContext, token: Token): Reply {
    const fields = this.fields.version;
    const query = parseSearch(ctx.body, fields, this.state.options.maxLimit);
    // The search index lags writes (zcp: seconds): the newest versions may not be in it yet.
    const indexedBefore = Date.now() - this.state.options.versionSearchLagMs;
    const candidates = this.scopeServices(query, token)
      .flatMap((s) => s.versions)
      .filter((v) => this.state.options.versionSearchLagMs === 0 || Date.parse(v.created) <= indexedBefore);
    return this.searchAnswer(query, candidates, fields, (v) => v.ordinal, (v) => searchedVersionWire(v, this.state));
  }

  private searchProcesses(ctx: RequestContext, token: Token): Reply {
    const fields = this.fields.process;
    const query = parseSearch(ctx.body, fields, this.state.options.maxLimit);
    const serviceId = eqFilterValue(query, 'serviceStackId');
    const candidates =
      serviceId === undefined ? this.scopeProjects(query, token).flatMap((p) => p.processes) : this.scopeServices(query, token).flatMap((s) => s.processes);
    return this.searchAnswer(query, candidates, fields, (p) => p.ordinal, (p) => processWire(p, this.state));
  }
}
