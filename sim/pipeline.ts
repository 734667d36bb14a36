// One request's path through any simulated server: route → log → body → fault →
// authenticate → handler → (fault transform) → finalize → send. Servers only describe
// routes and policies; logging and faults behave identically everywhere.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { FaultSet, renderRespondBody, reshape, truncateJson, type ActiveFault } from './faults.js';
import { HttpError, jsonReply, parseJsonBody, payloadOf, readBody, sendReply, textReply, type Reply, type RouteMatch } from './http.js';
import type { RequestLog, RequestLogEntry, ServerName } from './log.js';
import type { Scheduler } from './scheduler.js';
import { captureTraffic } from './traffic.js';

/** Request bodies above this are refused (413); uploads stream and have no limit. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Bodies at least this large are not copied into the log. */
const LOG_BODY_LIMIT = 64 * 1024;

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly params: Record<string, string>;
  readonly authorization: string | undefined;
  /** Parsed JSON body; undefined when absent, not JSON, or streamed. */
  readonly body: unknown;
  readonly entry: RequestLogEntry;
}

export interface Route<P> {
  handle(ctx: RequestContext, principal: P): Reply | Promise<Reply>;
  /** The handler consumes the request body itself (uploads): nothing is buffered. */
  streaming?: boolean;
  /** Hostname of the service the request concerns, resolved from the route parameters. */
  service?(params: Record<string, string>): string | undefined;
}

export interface SimServer<P> {
  readonly name: ServerName;
  match(method: string, path: string): RouteMatch<Route<P>> | null;
  isMutating(method: string, path: string): boolean;
  /** Checks credentials and quotas; throws HttpError to refuse. */
  authenticate(ctx: RequestContext): P;
  notFound(ctx: RequestContext): Reply;
  /** Last step before sending a handled answer: conditional requests, rate-limit headers. */
  finalize?(ctx: RequestContext, reply: Reply, principal: P): Reply;
}

export interface PipelineDeps {
  log: RequestLog;
  faults: FaultSet;
  scheduler: Scheduler;
}

/** Splits `Bearer x` / `token x` into the credential; undefined when absent. */
export function credentialOf(authorization: string | undefined, schemes: readonly string[]): string | undefined {
  if (!authorization) return undefined;
  const space = authorization.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = authorization.slice(0, space).toLowerCase();
  return schemes.includes(scheme) ? authorization.slice(space + 1).trim() : undefined;
}

function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) return error.reply;
  // A handler bug must be loud, not a silent 500 that looks like a fault.
  process.stderr.write(`[sim] handler error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return jsonReply(500, { error: { code: 'internalServerError', message: String(error), meta: null } });
}

function respondFaultReply(fault: ActiveFault, authorization: string | undefined): Reply {
  const respond = fault.spec.respond ?? { status: 500 };
  const text = renderRespondBody(respond.body, authorization);
  const headers: Record<string, string> = { ...respond.headers };
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = looksLikeJson(text) ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
  }
  return { status: respond.status, headers, text };
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Query parameters as a record; a repeated parameter's values are joined with commas. */
function queryRecord(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of new Set(params.keys())) query[key] = params.getAll(key).join(',');
  return query;
}

export function createPipeline<P>(server: SimServer<P>, deps: PipelineDeps): RequestListener {
  const { log, faults, scheduler } = deps;

  async function answer(ctx: RequestContext, route: Route<P> | null): Promise<{ reply: Reply; finalize: (reply: Reply) => Reply }> {
    let principal: P;
    try {
      principal = server.authenticate(ctx);
    } catch (error) {
      return { reply: errorReply(error), finalize: (reply) => reply };
    }
    let reply: Reply;
    try {
      reply = route ? await route.handle(ctx, principal) : server.notFound(ctx);
    } catch (error) {
      reply = errorReply(error);
    }
    const finalize = server.finalize;
    return { reply, finalize: finalize ? (r) => finalize.call(server, ctx, r, principal) : (r) => r };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const query = queryRecord(url.searchParams);
    const match = server.match(method, path);
    const route = match?.value ?? null;
    const params = match?.params ?? {};
    const service = route?.service?.(params);
    const entry = log.begin({ server: server.name, method, path, query, headers: req.headers, mutating: server.isMutating(method, path), service });

    // Conformance capture (off unless ZR_TRAFFIC_DIR is set): what was asked and answered.
    const capture = (status: number, reply?: Reply): void =>
      captureTraffic({ server: server.name, method, path, query, headers: req.headers, body: entry.body, fault: entry.fault }, status, status === 304 ? undefined : reply?.json);
    const send = (reply: Reply): void => {
      // The client may be gone (aborted upload, destroyed by close()): nothing was answered.
      if (req.socket.destroyed) {
        capture(0);
        return log.finish(entry, 0);
      }
      sendReply(res, reply);
      log.finish(entry, reply.status);
      capture(reply.status, reply);
    };
    const drop = (): void => {
      req.socket.destroy();
      log.finish(entry, 0);
      capture(0);
    };

    let body: unknown;
    if (!route?.streaming) {
      let raw: Buffer;
      try {
        raw = await readBody(req, MAX_BODY_BYTES);
      } catch (error) {
        if (error instanceof HttpError) send(error.reply);
        else log.finish(entry, 0); // client went away mid-body
        return;
      }
      body = parseJsonBody(raw, req.headers['content-type']);
      if (body !== undefined && raw.length < LOG_BODY_LIMIT) entry.body = body;
    }
    const ctx: RequestContext = { req, method, path, query, params, authorization: req.headers.authorization, body, entry };

    const fault = faults.take({ server: server.name, method, path, service });
    if (fault) entry.fault = fault.action;
    switch (fault?.action) {
      case 'reset':
        return drop();
      case 'hang':
        // Never answered; close() destroys the socket.
        capture(0);
        return log.finish(entry, 0);
      case 'respond':
        return send(respondFaultReply(fault, ctx.authorization));
      case 'delayMs':
        await scheduler.sleep(fault.spec.delayMs ?? 0);
        break;
      case 'malformed':
        // A garbled answer to a mutation must not hide a real effect: none happens.
        if (entry.mutating) return send({ status: 200, headers: { 'content-type': 'application/json' }, text: '{"id":"' });
        break;
      default:
        break;
    }

    const { reply, finalize } = await answer(ctx, route);
    switch (fault?.action) {
      case 'applyThenReset':
        return drop();
      case 'applyThenStatus': {
        const status = fault.spec.applyThenStatus ?? 502;
        return send(textReply(status, `<html><body><h1>${status}</h1><p>simulated proxy error</p></body></html>`, 'text/html; charset=utf-8'));
      }
      case 'malformed':
        return send({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, text: truncateJson(payloadOf(reply) ?? '{}') });
      case 'shape':
        return send(finalize(reply.json === undefined ? reply : { ...reply, json: reshape(reply.json, fault.spec.shape ?? 'extra') }));
      default:
        return send(finalize(reply));
    }
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendReply(res, errorReply(error));
    });
  };
}
