// run(): the release, start to end. Inputs → settings → kill switch → target and ref
// policy → scope and plan → checks → superseded → stages → outcome → report. Side
// effects come in through `deps`; outputs, summary and report are written even on failure.
import { stat } from 'node:fs/promises';
import { createAdapters, type Adapters } from './adapters.js';
import { readRunContext, type RunContext } from './forge/context.js';
import { waitForChecks } from './gates/checks.js';
import { KillSwitch, SwitchEngaged } from './gates/kill-switch.js';
import { preflight } from './gates/preflight.js';
import { enforcePreflight } from './gates/preflight-gate.js';
import { checkScope } from './gates/scope.js';
import { proveStage, refusalMessage, skippedProof, STAGE_PROOF_HINT } from './gates/stage-proof.js';
import { checkRefPolicy, resolveTarget } from './gates/target.js';
import { HttpError } from './http/errors.js';
import type { Deps, Logger } from './ports.js';
import { recordDeploymentEnd, recordDeploymentStart } from './report/deployment.js';
import { newFacts, type RunFacts } from './report/facts.js';
import { finishRun, type RunOutcome } from './report/finish.js';
import { collectHandoff } from './report/handoff.js';
import { planLines } from './report/plan-log.js';
import { artifactSource, gitArchiveSource, type ArchiveSource } from './rollout/archive.js';
import { Stopped, StopControl, type Payload, type RolloutContext } from './rollout/context.js';
import { runRollout } from './rollout/engine.js';
import { buildPlan, type Plan } from './rollout/plan.js';
import { newRecord, type ServiceRecord, type Stop } from './rollout/records.js';
import { checkSuperseded, type Superseded } from './rollout/superseded.js';
import { findZeropsYaml, loadZeropsYaml, zeropsYamlAtCommit, type ZeropsYaml } from './rollout/zerops-yaml.js';
import { INPUTS } from './settings/inputs.js';
import { formatProblems, readSettings, type Settings } from './settings/settings.js';
import { describeError, RolloutError } from './util/errors.js';
import { redactingLogger } from './util/logging.js';
import { capText, Redactor } from './util/redact.js';
import { ShapeError } from './util/shape.js';

export type { RunOutcome };

export async function run(deps: Deps): Promise<RunOutcome> {
  const facts = newFacts(deps.clock.now());
  const redactor = new Redactor();
  const log = redactingLogger(deps.log, redactor, (w) => facts.warnings.push(w));
  let adapters: Adapters | null = null;
  try {
    const settings = loadSettings(deps, redactor);
    facts.settings = settings;
    await release(deps, settings, log, redactor, facts, (a) => (adapters = a));
  } catch (err) {
    facts.stop = stopFromError(err, facts, deps.signal);
  } finally {
    const a = adapters as Adapters | null;
    if (a) {
      await recordDeploymentEnd(a.forge, facts, log);
      if (facts.target && facts.settings) facts.handoff = await collectHandoff({ forge: a.forge, settings: facts.settings, facts, log, signal: deps.signal });
      facts.api = a.stats();
      await a.close();
    }
  }
  return finishRun(deps, log, redactor, facts);
}

/** Reads and validates every input; masks every token before anything can print it. */
function loadSettings(deps: Deps, redactor: Redactor): Settings {
  for (const spec of INPUTS) {
    if (!spec.secret) continue;
    const value = deps.readInput(spec.name).trim() || (spec.env ? deps.env[spec.env]?.trim() : '') || '';
    if (value) {
      deps.runner.mask(value);
      redactor.add(value);
    }
  }
  const result = readSettings(deps.readInput, deps.env);
  if (!result.ok) throw new RolloutError('settings', formatProblems(result.problems), 'Nothing was sent to any API.');
  return result.settings;
}

