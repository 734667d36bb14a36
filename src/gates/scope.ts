// Production scope: the token must reach the production project, and should reach
// nothing else. A token that sees other projects works, but is flagged loudly.
import { HttpError } from '../http/errors.js';
import { RolloutError } from '../util/errors.js';
import type { ZeropsClient } from '../zerops/client.js';
import type { Project } from '../zerops/types.js';

export interface ScopeResult {
  project: Project;
  /** Null when the token reaches only the production project. */
  warning: string | null;
}

export async function checkScope(zerops: ZeropsClient, projectId: string): Promise<ScopeResult> {
  let project: Project;
  try {
    project = await zerops.getProject(projectId);
  } catch (err) {
    if (err instanceof HttpError && err.kind === 'status' && err.status === 401) {
      throw new RolloutError('scope', `Zerops rejected the token (HTTP 401).`, 'Create a new access token in Zerops (Settings → Access tokens) and store it as the ZEROPS_TOKEN secret.', { cause: err });
    }
    if (err instanceof HttpError && err.kind === 'status' && (err.status === 403 || err.status === 404)) {
      throw new RolloutError('scope', `The Zerops token cannot reach project ${projectId} (HTTP ${err.status}).`, 'Check `project-id`, and give the token access to that project.', { cause: err });
    }
    throw err;
  }
  if (project.id !== projectId) throw new RolloutError('scope', `Zerops answered project ${project.id} when asked for ${projectId}; refusing to continue.`);
  const { projects, total } = await zerops.searchProjects(5);
  const others = projects.filter((p) => p.id !== projectId);
  const count = Math.max(total ?? 0, projects.length);
  const warning =
    others.length > 0 || count > 1
      ? `The Zerops token reaches ${count} projects, not only ${project.name ?? projectId}: it is not production-scoped. Create a token with access to this project only (Zerops → Settings → Access tokens → custom access per project) so a mistake cannot touch other projects.`
      : null;
  return { project, warning };
}
