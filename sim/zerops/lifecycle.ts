// Deploy processes on real timers: PENDING for pendingMs, then RUNNING through the
// version's phases one service at a time (a service runs one process; later ones
// queue behind it, which is what makes a running process a deploy lock).
import { drawDuration } from '../prng.js';
import type { Scheduler } from '../scheduler.js';
import { IN_FLIGHT_STATUSES, type AppVersionStatus, type Process, type ProcessKind, type Service, type Version, type ZeropsState } from './model.js';
import type { FailPoint } from '../scenario.js';

interface Phase {
  status: AppVersionStatus;
  ms: number;
  /** Where a scripted failure lands, and the version status it leaves. */
  failPoint?: FailPoint;
  failStatus?: AppVersionStatus;
  /** Cancel is refused once the artifact is being deployed. */
  cancelable: boolean;
}

const ACTION_NAMES: Record<Exclude<ProcessKind, 'external'>, string> = {
  build: 'stack.build',
  deploy: 'stack.deploy',
  // Re-activating a kept BACKUP version (zcp, live-verified).
  activate: 'stack.deploy.backup',
};

export type CancelOutcome = 'canceled' | 'already-finished' | 'not-cancelable';

export class DeployEngine {
  constructor(
    private readonly state: ZeropsState,
    private readonly scheduler: Scheduler,
  ) {}

  /** Starts the scenario's pre-existing in-flight work: locks held by someone else, services in a passing status. */
  startSeededLocks(): void {
    for (const service of this.state.services.values()) {
      const settle = service.settle;
      if (settle) this.scheduler.after(settle.afterMs, () => this.settle(service, settle.status));
      const spec = service.lockSpec;
      if (!spec) continue;
      const process = this.state.newProcess(service, 'external', null, spec.actionName ?? 'stack.build');
      process.status = 'RUNNING';
      process.started = this.scheduler.nowIso();
      process.ready = true;
      service.running = process;
      const finishAfterMs = spec.finishAfterMs;
      if (finishAfterMs !== undefined && finishAfterMs !== null) {
        process.stopTimer = this.scheduler.after(finishAfterMs, () => this.finish(process, 'FINISHED'));
      }
    }
  }

  /**
   * Queues a deploy of version: 'build' (build-and-deploy of an upload), 'deploy' (an
   * upload without build) or 'activate' (an existing built version, e.g. rollback).
   */
  submit(service: Service, kind: Exclude<ProcessKind, 'external'>, version: Version): Process {
    const process = this.state.newProcess(service, kind, version, ACTION_NAMES[kind]);
    version.process = process;
    if (kind === 'activate') {
      process.restoreStatus = version.status;
    } else {
      version.deployRequested = true;
      this.setVersionStatus(version, kind === 'build' ? 'WAITING_TO_BUILD' : 'WAITING_TO_DEPLOY');
    }
    service.queue.push(process);
    process.stopTimer = this.scheduler.after(service.deploy.pendingMs, () => {
      process.stopTimer = null;
      process.ready = true;
      this.startNext(service);
    });
    return process;
  }

  /** A passing status (RELOADING, SCALING, ...) ends: the service takes deploys again. */
  private settle(service: Service, status: string): void {
    service.status = status;
    service.lastUpdate = this.scheduler.nowIso();
  }

  cancel(process: Process): CancelOutcome {
    if (!IN_FLIGHT_STATUSES.has(process.status)) return 'already-finished';
    if (process.status === 'RUNNING' && !process.cancelable) return 'not-cancelable';
    process.stopTimer?.();
    process.stopTimer = null;
    const { service, version } = process;
    const queued = service.queue.indexOf(process);
    if (queued >= 0) service.queue.splice(queued, 1);
    if (version) this.setVersionStatus(version, process.kind === 'activate' ? (process.restoreStatus ?? 'BACKUP') : 'CANCELLED');
    if (version?.build && process.kind === 'build') version.build.pipelineFailed = this.scheduler.nowIso();
    this.finish(process, 'CANCELED');
    return 'canceled';
  }

  private startNext(service: Service): void {
    if (service.running) return;
    const next = service.queue[0];
    if (!next?.ready) return;
    service.queue.shift();
    service.running = next;
    next.status = 'RUNNING';
    next.started = this.scheduler.nowIso();
    next.lastUpdate = next.started;
    this.runPhase(next, this.phasesFor(next), 0);
  }