async function release(deps: Deps, s: Settings, log: Logger, redactor: Redactor, facts: RunFacts, keep: (a: Adapters) => void): Promise<void> {
  const runCtx = readRunContext(s.forgeApiUrl ? { ...deps.env, GITHUB_API_URL: s.forgeApiUrl } : deps.env, s.forge);
  // Local files first: a broken zerops.yaml or a missing path fails before any request.
  let zeropsYaml = s.strategy === 'activate' ? null : loadYamlIfAny(s);
  await checkLocalPaths(s);

  const adapters = createAdapters(s, runCtx, deps.clock, redactor, log);
  keep(adapters);
  const { forge, zerops } = adapters;
  facts.forge = { kind: forge.kind, repository: forge.repo, serverUrl: forge.serverUrl, runUrl: forge.runUrl() };

  const killSwitch = new KillSwitch({
    jobStartValue: s.killSwitch,
    variable: s.killSwitchVariable,
    forge,
    hasControlToken: !!s.controlToken,
    clock: deps.clock,
    log,
    freshnessMs: Math.min(1000, s.pollIntervalMs),
  });
  // Getters: a run that stops by an exception (switch engaged, hold) still reports the reads made and whether the switch stayed live.
  facts.killSwitch = {
    variable: s.killSwitchVariable,
    get live() {
      return killSwitch.isLive;
    },
    jobStartEngaged: killSwitch.jobStartEngaged,
    get reads() {
      return killSwitch.reads;
    },
  };
  if (killSwitch.jobStartEngaged) throw new SwitchEngaged('job-start value', s.killSwitchVariable, 'anything was read or changed');
  if (!s.controlToken) {
    log.warning(
      `No control-token: the kill switch is the job-start value of ${s.killSwitchVariable} only, NOT re-read live. Give a token that can read Actions variables to make it live.`,
      'Kill switch not live',
    );
  }

  await log.group('Gates: kill switch, target, allowed refs', async () => {
    await killSwitch.assertOpen('anything was changed');
    facts.target = await resolveTarget(forge, s.target, runCtx.sha);
    const via = facts.target.fromInput ? `${facts.target.input} (the target input)` : `the triggering commit (GITHUB_SHA${runCtx.ref ? `, ${runCtx.ref}` : ''})`;
    log.info(`Target: ${via} → ${facts.target.sha}`);
    facts.refPolicy = await checkRefPolicy(forge, facts.target.sha, s.allowedRefs);
    log.info(`Allowed: ${facts.target.sha.slice(0, 12)} is the ${facts.refPolicy.how} of ${facts.refPolicy.allowedBy} (refs checked: ${facts.refPolicy.checked.join(', ')})`);
  });
  const target = facts.target as NonNullable<RunFacts['target']>;
  // The config must match the code: take zerops.yaml from the target commit when git has it.
  if (zeropsYaml && !s.zeropsYamlPath) {
    const atTarget = await zeropsYamlAtCommit(s.sourceDir, target.sha);
    if (atTarget) {
      zeropsYaml = atTarget;
      log.debug(`zerops.yaml read from commit ${target.sha.slice(0, 12)}`);
    }
  }

  let printed: string[] = [];
  const planOnce = (title: string) =>
    log.group(title, async () => {
      const scope = await checkScope(zerops, s.projectId);
      facts.project = { id: scope.project.id, name: scope.project.name };
      if (scope.warning && printed.length === 0) log.warning(scope.warning, 'Token not production-scoped');
      const { plan, all } = await buildPlan({ zerops, forge, settings: s, target: target.sha, log, setups: zeropsYaml?.setups ?? null, hasArtifact: s.artifact.length > 0 });
      facts.plan = plan;
      facts.records = recordsOf(plan);
      const lines = planLines(facts, plan);
      if (printed.length > 0 && lines.join('\n') === printed.join('\n')) log.info('Unchanged since the checks started.');
      else for (const line of lines) log.info(line);
      printed = lines;
      return { plan, all };
    });
  const first = await planOnce('Plan');
  let plan = first.plan;
  // Read-only, so a dry run refuses too: it shows what the real run would do.
  facts.preflight = preflight(first.all, plan.services.map((p) => p.hostname), s.preflight);
  enforcePreflight(facts.preflight, log);
  let payload = await preparePayload(s, plan, target.sha, zeropsYaml, deps.runner.tempDir());
  if (facts.records.every((r) => r.outcome === 'skipped')) {
    log.info(`Every service already runs ${target.sha.slice(0, 12)}: nothing to do.`);
    return;
  }

  facts.checks = await log.group('Gates: required checks', () =>
    waitForChecks({
      forge,
      sha: target.sha,
      requiredPatterns: s.requiredChecks,
      ignorePatterns: s.ignoreChecks,
      rulesBranch: rulesBranchOf(runCtx),
      timeoutMs: s.checksTimeoutMs,
      pollIntervalMs: s.pollIntervalMs,
      clock: deps.clock,
      log,
      signal: deps.signal,
      once: s.dryRun,
      onEvaluation: (result) => (facts.checks = result),
      onPoll: () => killSwitch.assertOpen('anything was changed (while waiting for checks)'),
    }),
  );
  // Stage proof after the checks gate, and again right before the canary (below). A dry run
  // reports it without refusing: like the checks, it is a matter of time.
  await checkStageProof(deps, s, adapters, facts, plan, target.sha, log, { refuse: !s.dryRun });
  if (s.dryRun) {
    const proof = facts.stageProof?.status === 'skipped' ? '' : `; stage proof: ${facts.stageProof?.status === 'proven' ? 'proven' : 'MISSING (a real run would be refused)'}`;
    facts.stop = { kind: 'dry-run', message: `Dry run: planned ${plan.services.length} services in ${plan.stages.length} stages; checks are ${facts.checks.verdict}${proof}. Nothing was changed.` };
    return;
  }

  const superseded = await checkSuperseded(forge, runCtx, target.sha, target.fromInput);
  if (superseded) {
    facts.stop = supersededStop(superseded, target.sha, false);
    return;
  }
  // The checks wait can be long; what the services run may have changed meanwhile.
  if (facts.checks.polls > 1) {
    plan = (await planOnce('Plan (re-read after the checks wait)')).plan;
    if (facts.records.every((r) => r.outcome === 'skipped')) return;
    payload = await preparePayload(s, plan, target.sha, zeropsYaml, deps.runner.tempDir());
  }

  // Stage may have moved on since (the superseded check, a re-plan and the payload lie between): prove it again.
  if (facts.stageProof?.status === 'proven') await checkStageProof(deps, s, adapters, facts, plan, target.sha, log, { refuse: true });
  facts.deploymentId = await recordDeploymentStart(forge, s, target.sha, log);
  const stop = new StopControl(killSwitch, deps.signal);
  const ctx: RolloutContext = {
    zerops,
    probe: adapters.probe,
    clock: deps.clock,
    log,
    signal: deps.signal,
    mutationSignal: afterGrace(deps.signal, MUTATION_GRACE_MS),
    target: target.sha,
    timing: { pollIntervalMs: s.pollIntervalMs, verifyTimeoutMs: s.verifyTimeoutMs, deployTimeoutMs: s.deployTimeoutMs, lockTimeoutMs: s.lockTimeoutMs, soakMs: s.soakMs, httpTimeoutMs: s.httpTimeoutMs },
    maxStragglers: s.maxStragglers,
    rollback: s.rollback,
    payload,
    stop,
    // Between stages too: an older push run must not alternate stages with a newer one.
    beforeStage: async () => {
      const newer = await checkSuperseded(forge, runCtx, target.sha, target.fromInput);
      return newer ? supersededStop(newer, target.sha, true) : null;
    },
  };
  const byHost = new Map(facts.records.map((r) => [r.hostname, r]));
  const result = await runRollout(ctx, plan, byHost);
  facts.timeline = result.timeline;
  facts.stop = result.stop;
  facts.rollbackComplete = result.rollbackComplete;
  // Even when cancelled, one quick read makes the report say what each service runs.
  await refreshAfter(adapters, s, facts.records, log, deps.signal.aborted ? AbortSignal.timeout(2000) : undefined);
}

