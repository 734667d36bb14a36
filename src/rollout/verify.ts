// Proof that a service serves what we expect: Zerops reports the expected version
// ACTIVE, and (with verify-url) the app's own build-info answers the expected SHA.
// Stale and unreachable answers are retried until the settle budget runs out.
import { HttpError } from '../http/errors.js';
import type { RolloutContext } from './context.js';

export interface Expectation {
  /** The version that must be ACTIVE; null = judge by SHA only. */
  versionId: string | null;
  /** The SHA the app must report; null = skip build-info (unknown commit). */
  sha: string | null;
}

export interface VerifyOutcome {
  ok: boolean;
  kind: 'ok' | 'not-active' | 'stale' | 'unreachable' | 'malformed' | 'error';
  detail: string;
  observed: string | null;
  attempts: number;
}

export async function verifyService(
  ctx: RolloutContext,
  svc: { hostname: string; serviceId: string },
  expect: Expectation,
  budgetMs: number,
): Promise<VerifyOutcome> {
  const deadline = ctx.clock.now() + budgetMs;
  let attempts = 0;
  // Like process polling: quick retries first, backing off to poll-interval.
  const quick = Math.max(20, ctx.timing.pollIntervalMs / 4);
  let delay = quick;
  // Once Zerops shows the expected version active, only the app is behind: its own build-info is
  // re-probed at the quick pace (it decides when the stage may end), and the Zerops API is not asked again.
  let activeSeen = false;
  for (;;) {
    attempts++;
    const result = await verifyOnce(ctx, svc, expect, activeSeen);
    if (result.ok) return { ...result, attempts };
    activeSeen = result.kind !== 'not-active' && result.kind !== 'error';
    const now = ctx.clock.now();
    if (now >= deadline) return { ...result, attempts };
    await ctx.clock.sleep(Math.min(activeSeen ? quick : delay, deadline - now), ctx.signal);
    delay = Math.min(delay * 1.5, ctx.timing.pollIntervalMs);
  }
}

/** One check. `activeSeen`: Zerops already showed the expected version active during this verification; only the app is probed. */
export async function verifyOnce(
  ctx: RolloutContext,
  svc: { hostname: string; serviceId: string },
  expect: Expectation,
  activeSeen = false,
): Promise<Omit<VerifyOutcome, 'attempts'>> {
  let active;
  try {
    active = activeSeen ? null : (await ctx.zerops.getService(svc.serviceId, svc.hostname, ctx.signal)).activeVersion;
  } catch (err) {
    if (err instanceof HttpError && err.kind === 'aborted') throw err;
    return { ok: false, kind: 'error', detail: err instanceof Error ? err.message : String(err), observed: null };
  }
  const activeOk = activeSeen || (expect.versionId ? active?.id === expect.versionId : !!expect.sha && active?.sha === expect.sha);
  if (!activeOk) {
    return {
      ok: false,
      kind: 'not-active',
      detail: `Zerops reports ${active ? `version ${active.id}${active.sha ? ` (${active.sha.slice(0, 7)})` : ''}` : 'no version'} active, not ${expect.versionId ?? expect.sha?.slice(0, 7)}`,
      observed: active?.sha ?? null,
    };
  }
  if (!ctx.probe || !expect.sha) return { ok: true, kind: 'ok', detail: 'active on Zerops', observed: active?.sha ?? null };
  const probe = await ctx.probe.probe(svc.hostname, expect.sha, ctx.signal);
  if (probe.kind === 'ok') return { ok: true, kind: 'ok', detail: `active on Zerops; build-info ${probe.detail}`, observed: probe.observed };
  return { ok: false, kind: probe.kind, detail: `build-info ${probe.kind}: ${probe.detail}`, observed: probe.observed };
}
