import { describe, expect, it } from '@jest/globals';
import { KillSwitch, SwitchEngaged, switchEngaged } from '../../src/gates/kill-switch.js';
import type { Forge, VariableRead } from '../../src/forge/types.js';
import { RolloutError } from '../../src/util/errors.js';
import { fakeClock, recordingLogger } from '../helpers/fakes.js';

function forgeAnswering(answers: VariableRead[]): Forge & { reads: number } {
  const f = {
    reads: 0,
    readVariable: async () => {
      const a = answers[Math.min(f.reads, answers.length - 1)] as VariableRead;
      f.reads++;
      return a;
    },
  };
  return f as unknown as Forge & { reads: number };
}

function killSwitch(answers: VariableRead[], opts: { jobStart?: string; control?: boolean } = {}) {
  const forge = forgeAnswering(answers);
  const log = recordingLogger();
  const clock = fakeClock();
  const ks = new KillSwitch({ jobStartValue: opts.jobStart ?? '', variable: 'ZEROPS_DEPLOY_DISABLED', forge, hasControlToken: opts.control ?? true, clock, log, freshnessMs: 1000 });
  return { ks, forge, log, clock };
}

describe('switchEngaged', () => {
  it.each(['1', 'true', 'YES', ' on ', 'Disabled', 'disable'])('%j engages', (v) => expect(switchEngaged(v)).toEqual({ engaged: true, recognised: true }));
  it.each(['', '0', 'false', 'No', 'off', 'enabled'])('%j does not', (v) => expect(switchEngaged(v)).toEqual({ engaged: false, recognised: true }));
  it('fails closed on an unknown value', () => expect(switchEngaged('maybe')).toEqual({ engaged: true, recognised: false }));
});

describe('KillSwitch', () => {
  it('is engaged by the job-start value without reading anything', async () => {
    const { ks, forge } = killSwitch([{ kind: 'unset' }], { jobStart: 'true' });
    await expect(ks.assertOpen('deploying api')).rejects.toBeInstanceOf(SwitchEngaged);
    expect(forge.reads).toBe(0);
  });

  it('reads the live variable: 404 is open, a truthy value is engaged', async () => {
    const { ks } = killSwitch([{ kind: 'unset' }, { kind: 'value', value: 'true' }]);
    await expect(ks.assertOpen('a')).resolves.toBeUndefined();
    await expect(ks.read()).resolves.toMatchObject({ engaged: false });
  });

  it('re-reads once the last reading is older than the freshness window', async () => {
    const { ks, forge, clock } = killSwitch([{ kind: 'unset' }, { kind: 'value', value: 'on' }]);
    await ks.assertOpen('first');
    await ks.assertOpen('second, within the window');
    expect(forge.reads).toBe(1);
    clock.advance(1001);
    await expect(ks.assertOpen('third')).rejects.toThrow(/Kill switch engaged \(live variable/);
    expect(forge.reads).toBe(2);
  });

  it('shares one read between concurrent callers', async () => {
    const { ks, forge } = killSwitch([{ kind: 'unset' }]);
    await Promise.all([ks.assertOpen('a'), ks.assertOpen('b'), ks.assertOpen('c')]);
    expect(forge.reads).toBe(1);
  });

  it('holds (throws, changes nothing) when the variable cannot be read', async () => {
    const { ks } = killSwitch([{ kind: 'unreadable', detail: 'HTTP 500' }]);
    const err = await ks.assertOpen('deploying api').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RolloutError);
    expect((err as RolloutError).code).toBe('kill-switch-hold');
  });

  it('falls back to the job-start value on 403, loudly, and stops reading', async () => {
    const { ks, forge, log, clock } = killSwitch([{ kind: 'forbidden', detail: 'needs Variables: read' }]);
    await expect(ks.assertOpen('a')).resolves.toBeUndefined();
    expect(ks.isLive).toBe(false);
    expect(log.text('warning')).toMatch(/HTTP 403.*needs Variables: read.*NOT live/);
    clock.advance(5000);
    await ks.assertOpen('b');
    expect(forge.reads).toBe(1);
  });

  it('uses only the job-start value without a control token', async () => {
    const { ks, forge } = killSwitch([{ kind: 'value', value: 'true' }], { control: false });
    await expect(ks.assertOpen('a')).resolves.toBeUndefined();
    expect(forge.reads).toBe(0);
    expect(ks.isLive).toBe(false);
  });
});
