// Everything a run learned, gathered as it goes. The summary, the JSON report, the
// outputs and the final log line are all rendered from this one object.
import type { ChecksResult } from '../gates/checks.js';
import type { StageProof } from '../gates/stage-evidence.js';
import type { PreflightResult } from '../gates/preflight.js';
import type { RefPolicyResult, ResolvedTarget } from '../gates/target.js';
import type { HttpStats } from '../http/client.js';
import type { TimelineEntry } from '../rollout/engine.js';
import type { Plan } from '../rollout/plan.js';
import type { RunResult, ServiceRecord, Stop } from '../rollout/records.js';
import type { Settings } from '../settings/settings.js';
import type { Handoff } from './handoff.js';

export interface RunFacts {
  startedAt: number;
  finishedAt: number | null;
  settings: Settings | null;
  forge: { kind: 'github' | 'gitea'; repository: string; serverUrl: string; runUrl: string | null } | null;
  project: { id: string; name: string | null } | null;
  target: ResolvedTarget | null;
  refPolicy: RefPolicyResult | null;
  checks: ChecksResult | null;
  /** Stage evidence, checked after the checks gate and again before the canary. */
  stageProof: StageProof | null;
  /** Production readiness, from the first plan's service list; null when not reached. */
  preflight: PreflightResult | null;
  killSwitch: { variable: string; live: boolean; jobStartEngaged: boolean; reads: number } | null;
  plan: Plan | null;
  records: ServiceRecord[];
  timeline: TimelineEntry[];
  stop: Stop | null;
  rollbackComplete: boolean | null;
  /** Every warning shown during the run, for the summary and the report. */
  warnings: string[];
  api: Record<string, HttpStats> | null;
  deploymentId: number | null;
  result: RunResult | null;
  /** The release handoff, when a target was resolved. */
  handoff: Handoff | null;
}

export function newFacts(startedAt: number): RunFacts {
  return {
    startedAt,
    finishedAt: null,
    settings: null,
    forge: null,
    project: null,
    target: null,
    refPolicy: null,
    checks: null,
    stageProof: null,
    preflight: null,
    killSwitch: null,
    plan: null,
    records: [],
    timeline: [],
    stop: null,
    rollbackComplete: null,
    warnings: [],
    api: null,
    deploymentId: null,
    result: null,
    handoff: null,
  };
}