/**
 * Checks (or re-checks) the stage evidence for the services the plan changes, and refuses
 * the release when it does not hold (`refuse`); a rollback skips it, saying why.
 */
async function checkStageProof(deps: Deps, s: Settings, adapters: Adapters, facts: RunFacts, plan: Plan, sha: string, log: Logger, o: { refuse: boolean }): Promise<void> {
  if (!s.stage) {
    facts.stageProof = skippedProof('not asked for (no stage-* input is set)', deps.clock.now());
    return;
  }
  if (s.allowDowngrade) {
    facts.stageProof = skippedProof('skipped: this is a rollback (`allow-downgrade: true`), and its target already ran in production', deps.clock.now());
    log.notice(`Stage proof ${facts.stageProof.note}.`, 'Stage proof skipped');
    return;
  }
  const services = plan.services.filter((p) => p.strategy !== 'skip').map((p) => p.hostname);
  const previousChecks = facts.stageProof?.checks ?? 0;
  facts.stageProof = await log.group(previousChecks > 0 ? 'Gates: stage proof (re-checked before the canary)' : 'Gates: stage proof', async () => {
    const proof = await proveStage({
      stage: s.stage as NonNullable<Settings['stage']>,
      target: sha,
      services,
      probe: adapters.stage.probe,
      stageZerops: adapters.stage.zerops,
      deployments: adapters.forge.deployments,
      shaVariable: s.shaVariable,
      clock: deps.clock,
      log,
      signal: deps.signal,
      previousChecks,
    });
    if (proof.deployment) log.info(`Deployment to ${proof.deployment.environment}: ${proof.deployment.ok ? 'ok' : 'MISSING'} — ${proof.deployment.detail}`);
    for (const r of proof.services) {
      const bits = [r.buildInfo ? `build-info ${r.buildInfo.ok ? 'ok' : 'MISSING'} (${r.buildInfo.detail})` : null, r.zerops ? `Zerops ${r.zerops.ok ? 'ok' : 'MISSING'} (${r.zerops.detail})` : null].filter(Boolean);
      log.info(`${r.ok ? '✔' : '✖'} ${r.service}${r.stageService === r.service ? '' : ` → stage ${r.stageService}`}: ${bits.join('; ')}`);
    }
    log.info(`Stage proof: ${proof.note}.`);
    return proof;
  });
  if (o.refuse && facts.stageProof.status === 'refused') throw new RolloutError('stage-proof', refusalMessage(facts.stageProof), STAGE_PROOF_HINT);
}

