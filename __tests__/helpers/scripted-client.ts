// An HttpClient pointed at a scriptServer, both closed after each test: the fixture of the
// HTTP-client tests (unit/http-client, unit/secret-scan). Call at a describe's or file's top level.
import { afterEach } from '@jest/globals';
import { HttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/util/redact.js';
import { realClock } from '../../src/util/sleep.js';
import { scriptServer, type Handler, type ScriptServer } from './script-server.js';

export interface ScriptedClientOptions {
  /** Client timeout per request; default 2 s. */
  timeoutMs?: number;
  /** Sent as the bearer token and registered with the redactor; default a throwaway token, not redacted. */
  secret?: string;
  /** Longest server-requested wait the client accepts; default the client's own (60 s). */
  maxServerWaitMs?: number;
}

export type ScriptedClientSetup = (handlers: Handler[], opts?: ScriptedClientOptions) => Promise<{ server: ScriptServer; client: HttpClient }>;

export function scriptedClients(): ScriptedClientSetup {
  let server: ScriptServer | null = null;
  let client: HttpClient | null = null;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    server = null;
    client = null;
  });
  return async (handlers, opts = {}) => {
    server = await scriptServer(handlers);
    const redactor = new Redactor();
    if (opts.secret) redactor.add(opts.secret);
    client = new HttpClient({
      baseUrl: server.url,
      authorization: `Bearer ${opts.secret ?? 'tok-1234567890'}`,
      userAgent: 'zerops-rollout/test',
      timeoutMs: opts.timeoutMs ?? 2000,
      connections: 4,
      redactor,
      clock: realClock,
      retry: { minDelayMs: 10, maxDelayMs: 50, ...(opts.maxServerWaitMs === undefined ? {} : { maxServerWaitMs: opts.maxServerWaitMs }) },
    });
    return { server, client };
  };
}
