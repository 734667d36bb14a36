// Reading the simulator's request log for the engine tests: which Zerops call an
// entry is, the calls of one service, and waiting (bounded) for a log entry to appear.
import type { RequestLogEntry, Simulator } from '../../sim/index.js';
import { ZEROPS_TOKEN } from './world.js';

export const API = '/api/rest/public';

export type CallKind = 'create-version' | 'upload' | 'build-and-deploy' | 'deploy' | 'cancel' | 'rename' | 'delete-version' | 'other';

/** What a mutating Zerops/upload entry does. */
export function kindOf(e: RequestLogEntry): CallKind {
  if (e.server === 'upload' && e.method === 'PUT') return 'upload';
  if (e.server !== 'zerops') return 'other';
  if (e.method === 'POST' && /\/service-stack\/[^/]+\/app-version$/.test(e.path)) return 'create-version';
  if (e.method === 'PUT' && e.path.endsWith('/build-and-deploy')) return 'build-and-deploy';
  if (e.method === 'PUT' && /\/app-version\/[^/]+\/deploy$/.test(e.path)) return 'deploy';
  if (e.method === 'PUT' && (e.path.endsWith('/cancel') || e.path.endsWith('/cancel-build'))) return 'cancel';
  if (e.method === 'PUT' && /\/app-version\/[^/]+$/.test(e.path)) return 'rename';
  if (e.method === 'DELETE' && /\/app-version\/[^/]+$/.test(e.path)) return 'delete-version';
  return 'other';
}

/** `kind service` for each mutation, in order: easy to read in a failed expectation. */
export function mutationList(sim: Simulator): string[] {
  return sim.mutations().map((e) => `${kindOf(e)} ${e.service ?? '?'}`);
}

export function mutationsOf(sim: Simulator, hostname: string): RequestLogEntry[] {
  return sim.mutations().filter((e) => e.service === hostname);
}

export function callsOf(sim: Simulator, hostname: string, kind: CallKind): RequestLogEntry[] {
  return sim.mutations().filter((e) => e.service === hostname && kindOf(e) === kind);
}

/** Build-info probes of a service (GET /{hostname}/build-info). */
export function probesOf(sim: Simulator, hostname: string): RequestLogEntry[] {
  return sim.log.filter((e) => e.server === 'buildinfo' && e.path === `/${hostname}/build-info`);
}

/** Reads of a service's process list (the deploy lock, and looking after a lost answer). */
export function processListReads(sim: Simulator, serviceId: string): RequestLogEntry[] {
  return sim.log.filter((e) => e.server === 'zerops' && e.method === 'GET' && e.path === `${API}/service-stack/${serviceId}/process`);
}

/** A read-only GET on the simulated Zerops API with the production token (for facts the log does not carry). */
export async function zeropsGet(sim: Simulator, path: string): Promise<any> {
  const res = await fetch(`${sim.urls.zerops}${API}${path}`, { headers: { authorization: `Bearer ${ZEROPS_TOKEN}` } });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return res.json();
}

/**
 * Calls `fn` once, as soon as an entry matching `match` is in the log (polled every
 * 5 ms). Returns a stop function; it also stops by itself after `timeoutMs`.
 */
export function whenLogged(sim: Simulator, match: (e: RequestLogEntry) => boolean, fn: (e: RequestLogEntry) => void, timeoutMs = 60_000): () => void {
  let seen = 0;
  const started = Date.now();
  const timer = setInterval(() => {
    const log = sim.log;
    for (; seen < log.length; seen++) {
      const e = log[seen] as RequestLogEntry;
      if (match(e)) {
        clearInterval(timer);
        fn(e);
        return;
      }
    }
    if (Date.now() - started > timeoutMs) clearInterval(timer);
  }, 5);
  return () => clearInterval(timer);
}

/** The report's record of one service. */
export function recordOf(report: Record<string, any> | null, hostname: string): Record<string, any> {
  const r = (report?.services as Array<Record<string, any>> | undefined)?.find((s) => s.hostname === hostname);
  if (!r) throw new Error(`no record of ${hostname} in the report`);
  return r;
}

/** The row of the summary's services table for one service (`| host | stage | before | after | strategy | outcome | … |`). */
export function summaryRow(summary: string, hostname: string): string {
  const row = summary.split('\n').find((l) => l.startsWith(`| ${hostname} |`));
  if (!row) throw new Error(`no summary row for ${hostname}`);
  return row;
}
