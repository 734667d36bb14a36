// The kill switch: the job-start value (`vars.X`, frozen when the job started) and a
// live re-read of the repository variable before every mutating call and during waits.
// It fails closed: a value it cannot read holds the release; a token that may not read
// variables falls back to the job-start value, loudly.
import type { Forge } from '../forge/types.js';
import type { Logger } from '../ports.js';
import { RolloutError } from '../util/errors.js';
import type { Clock } from '../util/sleep.js';

const TRUTHY = new Set(['1', 'true', 'yes', 'on', 'disabled', 'disable']);
const FALSY = new Set(['', '0', 'false', 'no', 'off', 'enabled', 'enable']);

/** Whether a switch value means "stop". Unknown non-empty values stop too (fail closed). */
export function switchEngaged(value: string): { engaged: boolean; recognised: boolean } {
  const v = value.trim().toLowerCase();
  if (TRUTHY.has(v)) return { engaged: true, recognised: true };
  if (FALSY.has(v)) return { engaged: false, recognised: true };
  return { engaged: true, recognised: false };
}

/** Thrown when the switch is engaged; the caller decides `disabled` (nothing changed yet) or `halted`. */
export class SwitchEngaged extends Error {
  constructor(
    readonly source: 'job-start value' | 'live variable',
    readonly variable: string,
    readonly before: string,
  ) {
    super(`Kill switch engaged (${source} of ${variable}) before ${before}.`);
    this.name = 'SwitchEngaged';
  }
}

export interface SwitchReading {
  engaged: boolean;
  source: 'job-start value' | 'live variable';
  live: boolean;
}

export interface KillSwitchOptions {
  jobStartValue: string;
  variable: string;
  forge: Forge;
  hasControlToken: boolean;
  clock: Clock;
  log: Logger;
  /** A reading this fresh is shared by concurrent mutating calls instead of read again. */
  freshnessMs: number;
}

export class KillSwitch {
  /** Live reads made, for the report. */
  reads = 0;
  private live: boolean;
  private inFlight: Promise<SwitchReading> | null = null;
  private last: { at: number; reading: SwitchReading } | null = null;
  private readonly jobStart: { engaged: boolean; recognised: boolean };

  constructor(private readonly o: KillSwitchOptions) {
    this.live = o.hasControlToken;
    this.jobStart = switchEngaged(o.jobStartValue);
    if (!this.jobStart.recognised) {
      o.log.warning(`The job-start kill-switch value is not one of true/false/1/0/yes/no/on/off/disabled/enabled; treating it as engaged.`, 'Kill switch');
    }
  }

  get isLive(): boolean {
    return this.live;
  }

  get jobStartEngaged(): boolean {
    return this.jobStart.engaged;
  }

  /** Reads the switch (live when possible). Throws a `kill-switch-hold` error when the variable cannot be read. */
  async read(): Promise<SwitchReading> {
    if (this.jobStart.engaged) return { engaged: true, source: 'job-start value', live: this.live };
    if (!this.live) return { engaged: false, source: 'job-start value', live: false };
    const now = this.o.clock.now();
    if (this.last && now - this.last.at <= this.o.freshnessMs) return this.last.reading;
    this.inFlight ??= this.readLive().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Throws SwitchEngaged when the switch is on; call right before each mutating call. */
  async assertOpen(before: string): Promise<void> {
    const r = await this.read();
    if (r.engaged) throw new SwitchEngaged(r.source, this.o.variable, before);
  }

  private async readLive(): Promise<SwitchReading> {
    this.reads++;
    const result = await this.o.forge.readVariable(this.o.variable);
    let reading: SwitchReading;
    switch (result.kind) {
      case 'unset':
        reading = { engaged: false, source: 'live variable', live: true };
        break;
      case 'value': {
        const v = switchEngaged(result.value);
        if (!v.recognised) this.o.log.warning(`${this.o.variable} has an unrecognised value; treating the kill switch as engaged.`, 'Kill switch');
        reading = { engaged: v.engaged, source: 'live variable', live: true };
        break;
      }
      case 'forbidden':
        this.live = false;
        this.o.log.warning(
          `Cannot read the repository variable ${this.o.variable} (HTTP 403): ${result.detail}. Falling back to the job-start value — the kill switch is NOT live for the rest of this run.`,
          'Kill switch not live',
        );
        return { engaged: this.jobStart.engaged, source: 'job-start value', live: false };
      case 'unreadable':
        throw new RolloutError(
          'kill-switch-hold',
          `Holding: the kill-switch variable ${this.o.variable} could not be read (${result.detail}), so no further change is made.`,
          'Fix the control-token or the forge outage and re-run.',
        );
    }
    this.last = { at: this.o.clock.now(), reading };
    return reading;
  }
}