/** How long a mutating call already on the wire may take to answer after a cancel. */
const MUTATION_GRACE_MS = 3000;

function afterGrace(signal: AbortSignal, ms: number): AbortSignal {
  const controller = new AbortController();
  signal.addEventListener('abort', () => setTimeout(() => controller.abort(signal.reason), ms).unref(), { once: true });
  return controller.signal;
}

function supersededStop(s: Superseded, target: string, midway: boolean): Stop {
  const what = midway ? 'stops before its next stage (nothing is rolled back)' : 'stops before changing anything';
  return { kind: 'superseded', message: `Superseded: ${s.branch} has moved on to ${s.newer.slice(0, 12)}; this run (for ${target.slice(0, 12)}) ${what} so the newer run releases it.` };
}

async function checkLocalPaths(s: Settings): Promise<void> {
  if (s.artifact.length > 0) await artifactSource(s.artifact, process.cwd());
  if (s.strategy === 'build' || (s.strategy === 'auto' && s.artifact.length === 0)) {
    const ok = await stat(s.sourceDir).then((st) => st.isDirectory(), () => false);
    if (!ok) throw new RolloutError('settings', `input \`source-dir\`: ${capText(s.sourceDir, 120)} is not a directory.`, 'Check out the repository first, or fix `source-dir`.');
  }
}

