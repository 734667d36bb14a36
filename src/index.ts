// The action's entry: real adapters in, run(), exit code out. Nothing else lives here.
import * as core from '@actions/core';
import { run } from './main.js';
import { actionsLogger, actionsRunner } from './runner/actions.js';
import { cancelOnSignals } from './runner/signals.js';
import { realClock } from './util/sleep.js';

const signal = cancelOnSignals((s) => core.warning(`${s} received: stopping — no new change will start; writing the report.`, { title: 'Cancelling' }));

try {
  const outcome = await run({
    readInput: (name) => core.getInput(name),
    env: process.env,
    log: actionsLogger(),
    runner: actionsRunner(process.env),
    clock: realClock,
    signal,
  });
  process.exit(outcome.exitCode);
} catch (err) {
  // run() reports its own failures; reaching here is a bug, and must never pass as success.
  core.setFailed(`zerops-rollout crashed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
