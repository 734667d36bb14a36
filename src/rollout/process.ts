// Waits for a Zerops process: polls that start quick and back off to poll-interval,
// so a finished process is noticed fast and a long build is not hammered.
import { HttpError } from '../http/errors.js';
import { retryable } from '../http/client.js';
import { formatDuration } from '../util/duration.js';
import { PROCESS_FAILED, type Process } from '../zerops/types.js';
import type { RolloutContext } from './context.js';

export type ProcessEnd =
  | { status: 'FINISHED'; process: Process }
  | { status: 'FAILED' | 'CANCELED'; process: Process }
  | { status: 'TIMEOUT'; process: Process | null; detail: string };

export async function waitForProcess(ctx: RolloutContext, processId: string, hostname: string, deadline: number): Promise<ProcessEnd> {
  let delay = Math.max(20, ctx.timing.pollIntervalMs / 4);
  let last: Process | null = null;
  let warned = false;
  let readError: string | null = null;
  for (;;) {
    try {
      last = await ctx.zerops.getProcess(processId, hostname, ctx.signal);
      readError = null;
      if (last.status === 'FINISHED') return { status: 'FINISHED', process: last };
      if ((PROCESS_FAILED as readonly string[]).includes(last.status)) return { status: last.status as 'FAILED' | 'CANCELED', process: last };
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
  const took = end.process.created && end.process.finished ? ` after ${formatDuration(Date.parse(end.process.finished) - Date.parse(end.process.created))}` : '';
  return `process ${end.process.id} ${end.status}${took}`;
}
