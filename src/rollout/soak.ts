// The soak: after the canary is verified, watch it for `soak` before touching the
// fleet — re-verifying it (active version, build-info SHA, reachability) and re-reading
// the kill switch every poll-interval. One failed check fails the canary stage.
import { formatDuration } from '../util/duration.js';
import type { RolloutContext } from './context.js';
import type { ServiceRecord } from './records.js';
import { verifyOnce } from './verify.js';

export async function soakCanary(ctx: RolloutContext, canary: readonly ServiceRecord[]): Promise<{ ok: true } | { ok: false; detail: string }> {
  const end = ctx.clock.now() + ctx.timing.soakMs;
  ctx.log.info(`Soaking ${canary.map((r) => r.hostname).join(', ')} for ${formatDuration(ctx.timing.soakMs)}, re-checking every ${formatDuration(ctx.timing.pollIntervalMs)}.`);
  let checks = 0;
  for (;;) {
    const now = ctx.clock.now();
    if (now >= end) break;
    await ctx.clock.sleep(Math.min(ctx.timing.pollIntervalMs, end - now), ctx.signal);
    await ctx.stop.guard('starting the batches (soak re-check)');
    checks++;
    ctx.log.progress?.(`soak: ${checks} check${checks === 1 ? '' : 's'} passed, ${formatDuration(Math.max(0, end - ctx.clock.now()))} left`);
    const results = await Promise.all(
      canary.map(async (rec) => ({ rec, v: await verifyOnce(ctx, rec, { versionId: rec.after.versionId, sha: ctx.target }) })),
    );
    const bad = results.find((r) => !r.v.ok);
    if (bad) {
      const detail = `${bad.rec.hostname} failed a soak check after ${formatDuration(ctx.clock.now() - (end - ctx.timing.soakMs))}: ${bad.v.detail}`;
      bad.rec.outcome = 'failed';
      bad.rec.reason = detail;
      bad.rec.verification = { kind: bad.v.kind, detail: bad.v.detail };
      return { ok: false, detail };
    }
  }
  ctx.log.info(`Canary healthy through the soak (${checks} check${checks === 1 ? '' : 's'}).`);
  return { ok: true };
}
