// One error type for every HTTP failure, with what was being done in words a user
// understands. Its message never carries headers, tokens or unbounded bodies.

export type HttpErrorKind = 'status' | 'network' | 'timeout' | 'body' | 'aborted';

export class HttpError extends Error {
  readonly kind: HttpErrorKind;
  readonly status: number | undefined;
  readonly what: string;
  /** The platform's error code (`{"error":{"code"}}` on Zerops), when it sent one. */
  readonly apiCode: string | undefined;
  /** Server-requested wait before retrying (retry-after / x-ratelimit-reset), if any. */
  readonly retryAfterMs: number | undefined;
  readonly rateLimited: boolean;
  /** The message without the leading "what … failed:". */
  readonly detail: string;

  constructor(init: {
    kind: HttpErrorKind;
    what: string;
    detail: string;
    status?: number;
    apiCode?: string;
    retryAfterMs?: number;
    rateLimited?: boolean;
  }) {
    super(`${init.what} failed: ${init.detail}`);
    this.name = 'HttpError';
    this.kind = init.kind;
    this.what = init.what;
    this.status = init.status;
    this.apiCode = init.apiCode;
    this.retryAfterMs = init.retryAfterMs;
    this.rateLimited = init.rateLimited ?? false;
    this.detail = init.detail;
  }

  /** True when the server may not have seen or acted on the request at all. */
  get effectUnknown(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'body' || (this.status !== undefined && this.status >= 500);
  }
}

export function isHttpStatus(err: unknown, ...statuses: number[]): err is HttpError {
  return err instanceof HttpError && err.kind === 'status' && statuses.includes(err.status ?? -1);
}
