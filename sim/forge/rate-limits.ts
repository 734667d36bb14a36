// GitHub's rate-limit answers as fault specs the tests can arm (Simulator.addFault):
// primary limits (403 or 429, `x-ratelimit-remaining: 0`, a reset time) and secondary
// limits (403 or 429, "secondary rate limit" in the message, `retry-after` optional,
// remaining > 0). Bodies and headers follow docs.github.com's rate-limit page.
import type { FaultSpec } from '../faults.js';

const DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

export interface GithubRateLimitFault {
  kind: 'primary' | 'secondary';
  status: 403 | 429;
  /** Path glob of the requests it hits (see FaultSpec.path). */
  path: string;
  method?: string;
  /** Secondary: `retry-after` seconds; omitted = no header (the client must wait at least a minute). */
  retryAfterS?: number;
  /** Primary: seconds until `x-ratelimit-reset` (default 2). */
  resetInS?: number;
  times?: number;
  skip?: number;
}

export function githubRateLimitFault(o: GithubRateLimitFault): FaultSpec {
  const resetEpoch = Math.ceil(Date.now() / 1000) + (o.resetInS ?? 2);
  const headers: Record<string, string> =
    o.kind === 'primary'
      ? { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '1000', 'x-ratelimit-reset': String(resetEpoch), 'x-ratelimit-resource': 'core' }
      : { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '917', 'x-ratelimit-used': '83', 'x-ratelimit-reset': String(resetEpoch + 3600), 'x-ratelimit-resource': 'core' };
  if (o.kind === 'secondary' && o.retryAfterS !== undefined) headers['retry-after'] = String(o.retryAfterS);
  const message =
    o.kind === 'primary'
      ? 'API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.'
      : 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';
  return {
    server: 'github',
    method: o.method ?? 'GET',
    path: o.path,
    ...(o.times !== undefined ? { times: o.times } : {}),
    ...(o.skip !== undefined ? { skip: o.skip } : {}),
    respond: { status: o.status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify({ message, documentation_url: DOCS, status: String(o.status) }) },
  };
}
