// What the runner tells us about the repository and this run (both forges set the
// GITHUB_* variables). The event payload gives the default branch without a request.
import { readFileSync } from 'node:fs';
import { RolloutError } from '../util/errors.js';

export interface RunContext {
  repo: string;
  owner: string;
  name: string;
  apiUrl: string;
  serverUrl: string;
  sha: string | null;
  ref: string | null;
  eventName: string | null;
  runId: string | null;
  runNumber: string | null;
  runAttempt: string | null;
  workflow: string | null;
  job: string | null;
  defaultBranchFromEvent: string | null;
  isGitea: boolean;
}

export function readRunContext(env: Record<string, string | undefined>, forge: 'auto' | 'github' | 'gitea'): RunContext {
  const repo = (env.GITHUB_REPOSITORY ?? '').trim();
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repo);
  if (!m) {
    throw new RolloutError(
      'settings',
      'GITHUB_REPOSITORY is not set to `owner/name`.',
      'The runner sets it; outside Actions pass `--repository owner/name`.',
    );
  }
  const isGitea = forge === 'gitea' || (forge === 'auto' && (env.GITEA_ACTIONS === 'true' || env.FORGEJO_ACTIONS === 'true'));
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const apiUrl = (env.GITHUB_API_URL || (isGitea ? `${serverUrl}/api/v1` : 'https://api.github.com')).replace(/\/+$/, '');
  return {
    repo,
    owner: m[1] as string,
    name: m[2] as string,
    apiUrl,
    serverUrl,
    sha: env.GITHUB_SHA?.trim() || null,
    ref: env.GITHUB_REF?.trim() || null,
    eventName: env.GITHUB_EVENT_NAME?.trim() || null,
    runId: env.GITHUB_RUN_ID?.trim() || null,
    runNumber: env.GITHUB_RUN_NUMBER?.trim() || null,
    runAttempt: env.GITHUB_RUN_ATTEMPT?.trim() || null,
    workflow: env.GITHUB_WORKFLOW?.trim() || null,
    job: env.GITHUB_JOB?.trim() || null,
    defaultBranchFromEvent: defaultBranchOf(env.GITHUB_EVENT_PATH),
    isGitea,
  };
}

function defaultBranchOf(eventPath: string | undefined): string | null {
  if (!eventPath) return null;
  try {
    const payload = JSON.parse(readFileSync(eventPath, 'utf8')) as { repository?: { default_branch?: unknown } };
    const b = payload.repository?.default_branch;
    return typeof b === 'string' && b ? b : null;
  } catch {
    return null;
  }
}
