// The apps' own build-info endpoints: what each service really serves, which may lag
// behind (or never follow) what the platform reports as ACTIVE.
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
    this.router.add('GET', '/:hostname/build-info', {
      handle: (ctx) => this.buildInfo(ctx.params.hostname ?? ''),
      service: (params) => state.servicesByHostname.get(params.hostname ?? '')?.hostname,
    });
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

  private buildInfo(hostname: string): Reply {
    const service = this.state.servicesByHostname.get(hostname);
    if (!service) return jsonReply(404, { error: `no app named ${hostname}` });
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
