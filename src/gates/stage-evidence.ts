// What stage showed about the target before production changed: one record per
// released service, plus the GitHub deployment when one was asked for. Rendered by the
// summary, the report and the release handoff.

export interface StageBuildInfoEvidence {
  url: string;
  /** The SHA stage's build-info answered, when it answered one. */
  observed: string | null;
  ok: boolean;
  detail: string;
}

export interface StageZeropsEvidence {
  stageServiceId: string | null;
  versionId: string | null;
  /** The commit stage's active version holds, when known. */
  sha: string | null;
  /** ISO 8601 activation time of that version. */
  activatedAt: string | null;
  ageMs: number | null;
  ok: boolean;
  detail: string;
}

export interface StageServiceEvidence {
  /** Production hostname. */
  service: string;
  /** The stage hostname it was checked as. */
  stageService: string;
  buildInfo: StageBuildInfoEvidence | null;
  zerops: StageZeropsEvidence | null;
  ok: boolean;
  /** What was missing, in words ("unreachable", "serves 1a2b3c4", "live 5m, needs 30m"). */
  missing: string[];
}

export interface StageDeploymentEvidence {
  environment: string;
  id: number | null;
  /** The newest status's state (`success`, `failure`, `inactive`…), null when none. */
  state: string | null;
  /** When its `success` status was created (ISO 8601). */
  successAt: string | null;
  /** How long the target was (or has been) live on stage per the deployment. */
  ageMs: number | null;
  url: string | null;
  ok: boolean;
  detail: string;
}

export interface StageProof {
  /** proven: every piece asked for holds; refused: something is missing; skipped: not asked for, or a rollback. */
  status: 'proven' | 'refused' | 'skipped';
  /** Why it was skipped, or a one-line verdict. */
  note: string;
  /** When it was checked (epoch ms); the last of the checks when re-checked. */
  checkedAt: number;
  /** How many times it was checked (after the checks gate, again right before the canary). */
  checks: number;
  minAgeMs: number | null;
  stageProject: { id: string; name: string | null } | null;
  deployment: StageDeploymentEvidence | null;
  services: StageServiceEvidence[];
}
