// The real runner adapters for GitHub and Gitea Actions, over @actions/core.
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import type { Logger, RunnerIO } from '../ports.js';

/**
 * A log line that starts with `::` (or the legacy `##[`) is executed by the runner as a
 * workflow command. Server text (check names, error bodies) must never do that, so such
 * line starts are broken with a zero-width space. Annotations and groups are encoded by
 * @actions/core itself.
 */
export function neutraliseCommands(message: string): string {
  return message.replace(/^(\s*)(::|##\[)/gm, (_m, space: string, cmd: string) => `${space}${cmd[0]}\u200b${cmd.slice(1)}`);
}

export function actionsLogger(): Logger {
  return {
    debug: (m) => core.debug(m),
    info: (m) => core.info(neutraliseCommands(m)),
    notice: (m, title) => core.notice(m, title ? { title } : {}),
    warning: (m, title) => core.warning(m, title ? { title } : {}),
    error: (m, title) => core.error(m, title ? { title } : {}),
    group: (title, fn) => core.group(title, fn),
  };
}

export function actionsRunner(env: Record<string, string | undefined>): RunnerIO {
  return {
    setOutput: (name, value) => core.setOutput(name, value),
    appendSummary: async (markdown) => {
      if (!env.GITHUB_STEP_SUMMARY) return; // Gitea runners may not offer a summary file.
      await core.summary.addRaw(markdown, true).write();
    },
    mask: (secret) => core.setSecret(secret),
    tempDir: () => env.RUNNER_TEMP || tmpdir(),
  };
}
