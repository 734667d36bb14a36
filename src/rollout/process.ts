// Waits for a Zerops process: polls that start quick and back off to poll-interval,
// so a finished process is noticed fast and a long build is not hammered.
import { HttpError } from '../http/errors.js';
import { retryable } from '../http/client.js';
import { formatDuration } from '../util/duration.js';
import { PROCESS_IN_FLIGHT, type Process } from '../zerops/types.js';
import type { RolloutContext } from './context.js';

export type ProcessEnd =
  | { status: 'FINISHED'; process: Process }
  | { status: 'FAILED' | 'CANCELED'; process: Process }
  /** A status outside the SDK's enum: a failure at once (zcli does the same), not a wait to the deadline. */
  | { status: 'UNKNOWN'; process: Process }
  | { status: 'TIMEOUT'; process: Process | null; detail: string };

/** Spellings seen outside the SDK's enum (zcp normalises them): read as their SDK value. */
const STATUS_ALIASES: Readonly<Record<string, string>> = { DONE: 'FINISHED', CANCELLED: 'CANCELED' };

/** The process's end, or null while it is in flight. */
export function endOf(process: Process): Exclude<ProcessEnd, { status: 'TIMEOUT' }> | null {
  const status = STATUS_ALIASES[process.status] ?? process.status;
  if ((PROCESS_IN_FLIGHT as readonly string[]).includes(status)) return null;
  if (status === 'FINISHED' || status === 'FAILED' || status === 'CANCELED') return { status, process };
  return { status: 'UNKNOWN', process };
}

export async function waitForProcess(ctx: RolloutContext, processId: string, hostname: string, deadline: number): Promise<ProcessEnd> {
  let delay = Math.max(20, ctx.timing.pollIntervalMs / 4);
  let last: Process | null = null;
  let warned = false;
  let readError: string | null = null;
  for (;;) {
    try {
      last = await ctx.zerops.getProcess(processId, hostname, ctx.signal);
      readError = null;
      const end = endOf(last);
      if (end) return end;
    } catch (err) {
      // A passing API outage must not fail a deploy that is fine; a refusal (4xx) must.
      if (!(err instanceof HttpError) || !retryable(err, true)) throw err;
      if (!warned) ctx.log.warning(`${hostname}: cannot read process ${processId} (${err.detail}); still waiting until the stage deadline.`);
      warned = true;
      readError = err.detail;
    }
    const now = ctx.clock.now();
    if (now >= deadline) {
      // Say why nothing is known when the process could not be read: "unread" alone reads like a platform failure.
      const state = readError ? `could not be read (${readError}; last seen ${last?.status ?? 'never'})` : `still ${last?.status ?? 'unread'}`;
      return { status: 'TIMEOUT', process: last, detail: `process ${processId} ${state} at the stage deadline (deploy-timeout)` };
    }
    await ctx.clock.sleep(Math.min(delay, deadline - now), ctx.signal);
    delay = Math.min(delay * 1.5, ctx.timing.pollIntervalMs);
  }
}

export function describeProcessEnd(end: ProcessEnd): string {
  if (end.status === 'TIMEOUT') return end.detail;
  const { process } = end;
  const took = process.created && process.finished ? ` after ${formatDuration(Date.parse(process.finished) - Date.parse(process.created))}` : '';
  const why = end.status !== 'FINISHED' && process.failReason ? `: ${oneLine(process.failReason)}` : '';
  if (end.status === 'UNKNOWN') return `process ${process.id} ended in an unknown status ${JSON.stringify(process.status)}${took} (treated as a failure)${why}`;
  return `process ${process.id} ${end.status}${took}${why}`;
}

/** A platform message kept to one bounded line in a reason. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
