// Maps each forge's check/status words onto one small set. Anything unknown is a
// failure: a gate that does not understand an answer must not pass it.
import type { CheckState } from './types.js';

export function checkRunState(status: string, conclusion: string | null): { state: CheckState; raw: string } {
  if (status !== 'completed') return { state: 'pending', raw: status };
  const raw = `completed/${conclusion ?? 'none'}`;
  switch (conclusion) {
    case 'success':
      return { state: 'success', raw };
    case 'neutral':
      return { state: 'neutral', raw };
    case 'skipped':
      return { state: 'skipped', raw };
    case null:
      return { state: 'pending', raw };
    default: // failure, cancelled, timed_out, action_required, stale, and anything new
      return { state: 'failure', raw };
  }
}

/** GitHub `state` / Gitea `status` of a commit status. */
export function commitStatusState(value: string): { state: CheckState; raw: string } {
  switch (value) {
    case 'success':
      return { state: 'success', raw: value };
    case 'pending':
    case 'running':
    case 'waiting':
      return { state: 'pending', raw: value };
    case 'skipped':
      return { state: 'skipped', raw: value };
    default: // failure, error, warning (Gitea), and anything new
      return { state: 'failure', raw: value || 'empty' };
  }
}
