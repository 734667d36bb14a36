// The step outputs: set on every path, failure included, so later steps can react.
import type { RunnerIO } from '../ports.js';
import { hostnamesWith, type RunResult } from '../rollout/records.js';
import type { RunFacts } from './facts.js';

export function writeOutputs(runner: RunnerIO, facts: RunFacts, result: RunResult, reportPath: string | null): void {
  const r = facts.records;
  runner.setOutput('result', result);
  runner.setOutput('target-sha', facts.target?.sha ?? '');
  runner.setOutput('deployed', JSON.stringify(hostnamesWith(r, 'on-target')));
  runner.setOutput('failed', JSON.stringify(hostnamesWith(r, 'failed', 'quarantined', 'in-flight')));
  runner.setOutput('rolled-back', JSON.stringify(hostnamesWith(r, 'rolled-back')));
  runner.setOutput('skipped', JSON.stringify(hostnamesWith(r, 'skipped')));
  runner.setOutput('report', reportPath ?? '');
}
