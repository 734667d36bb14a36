// The end of every run, success or not: derive the result from the records, write the
// JSON report, the outputs and the job summary, and print the one-line verdict.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deps, Logger } from '../ports.js';
import { deriveResult, exitCodeOf, type RunResult } from '../rollout/records.js';
import { describeError } from '../util/errors.js';
import type { Redactor } from '../util/redact.js';
import type { RunFacts } from './facts.js';
import { handoffLines } from './handoff-render.js';
import { writeOutputs } from './outputs.js';
import { buildReport } from './report.js';
import { renderSummary, verdictLine } from './summary.js';

export interface RunOutcome {
  result: RunResult;
  exitCode: number;
  reportPath: string | null;
  facts: RunFacts;
}

export async function finishRun(deps: Deps, log: Logger, redactor: Redactor, facts: RunFacts): Promise<RunOutcome> {
  facts.finishedAt = deps.clock.now();
  const result = deriveResult(facts.stop, facts.records, facts.rollbackComplete);
  facts.result = result;
  const exitCode = exitCodeOf(result);

  let reportPath: string | null = null;
  try {
    const dir = deps.runner.tempDir();
    mkdirSync(dir, { recursive: true });
    const id = [deps.env.GITHUB_RUN_ID, deps.env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-') || String(process.pid);
    reportPath = join(dir, `zerops-rollout-report-${id}.json`);
    writeFileSync(reportPath, redactor.redact(JSON.stringify(buildReport(facts, result, exitCode), null, 2)) + '\n');
  } catch (err) {
    log.warning(`Could not write the JSON report (${describeError(err)}).`);
    reportPath = null;
  }
  writeOutputs(deps.runner, facts, result, reportPath);
  try {
    await deps.runner.appendSummary(redactor.redact(renderSummary(facts, result, reportPath)));
  } catch (err) {
    log.warning(`Could not write the job summary (${describeError(err)}).`);
  }

  if (facts.handoff) for (const line of handoffLines(facts.handoff)) log.info(line);
  const verdict = `Result: ${result} — ${verdictLine(facts, result)}`;
  const stop = facts.stop;
  if (stop && (stop.kind === 'failed' || stop.kind === 'halted')) log.error(stop.message, result === 'halted' ? 'Release halted' : `Release ${result}`);
  else if (result === 'disabled' && stop) log.notice(stop.message, 'Deploys disabled');
  else if (result === 'superseded' && stop) log.notice(stop.message, 'Superseded');
  else if (result === 'failed') log.error('Some services did not reach the target; see the summary.', 'Release failed');
  log.info(verdict);
  return { result, exitCode, reportPath, facts };
}
