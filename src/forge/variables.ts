// Reading the live kill-switch variable. The answer decides whether production may
// change, so every outcome is explicit: 404 = unset (once the token is proven to see the
// repository), 403 = this token may not read variables, and anything else that is not a
// value (401, rate limits, 5xx, timeout, a repository the token cannot see) = unreadable.
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import { capText } from '../util/redact.js';
import type { VariableRead } from './types.js';

/** Repository URLs each control client was seen to reach (200), for the rest of the run. */
const provenVisible = new WeakMap<HttpClient, Set<string>>();

export async function readVariableWith(
  client: HttpClient | null,
  url: string,
  headers: Record<string, string>,
  field: 'value' | 'data',
  hints: { forbiddenHint: string },
): Promise<VariableRead> {
  if (!client) return { kind: 'unreadable', detail: 'no control-token is configured' };
  try {
    const res = await client.send({
      method: 'GET',
      url,
      what: 'read the kill-switch variable',
      headers,
      accept: [401, 404],
      conditional: true,
      retries: 2,
    });
    if (res.status === 404) return (await repositoryUnseen(client, repositoryUrlOf(url), headers)) ?? { kind: 'unset' };
    if (res.status === 401) return { kind: 'unreadable', detail: 'HTTP 401: the control-token is invalid or expired' };
    const body = res.data as Record<string, unknown> | null;
    const value = body && typeof body === 'object' ? body[field] : undefined;
    if (typeof value !== 'string') return { kind: 'unreadable', detail: `the answer has no \`${field}\` field` };
    return { kind: 'value', value };
  } catch (err) {
    if (err instanceof HttpError && err.kind === 'status' && err.status === 403 && !isRateLimit(err)) {
      return { kind: 'forbidden', detail: hints.forbiddenHint };
    }
    return { kind: 'unreadable', detail: capText(err instanceof Error ? err.message : String(err), 240) };
  }
}

/** `/repos/o/r/actions/variables/NAME` → `/repos/o/r`. */
function repositoryUrlOf(variableUrl: string): string {
  return variableUrl.replace(/\/actions\/variables\/[^/]*$/, '');
}

/** A throttled 403 says nothing about permissions, whatever headers came with it. */
function isRateLimit(err: HttpError): boolean {
  return err.rateLimited || /rate limit/i.test(err.detail);
}

/**
 * Both forges answer 404 for a private repository the token cannot see, exactly as for
 * a missing variable. So a 404 means "unset" only once the same token has read the
 * repository itself; otherwise the switch cannot be read. Null = the repository is visible.
 */
async function repositoryUnseen(client: HttpClient, repoUrl: string, headers: Record<string, string>): Promise<VariableRead | null> {
  const proven = provenVisible.get(client) ?? new Set<string>();
  provenVisible.set(client, proven);
  if (proven.has(repoUrl)) return null;
  const res = await client.send({ method: 'GET', url: repoUrl, what: 'check the control-token can see the repository', headers, accept: [401, 403, 404], retries: 2 });
  if (res.status === 200) {
    proven.add(repoUrl);
    return null;
  }
  if (res.status === 401) return { kind: 'unreadable', detail: 'HTTP 401: the control-token is invalid or expired' };
  const said = (res.data as { message?: unknown } | null)?.message;
  if (res.status === 403 && (res.headers['x-ratelimit-remaining'] === '0' || (typeof said === 'string' && /rate limit/i.test(said)))) {
    return { kind: 'unreadable', detail: 'HTTP 403: rate limited while checking the control-token can see the repository' };
  }
  return {
    kind: 'unreadable',
    detail: `the control-token cannot see this repository (HTTP ${res.status} on the repository itself), so a missing variable cannot be told from a hidden one. Give the control-token access to this repository`,
  };
}
