// The JSON report (`report` output): the run's facts for other steps to consume.
// Versioned: fields are only ever added within `zerops-rollout/report@1`.
import type { RunResult } from '../rollout/records.js';
import { VERSION } from '../version.js';
import type { RunFacts } from './facts.js';

export const REPORT_SCHEMA = 'zerops-rollout/report@1';

export function zeropsServiceUrl(serviceId: string): string {
  return `https://app.zerops.io/service-stack/${encodeURIComponent(serviceId)}/dashboard`;
}

export function buildReport(facts: RunFacts, result: RunResult, exitCode: number): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const s = facts.settings;
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'zerops-rollout', version: VERSION },
    result,
    exitCode,
    reason: facts.stop?.message ?? null,
    reasonCode: facts.stop?.kind === 'failed' ? facts.stop.code : null,
    dryRun: s?.dryRun ?? false,
    startedAt: iso(facts.startedAt),
    finishedAt: iso(facts.finishedAt),
    durationMs: facts.finishedAt === null ? null : facts.finishedAt - facts.startedAt,
    forge: facts.forge,
    project: facts.project,
    preflight: facts.preflight && { mode: facts.preflight.mode, refused: facts.preflight.refused, findings: facts.preflight.findings },
    target: facts.target && {
      input: facts.target.input,
      sha: facts.target.sha,
      allowedBy: facts.refPolicy?.allowedBy ?? null,
      how: facts.refPolicy?.how ?? null,
      refsChecked: facts.refPolicy?.checked ?? [],
    },
    settings: s && {
      strategy: s.strategy,
      batchSize: s.batchSize,
      soakMs: s.soakMs,
      rollback: s.rollback,
      maxStragglers: s.maxStragglers,
      verifyUrl: s.verifyUrl,
      allowDowngrade: s.allowDowngrade,
    },
    gates: {
      killSwitch: facts.killSwitch,
      checks: facts.checks && {
        verdict: facts.checks.verdict,
        polls: facts.checks.polls,
        waitedMs: facts.checks.waitedMs,
        required: facts.checks.required,
      },
    },
    stageProof: facts.stageProof && { ...facts.stageProof, checkedAt: iso(facts.stageProof.checkedAt) },
    plan: facts.plan && {
      stages: facts.plan.stages.map((st) => ({ name: st.name, kind: st.kind, services: st.services.map((p) => ({ hostname: p.hostname, strategy: p.strategy })) })),
    },
    services: facts.records.map((r) => ({
      hostname: r.hostname,
      serviceId: r.serviceId,
      stage: r.stage,
      strategy: r.strategy,
      before: r.before,
      after: r.after,
      outcome: r.outcome,
      reason: r.reason,
      startedAt: iso(r.startedAt),
      finishedAt: iso(r.finishedAt),
      durationMs: r.startedAt !== null && r.finishedAt !== null ? r.finishedAt - r.startedAt : null,
      deployedVersionId: r.deployedVersionId,
      processId: r.processId,
      changed: r.changed,
      verification: r.verification,
      rollback: r.rollback,
      zeropsUrl: zeropsServiceUrl(r.serviceId),
    })),
    timeline: facts.timeline.map((t) => ({ ...t, startedAt: iso(t.startedAt), endedAt: iso(t.endedAt), durationMs: t.endedAt - t.startedAt })),
    warnings: facts.warnings,
    handoff: facts.handoff,
    api: facts.api,
    runtime: { node: process.version, maxRssBytes: process.resourceUsage().maxRSS * 1024 },
  };
}
