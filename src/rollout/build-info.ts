// Asks the app itself which commit it serves. "Process finished" is not proof: a
// tenant can keep serving the old build for a long time. Each answer is classified,
// because stale (200, other SHA) and unreachable need different fixes.
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import { fillVerifyUrl } from '../settings/settings.js';
import { urlProblem } from '../settings/urls.js';
import { atPath } from '../util/shape.js';
import { capText } from '../util/redact.js';

export type ProbeKind = 'ok' | 'stale' | 'unreachable' | 'malformed';

export interface ProbeResult {
  kind: ProbeKind;
  /** The SHA the app reported, when it reported one. */
  observed: string | null;
  detail: string;
}

const MAX_REDIRECTS = 3;
const MAX_BODY = 64 * 1024;

/** The reported SHA matches when it is the full SHA or a prefix of at least 7 characters. */
export function shaMatches(reported: string, target: string): boolean {
  const r = reported.trim().toLowerCase();
  return r.length >= 7 && r.length <= 40 && /^[0-9a-f]+$/.test(r) && target.toLowerCase().startsWith(r);
}

export class BuildInfoProbe {
  constructor(
    private readonly http: HttpClient,
    private readonly template: string,
    private readonly field: readonly string[],
    private readonly allowHttp: boolean,
    private readonly timeoutMs: number,
  ) {}

  urlFor(hostname: string, sha: string): string {
    return fillVerifyUrl(this.template, hostname, sha);
  }

  async probe(hostname: string, expectSha: string, signal?: AbortSignal): Promise<ProbeResult> {
    let url = this.urlFor(hostname, expectSha);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let status: number;
      let data: unknown;
      let location: string | undefined;
      try {
        const res = await this.http.send({
          method: 'GET',
          url,
          what: `build-info of ${hostname}`,
          anonymous: true,
          retries: 0,
          timeoutMs: this.timeoutMs,
          maxResponseBytes: MAX_BODY,
          accept: [301, 302, 303, 307, 308],
          signal,
        });
        status = res.status;
        data = res.data;
        location = res.headers.location;
      } catch (err) {
        if (err instanceof HttpError && err.kind === 'body' && err.status !== undefined && err.status < 300) {
          return { kind: 'malformed', observed: null, detail: err.detail };
        }
        if (err instanceof HttpError && err.kind === 'aborted') throw err;
        return { kind: 'unreachable', observed: null, detail: err instanceof HttpError ? err.detail : String(err) };
      }
      if (status >= 300) {
        if (!location) return { kind: 'unreachable', observed: null, detail: `HTTP ${status} without a Location` };
        const next = new URL(location, url).toString();
        const problem = urlProblem(next, { allowHttp: this.allowHttp, what: 'verify-url' });
        if (problem) return { kind: 'unreachable', observed: null, detail: `redirected to a refused URL (${capText(next, 100)} ${problem})` };
        url = next;
        continue;
      }
      const value = atPath(typeof data === 'string' ? parseLoose(data) : data, this.field);
      if (typeof value !== 'string' || value.trim() === '') {
        return { kind: 'malformed', observed: null, detail: `the answer has no \`${this.field.join('.')}\` string` };
      }
      const observed = capText(value.trim(), 64);
      if (shaMatches(observed, expectSha)) return { kind: 'ok', observed, detail: `serving ${observed.slice(0, 12)}` };
      return { kind: 'stale', observed, detail: `still serving ${observed.slice(0, 12)}` };
    }
    return { kind: 'unreachable', observed: null, detail: `more than ${MAX_REDIRECTS} redirects` };
  }
}

/** Some apps send JSON as text/plain; accept it. */
function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
