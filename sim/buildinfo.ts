// The apps' own build-info endpoints: what each service really serves, which may lag
// behind (or never follow) what the platform reports as ACTIVE. `/{hostname}/build-info`
// finds the first project with that hostname; `/{project}/{hostname}/build-info` one project's.
import { Router, jsonReply, type Reply } from './http.js';
import type { Route, SimServer } from './pipeline.js';
import type { Activation, Service, ZeropsState } from './zerops/model.js';

/**
 * The activation the app serves at elapsedMs: the newest one at least staleMs old, or
 * the one served at start when staleForever. null when nothing was ever deployed.
 */
export function servedActivation(service: Service, elapsedMs: number): Activation | null {
  const { activations, buildInfo } = service;
  if (buildInfo.staleForever) return activations[0]?.atMs === Number.NEGATIVE_INFINITY ? activations[0] : null;
  const cutoff = elapsedMs - buildInfo.staleMs;
  for (let i = activations.length - 1; i >= 0; i--) {
    const activation = activations[i] as Activation;
    if (activation.atMs <= cutoff) {
      // Older entries can never be served again: the window only moves forward.
      if (i > 0) activations.splice(0, i);
      return activation;
    }
  }
  return null;
}

/** What GET build-info would answer now: the SHA, or null when unreachable / nothing served. */
export function buildInfoSha(service: Service, elapsedMs: number): string | null {
  if (service.buildInfo.unreachable) return null;
  return servedActivation(service, elapsedMs)?.sha ?? null;
}

function setField(target: Record<string, unknown>, dottedPath: string, value: unknown): void {
  const keys = dottedPath.split('.');
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    const next = node[key];
    node = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : (node[key] = {});
  });
  node[keys[keys.length - 1] as string] = value;
}

export class BuildInfoServer implements SimServer<void> {
  readonly name = 'buildinfo' as const;
  private readonly router = new Router<Route<void>>();

  constructor(
    private readonly state: ZeropsState,
    private readonly elapsedMs: () => number,
  ) {
    // The first project listing the hostname (the old form, kept for single-project worlds).
    this.router.add('GET', '/:hostname/build-info', {
      handle: (ctx) => this.buildInfo(state.servicesByHostname.get(ctx.params.hostname ?? ''), ctx.params.hostname ?? ''),
      service: (params) => state.servicesByHostname.get(params.hostname ?? '')?.hostname,
    });
    // One project's service (project id or name): hostnames are unique per project only, and stage reuses them.
    this.router.add('GET', '/:project/:hostname/build-info', {
      handle: (ctx) => this.buildInfo(this.serviceIn(ctx.params.project, ctx.params.hostname), `${ctx.params.project ?? ''}/${ctx.params.hostname ?? ''}`),
      service: (params) => this.serviceIn(params.project, params.hostname)?.hostname,
    });
  }

  private serviceIn(projectKey: string | undefined, hostname: string | undefined): Service | undefined {
    const project = this.state.projects.get(projectKey ?? '') ?? [...this.state.projects.values()].find((p) => p.name === projectKey);
    return project?.serviceByHostname.get(hostname ?? '');
  }

  match(method: string, path: string) {
    return this.router.match(method, path);
  }

  isMutating(): boolean {
    return false;
  }

  authenticate(): void {}

  notFound(): Reply {
    return jsonReply(404, { error: 'not found' });
  }

  private buildInfo(service: Service | undefined, name: string): Reply {
    if (!service) return jsonReply(404, { error: `no app named ${name}` });
    if (service.buildInfo.unreachable) return jsonReply(503, { error: 'service unavailable' });
    const served = servedActivation(service, this.elapsedMs());
    if (!served) return jsonReply(503, { error: 'no running version' });
    const body: Record<string, unknown> = {};
    setField(body, service.buildInfo.field, served.sha);
    body.service = service.hostname;
    body.version_id = served.versionId;
    return jsonReply(200, body);
  }
}
