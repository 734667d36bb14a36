// Views of the simulator's request log for the gate tests: which forge reads were
// made, which of them were check/status polls, kill-switch reads, Zerops traffic.
import type { RequestLogEntry, Simulator } from '../../sim/index.js';

export type ForgeName = 'github' | 'gitea';

/** Every request the forge server saw. */
export function forgeRequests(sim: Simulator, forge: ForgeName): RequestLogEntry[] {
  return sim.log.filter((e) => e.server === forge);
}

/** Every request to the Zerops API (reads included) and the upload storage. */
export function zeropsRequests(sim: Simulator): RequestLogEntry[] {
  return sim.log.filter((e) => e.server === 'zerops' || e.server === 'upload');
}

/** Reads of a commit's check-run list (GitHub) or status list (both), every page. */
export function checkListReads(sim: Simulator, forge: ForgeName, list: 'check-runs' | 'statuses', sha?: string): RequestLogEntry[] {
  const re = new RegExp(`/commits/${sha ?? '[^/]+'}/${list}$`);
  return forgeRequests(sim, forge).filter((e) => e.method === 'GET' && re.test(e.path));
}

export const isFirstPage = (e: RequestLogEntry): boolean => e.query.page === undefined || e.query.page === '1';

/** One poll = one page-1 read of the list (what the simulator's timelines count). */
export function polls(sim: Simulator, forge: ForgeName, list: 'check-runs' | 'statuses' = forge === 'github' ? 'check-runs' : 'statuses'): RequestLogEntry[] {
  return checkListReads(sim, forge, list).filter(isFirstPage);
}

/** The pages read by each poll, in order: [[1,2,3], [1,2,3], …]. */
export function pagesPerPoll(sim: Simulator, forge: ForgeName, list: 'check-runs' | 'statuses'): number[][] {
  const out: number[][] = [];
  for (const e of checkListReads(sim, forge, list)) {
    const page = Number(e.query.page ?? '1');
    if (page === 1 || out.length === 0) out.push([]);
    (out[out.length - 1] as number[]).push(page);
  }
  return out;
}

/** Live reads of the kill-switch variable. */
export function variableReads(sim: Simulator, forge: ForgeName, name = 'ZEROPS_DEPLOY_DISABLED'): RequestLogEntry[] {
  return forgeRequests(sim, forge).filter((e) => e.method === 'GET' && e.path.endsWith(`/actions/variables/${name}`));
}

/** Zerops mutating calls per service hostname. */
export function mutationsByService(sim: Simulator): Record<string, RequestLogEntry[]> {
  const out: Record<string, RequestLogEntry[]> = {};
  for (const e of sim.mutations()) (out[e.service ?? '?'] ??= []).push(e);
  return out;
}
