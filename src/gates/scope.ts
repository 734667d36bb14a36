// Production scope: the token must reach the production project, and should reach
// nothing else. A token that sees other projects works, but is flagged loudly. When the
// projects it reaches cannot be listed, the run stops: "cannot tell" never passes.
import { HttpError } from '../http/errors.js';
import { describeError, RolloutError } from '../util/errors.js';
import type { ZeropsClient } from '../zerops/client.js';
import type { Project } from '../zerops/types.js';

export interface ScopeResult {
  project: Project;
  /** Null when the token reaches only the production project. */
  warning: string | null;
}

/** Projects read per organisation: enough to tell "only this one" from "more". */
const SEARCH_LIMIT = 5;
/** Organisations searched, one search each (a bound on requests); more is reported as not scoped. */
const MAX_CLIENTS = 10;

const SCOPED_TOKEN_HINT =
  'Create a token with access to this project only (Zerops → Settings → Access tokens → custom access per project) so a mistake cannot touch other projects.';

export async function checkScope(zerops: ZeropsClient, projectId: string): Promise<ScopeResult> {
  let project: Project;
  try {
    project = await zerops.getProject(projectId);
  } catch (err) {
    if (err instanceof HttpError && err.kind === 'status' && err.status === 401) {
      throw new RolloutError('scope', `Zerops rejected the token (HTTP 401).`, 'Create a new access token in Zerops (Settings → Access tokens) and store it as the ZEROPS_TOKEN secret.', { cause: err });
    }
    // A malformed id is refused as invalid input (400) rather than "not found": the same mistake for the user.
    const malformed = err instanceof HttpError && err.kind === 'status' && err.status === 400 && err.apiCode === 'invalidUserInput';
    if (err instanceof HttpError && err.kind === 'status' && (err.status === 403 || err.status === 404 || malformed)) {
      const why = malformed ? 'Zerops says the id is not valid (HTTP 400 invalidUserInput)' : `HTTP ${err.status}`;
      throw new RolloutError('scope', `The Zerops token cannot reach project ${projectId}: no such project, or no access (${why}).`, 'Check `project-id`, and give the token access to that project.', { cause: err });
    }
    throw err;
  }
  if (project.id !== projectId) throw new RolloutError('scope', `Zerops answered project ${project.id} when asked for ${projectId}; refusing to continue.`);
  const reach = await projectsReached(zerops, projectId);
  const name = project.name ?? projectId;
  const warning =
    reach.others > 0
      ? `The Zerops token reaches ${reach.others + 1} projects, not only ${name}: it is not production-scoped. ${SCOPED_TOKEN_HINT}`
      : reach.clients > MAX_CLIENTS
        ? `The Zerops token's user belongs to ${reach.clients} organisations; only ${MAX_CLIENTS} were searched, so the token may reach more than ${name}. ${SCOPED_TOKEN_HINT}`
        : null;
  return { project, warning };
}

/** How many projects other than the production one the token reaches, per the platform's own search. */
async function projectsReached(zerops: ZeropsClient, projectId: string): Promise<{ others: number; clients: number }> {
  const cannotTell = (why: string, cause?: unknown): RolloutError =>
    new RolloutError(
      'scope',
      `Cannot tell which Zerops projects the token reaches: ${why}. The release does not start on a token whose scope is unknown.`,
      'Re-run once Zerops answers; if this persists, check the token in Zerops (Settings → Access tokens).',
      cause === undefined ? undefined : { cause },
    );
  let clientIds: string[];
  try {
    clientIds = (await zerops.userInfo()).clientIds;
  } catch (err) {
    throw cannotTell(`reading the token's user failed (${describeError(err)})`, err);
  }
  if (clientIds.length === 0) throw cannotTell("Zerops lists no organisation for the token's user (user/info clientUserList is empty)");
  let others = 0;
  let sawProduction = false;
  for (const clientId of clientIds.slice(0, MAX_CLIENTS)) {
    let found: Awaited<ReturnType<ZeropsClient['searchProjects']>>;
    try {
      found = await zerops.searchProjects(clientId, SEARCH_LIMIT);
    } catch (err) {
      throw cannotTell(`the project search failed (${describeError(err)})`, err);
    }
    const here = found.projects.some((p) => p.id === projectId);
    sawProduction ||= here;
    const listedOthers = found.projects.filter((p) => p.id !== projectId).length;
    others += Math.max(listedOthers, (found.total ?? 0) - (here ? 1 : 0));
  }
  // The token reads the project, yet the search shows nothing at all: the search is blind, not proof of scope.
  if (!sawProduction && others === 0) throw cannotTell(`the project search lists no project, not even ${projectId}, which the token can read`);
  return { others, clients: clientIds.length };
}
