// What every rollout step shares, and the guard in front of every mutating call.
import type { KillSwitch } from '../gates/kill-switch.js';
import { SwitchEngaged } from '../gates/kill-switch.js';
import type { Logger } from '../ports.js';
import type { RollbackMode } from '../settings/settings.js';
import { RolloutError } from '../util/errors.js';
import type { Clock } from '../util/sleep.js';
import type { ZeropsClient } from '../zerops/client.js';
import type { ArchiveSource } from './archive.js';
import type { BuildInfoProbe } from './build-info.js';
import type { Stop } from './records.js';

export interface Timing {
  pollIntervalMs: number;
  verifyTimeoutMs: number;
  deployTimeoutMs: number;
  lockTimeoutMs: number;
  soakMs: number;
  /** One request's timeout: also how long a timed-out call may still land on the platform. */
  httpTimeoutMs: number;
}

export interface Payload {
  /** The zerops.yaml text (stamped with the target SHA) to send with a deploy. */
  zeropsYaml: string | null;
  build: ArchiveSource | null;
  artifact: ArchiveSource | null;
}

export interface RolloutContext {
  zerops: ZeropsClient;
  probe: BuildInfoProbe | null;
  clock: Clock;
  log: Logger;
  /** Aborts at once on cancellation: reads, waits and uploads stop. */
  signal: AbortSignal;
  /** Aborts a few seconds after cancellation: a mutating call already sent may still return its answer. */
  mutationSignal: AbortSignal;
  target: string;
  timing: Timing;
  maxStragglers: number;
  rollback: RollbackMode;
  payload: Payload;
  stop: StopControl;
  /** Asked before every stage after the first; a Stop ends the rollout there, without rollback. */
  beforeStage?: () => Promise<Stop | null>;
}

/** Why no further mutating call may be made. */
export type StopReason =
  | { kind: 'halted'; message: string }
  | { kind: 'hold'; message: string }
  | { kind: 'cancelled'; message: string };

export class Stopped extends Error {
  constructor(readonly reason: StopReason) {
    super(reason.message);
    this.name = 'Stopped';
  }
}

/**
 * Holds the run's "stop" state. `guard()` runs right before every mutating Zerops
 * call: it refuses once the run is stopped or cancelled, and re-reads the kill switch.
 */
export class StopControl {
  reason: StopReason | null = null;

  constructor(
    private readonly killSwitch: KillSwitch,
    private readonly signal: AbortSignal,
  ) {}

  get stopped(): boolean {
    return this.reason !== null || this.signal.aborted;
  }

  cancelled(): StopReason | null {
    if (!this.signal.aborted) return null;
    this.reason ??= { kind: 'cancelled', message: `Cancelled by the runner (${describeSignal(this.signal)}); no further change was made.` };
    return this.reason;
  }

  async guard(before: string): Promise<void> {
    const cancelled = this.cancelled();
    if (cancelled) throw new Stopped(cancelled);
    if (this.reason) throw new Stopped(this.reason);
    try {
      await this.killSwitch.assertOpen(before);
    } catch (err) {
      if (err instanceof SwitchEngaged) {
        this.reason ??= {
          kind: 'halted',
          message: `Halted: the kill switch (${err.source} of ${err.variable}) was engaged before ${before}. Nothing further was changed and nothing was rolled back.`,
        };
        throw new Stopped(this.reason);
      }
      if (err instanceof RolloutError && err.code === 'kill-switch-hold') {
        this.reason ??= { kind: 'hold', message: err.message };
        throw new Stopped(this.reason);
      }
      throw err;
    }
    // The read may have taken a while; a cancel that came meanwhile wins.
    const late = this.cancelled();
    if (late) throw new Stopped(late);
  }
}

function describeSignal(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return typeof r === 'string' ? r : r instanceof Error && r.message ? r.message : 'signal';
}
