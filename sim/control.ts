// The control server: lets another process (the action under test as a child process,
// a demo script) read the log and state and change the world. Not logged itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, Router, intParam, jsonReply, listen, readBody, sendReply, textReply, type Listener, type Reply } from './http.js';
import type { RequestLog } from './log.js';
import type { FaultSpec } from './faults.js';
import type { CheckPatch } from './forge/checks.js';
import type { CommitSpec } from './scenario.js';
import type { ForgeName, Simulator } from './simulator.js';

type ControlHandler = (params: Record<string, string>, body: unknown, query: Record<string, string>) => Reply;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function forgeOf(name: string | undefined): ForgeName {
  if (name === 'github' || name === 'gitea') return name;
  throw new HttpError(jsonReply(404, { error: `unknown forge ${String(name)} (github or gitea)` }));
}

function objectBody(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw new HttpError(jsonReply(400, { error: 'the body must be a JSON object' }));
  return body;
}

const noContent: Reply = { status: 204 };

export async function startControlServer(simulator: Simulator, log: RequestLog): Promise<Listener> {
  const router = new Router<ControlHandler>()
    .add('GET', '/log', (_params, _body, query) => jsonReply(200, log.since(intParam(query, 'since', 0))))
    .add('GET', '/state', () => jsonReply(200, simulator.state()))
    .add('GET', '/services/:hostname', (params, _body, query) => jsonReply(200, simulator.service(params.hostname ?? '', query.project || undefined)))
    .add('GET', '/faults', () => jsonReply(200, simulator.state().faults))
    .add('POST', '/faults', (_params, body) => {
      simulator.addFault(objectBody(body) as unknown as FaultSpec);
      return jsonReply(201, { ok: true });
    })
    .add('DELETE', '/faults', () => {
      simulator.clearFaults();
      return noContent;
    })
    .add('PUT', '/variables/:forge/:name', (params, body) => {
      const value = objectBody(body).value;
      if (value !== null && typeof value !== 'string') throw new HttpError(jsonReply(400, { error: 'value must be a string or null' }));
      simulator.setVariable(forgeOf(params.forge), params.name ?? '', value);
      return noContent;
    })
    .add('POST', '/checks/:forge/:ref', (params, body) => {
      const { name, ...patch } = objectBody(body);
      if (typeof name !== 'string') throw new HttpError(jsonReply(400, { error: 'name is required' }));
      simulator.setCheck(forgeOf(params.forge), params.ref ?? '', name, patch as CheckPatch);
      return noContent;
    })
    .add('POST', '/commits/:forge', (params, body) => {
      const { branch, ...commit } = objectBody(body);
      simulator.addCommit(forgeOf(params.forge), commit as unknown as CommitSpec, typeof branch === 'string' ? branch : undefined);
      return jsonReply(201, { ok: true });
    })
    .add('PUT', '/branches/:forge/*branch', (params, body) => {
      const sha = objectBody(body).sha;
      if (sha !== null && typeof sha !== 'string') throw new HttpError(jsonReply(400, { error: 'sha must be a string or null' }));
      simulator.setBranch(forgeOf(params.forge), params.branch ?? '', sha);
      return noContent;
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://control.invalid');
    const match = router.match((req.method ?? 'GET').toUpperCase(), url.pathname);
    if (!match) return sendReply(res, jsonReply(404, { error: `no control endpoint ${req.method} ${url.pathname}` }));
    const raw = await readBody(req, 1024 * 1024);
    let body: unknown;
    try {
      body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined;
    } catch {
      return sendReply(res, jsonReply(400, { error: 'the body is not valid JSON' }));
    }
    sendReply(res, match.value(match.params, body, Object.fromEntries(url.searchParams)));
  };

  return listen((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendReply(res, error.reply);
      sendReply(res, textReply(400, error instanceof Error ? error.message : String(error)));
    });
  });
}