  private phasesFor(process: Process): Phase[] {
    const { deploy } = process.service;
    const total = drawDuration(deploy.durationMs, process.service.prng);
    const share = (fraction: number, of = total): number => Math.max(1, Math.round(of * fraction));
    switch (process.kind) {
      case 'build':
        return [
          { status: 'BUILDING', ms: share(0.45), failPoint: 'build', failStatus: 'BUILD_FAILED', cancelable: true },
          { status: 'PREPARING_RUNTIME', ms: share(0.1), cancelable: false },
          { status: 'WAITING_TO_DEPLOY', ms: share(0.05), cancelable: false },
          { status: 'DEPLOYING', ms: share(0.4), failPoint: 'deploy', failStatus: 'DEPLOY_FAILED', cancelable: false },
        ];
      case 'deploy':
        // No build: the deploy share of the duration only.
        return [
          { status: 'WAITING_TO_DEPLOY', ms: share(0.05), cancelable: false },
          { status: 'DEPLOYING', ms: share(0.45), failPoint: 'deploy', failStatus: 'DEPLOY_FAILED', cancelable: false },
        ];
      default: {
        const ms = deploy.activateMs ?? share(1 / 3);
        const restore = process.restoreStatus ?? 'BACKUP';
        return [{ status: 'DEPLOYING', ms: Math.max(1, ms), failPoint: 'deploy', failStatus: restore, cancelable: false }];
      }
    }
  }

  private runPhase(process: Process, phases: Phase[], index: number): void {
    const phase = phases[index];
    const version = process.version;
    if (!phase || !version) return this.succeed(process);
    const now = this.scheduler.nowIso();
    this.setVersionStatus(version, phase.status);
    process.cancelable = phase.cancelable;
    if (phase.status === 'BUILDING') version.build = { pipelineStart: process.created, pipelineFinish: null, pipelineFailed: null, startDate: now, endDate: null };
    const { deploy } = process.service;
    if (index === phases.length - 1 && deploy.stuck) return; // RUNNING forever
    process.stopTimer = this.scheduler.after(phase.ms, () => {
      process.stopTimer = null;
      if (phase.failPoint && this.takeFailure(process.service, phase.failPoint)) {
        return this.fail(process, phase.failStatus ?? 'DEPLOY_FAILED');
      }
      if (phase.status === 'BUILDING' && version.build) version.build.endDate = this.scheduler.nowIso();
      this.runPhase(process, phases, index + 1);
    });
  }

  private takeFailure(service: Service, point: FailPoint): boolean {
    if (service.deploy.failAt !== point || service.deploy.failuresLeft <= 0) return false;
    service.deploy.failuresLeft--;
    return true;
  }

  private succeed(process: Process): void {
    const { service, version } = process;
    if (version) {
      const now = this.scheduler.nowIso();
      const previous = service.activeVersion;
      if (previous && previous !== version) this.setVersionStatus(previous, 'BACKUP');
      this.setVersionStatus(version, 'ACTIVE');
      version.activationDate = now;
      if (version.build && process.kind === 'build') version.build.pipelineFinish = now;
      service.activeVersion = version;
      if (service.status === 'READY_TO_DEPLOY') service.status = 'ACTIVE';
      service.lastUpdate = now;
      service.activations.push({ atMs: this.scheduler.elapsedMs(), sha: version.servedSha, versionId: version.id });
    }
    this.finish(process, 'FINISHED');
  }

  private fail(process: Process, versionStatus: AppVersionStatus): void {
    const { version } = process;
    process.failReason = versionStatus === 'BUILD_FAILED' ? 'buildCommands failed: command exited with code 1' : 'the new containers did not start: readiness check failed';
    if (version) {
      this.setVersionStatus(version, versionStatus);
      if (version.build && process.kind === 'build') version.build.pipelineFailed = this.scheduler.nowIso();
    }
    this.finish(process, 'FAILED');
  }

  /** Terminal state: releases the lock, prunes old versions, starts the next queued process. */
  private finish(process: Process, status: 'FINISHED' | 'FAILED' | 'CANCELED'): void {
    const { service } = process;
    process.status = status;
    process.finished = this.scheduler.nowIso();
    process.lastUpdate = process.finished;
    process.cancelable = false;
    if (process.version?.process === process) process.version.process = null;
    service.inFlight.delete(process);
    service.project.inFlight.delete(process);
    if (service.running === process) service.running = null;
    this.state.pruneVersions(service);
    this.startNext(service);
  }

  private setVersionStatus(version: Version, status: AppVersionStatus): void {
    version.status = status;
    version.lastUpdate = this.scheduler.nowIso();
  }
}