function loadYamlIfAny(s: Settings): ZeropsYaml | null {
  const path = findZeropsYaml(s.zeropsYamlPath, s.sourceDir);
  if (!path) {
    if (s.strategy === 'build' || s.strategy === 'artifact') {
      throw new RolloutError('config', `No zerops.yaml or zerops.yml in ${s.sourceDir}.`, 'Add one, or set `zerops-yaml` to its path.');
    }
    return null;
  }
  return loadZeropsYaml(path);
}

/** Opens nothing yet: checks that what will be uploaded exists, before any mutation. */
async function preparePayload(s: Settings, plan: Plan, sha: string, yaml: ZeropsYaml | null, tempRoot: string): Promise<Payload> {
  const needs = (k: string) => plan.services.some((p) => p.strategy === k);
  const build: ArchiveSource | null = needs('build') ? await gitArchiveSource(s.sourceDir, sha, tempRoot) : null;
  const artifact: ArchiveSource | null = needs('artifact') ? await artifactSource(s.artifact, process.cwd()) : null;
  return { zeropsYaml: yaml && (build || artifact) ? yaml.stamped(s.shaVariable, sha) : null, build, artifact };
}

function recordsOf(plan: Plan): ServiceRecord[] {
  return plan.services.map((p) => {
    const r = newRecord({ hostname: p.hostname, serviceId: p.serviceId, stage: p.stage, strategy: p.strategy, before: p.before });
    if (p.strategy === 'skip') {
      r.outcome = 'skipped';
      r.reason = 'already on the target';
    }
    return r;
  });
}

function rulesBranchOf(run: RunContext): string | null {
  if (run.ref?.startsWith('refs/heads/')) return run.ref.slice('refs/heads/'.length);
  return run.defaultBranchFromEvent;
}

/** What each service really runs at the end, read once for the whole project. */
async function refreshAfter(adapters: Adapters, s: Settings, records: ServiceRecord[], log: Logger, signal?: AbortSignal): Promise<void> {
  try {
    const byId = new Map((await adapters.zerops.listServices(s.projectId, signal)).map((svc) => [svc.id, svc]));
    for (const r of records) {
      const active = byId.get(r.serviceId)?.activeVersion;
      if (!active || active.id === r.after.versionId) continue;
      r.after = active.id === r.before.versionId ? { ...r.before } : { versionId: active.id, sha: active.sha };
    }
  } catch (err) {
    log.warning(`Could not re-read the services at the end (${describeError(err)}); "after" shows the last state seen.`);
  }
}

function stopFromError(err: unknown, facts: RunFacts, signal: AbortSignal): Stop {
  const changed = facts.records.some((r) => r.changed);
  if (err instanceof SwitchEngaged && !changed) {
    return {
      kind: 'disabled',
      message: `Deploys are disabled: the kill switch ${err.variable} is engaged (${err.source}). Nothing was changed. To release, set the repository variable ${err.variable} to \`false\` (or delete it) and re-run this job.`,
    };
  }
  if (err instanceof SwitchEngaged) return { kind: 'halted', message: err.message };
  if (err instanceof Stopped) return err.reason.kind === 'hold' ? { kind: 'failed', code: 'kill-switch-hold', message: err.message } : { kind: 'halted', message: err.message };
  if (signal.aborted) return { kind: 'halted', message: `Cancelled by the runner before anything was changed${changed ? ' further' : ''}.` };
  if (err instanceof RolloutError) return { kind: 'failed', code: err.code, message: err.hint ? `${err.message}\n${err.hint}` : err.message };
  if (err instanceof HttpError || err instanceof ShapeError) return { kind: 'failed', code: 'api', message: changed ? err.message : `${err.message}. Nothing was changed.` };
  return { kind: 'failed', code: 'internal', message: `Unexpected error: ${describeError(err)}` };
}

