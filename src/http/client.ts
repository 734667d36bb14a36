// The one HTTP client every adapter uses (Zerops, GitHub, Gitea, build-info): a
// keep-alive undici pool per origin, a timeout on every request, bounded jittered
// retries only where repeating is safe, server-requested waits honoured, ETag
// conditional GETs, capped response bodies, and error text passed through redaction.
import { Transform, type Readable } from 'node:stream';
import pRetry, { AbortError } from 'p-retry';
import type { Dispatcher } from 'undici';
import { Agent, request } from './undici.js';
import { capText, type Redactor } from '../util/redact.js';
import type { Clock } from '../util/sleep.js';
import { HttpError } from './errors.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface RequestOptions {
  method: Method;
  /** Absolute URL, or a path joined to the client's base URL. */
  url: string;
  /** What this request does, in words: it leads every error message. */
  what: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  /** Streamed request body; a factory, so a retried upload sends a fresh stream. */
  body?: () => Readable;
  /** Safe to send again when the outcome is unknown (GET always is). */
  idempotent?: boolean;
  /** Overrides the client's timeout; `null` disables the total deadline (uploads). */
  timeoutMs?: number | null;
  maxResponseBytes?: number;
  /** Send If-None-Match with the last ETag of this URL and accept 304. */
  conditional?: boolean;
  /** Statuses that are answers, not errors (e.g. 404 for "variable not set"). */
  accept?: number[];
  /** Longest rate-limit wait this call sits out itself; a longer one is thrown (rateLimited, retryAfterMs) to a caller that has its own deadline. */
  maxRateLimitWaitMs?: number;
  /** Attempts after the first; defaults to the client's policy, 0 for no retry. */
  retries?: number;
  signal?: AbortSignal;
  /** Skip the auth header (pre-signed upload URLs, public build-info endpoints). */
  anonymous?: boolean;
  /** The answer's body means nothing to us (an object store's upload reply): never parsed. */
  ignoreBody?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
  /** The server answered 304; `data` is the cached body of the last 200. */
  notModified: boolean;
}

export interface RetryPolicy {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Total time spent retrying one request. */
  maxRetryTimeMs: number;
  /** Longest server-requested wait (retry-after, rate-limit reset) accepted. */
  maxServerWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  minDelayMs: 250,
  maxDelayMs: 5000,
  maxRetryTimeMs: 120_000,
  maxServerWaitMs: 60_000,
};

export interface HttpClientOptions {
  baseUrl?: string;
  /** Full Authorization header value, e.g. `Bearer …` or `token …`. */
  authorization?: string;
  userAgent: string;
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  /** Connections per origin: the documented bound on concurrent requests to one host. */
  connections: number;
  redactor: Redactor;
  clock: Clock;
  /** Called on each retry, for a debug line. */
  onRetry?: (message: string) => void;
  dispatcher?: Dispatcher;
}

export interface HttpStats {
  requests: number;
  notModified: number;
  retries: number;
}

const DEFAULT_MAX_RESPONSE = 8 * 1024 * 1024;

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, notModified: 0, retries: 0 };
  private readonly etags = new Map<string, { etag: string; data: unknown }>();
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly retry: RetryPolicy;

  constructor(private readonly opts: HttpClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher =
      opts.dispatcher ??
      new Agent({ connections: opts.connections, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, pipelining: 1 });
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.destroy().catch(() => undefined);
  }

  async send<T = unknown>(req: RequestOptions): Promise<HttpResponse<T>> {
    const idempotent = req.idempotent ?? req.method === 'GET';
    const retries = req.retries ?? this.retry.retries;
    const maxWait = (err: HttpError) => (err.rateLimited ? Math.min(req.maxRateLimitWaitMs ?? Infinity, this.retry.maxServerWaitMs) : this.retry.maxServerWaitMs);
    return pRetry(
      async (attempt) => {
        if (attempt > 1) this.stats.retries++;
        return this.once<T>(req);
      },
      {
        retries,
        factor: 2,
        minTimeout: this.retry.minDelayMs,
        maxTimeout: this.retry.maxDelayMs,
        maxRetryTime: this.retry.maxRetryTimeMs,
        randomize: true,
        signal: req.signal,
        shouldRetry: ({ error }) => error instanceof HttpError && retryable(error, idempotent),
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (!(error instanceof HttpError) || !retryable(error, idempotent) || retriesLeft <= 0) return;
          const wait = error.retryAfterMs;
          if (wait !== undefined && wait > 0) {
            if (wait > maxWait(error)) {
              throw new HttpError({
                kind: error.kind,
                what: req.what,
                status: error.status,
                rateLimited: error.rateLimited,
                retryAfterMs: wait,
                detail: `${error.detail} — the server asks to wait ${Math.ceil(wait / 1000)}s, longer than the ${Math.ceil(maxWait(error) / 1000)}s this call waits`,
              });
            }
            this.opts.onRetry?.(`${req.what}: ${error.message}; waiting ${Math.ceil(wait / 1000)}s as the server asked`);
            await this.opts.clock.sleep(wait, req.signal);
          } else {
            this.opts.onRetry?.(`${req.what}: ${error.message}; retrying (${retriesLeft} left)`);
          }
        },
      },
    ).catch((err: unknown) => {
      if (err instanceof HttpError) throw err;
      if (req.signal?.aborted) throw new HttpError({ kind: 'aborted', what: req.what, detail: 'cancelled' });
      throw err;
    });
  }

  private async once<T>(req: RequestOptions): Promise<HttpResponse<T>> {
    const url = this.buildUrl(req);
    const headers: Record<string, string> = {
      'user-agent': this.opts.userAgent,
      accept: 'application/json',
      ...req.headers,
    };
    if (this.opts.authorization && !req.anonymous) headers.authorization = this.opts.authorization;
    const cacheKey = `${req.method} ${url}`;
    const cached = req.conditional ? this.etags.get(cacheKey) : undefined;
    if (cached) headers['if-none-match'] = cached.etag;

    let body: string | Readable | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.body) {
      body = req.body();
    }

    const timeoutMs = req.timeoutMs === undefined ? this.opts.timeoutMs : req.timeoutMs;
    const signals: AbortSignal[] = [];
    if (req.signal) signals.push(req.signal);
    // Timer and links are released as soon as the request is done: AbortSignal.timeout/any would
    // keep a timer and a registration alive for the whole timeout after every request (memory, GC).
    const deadline = timeoutMs === null ? null : deadlineSignal(timeoutMs);
    const timeoutSignal = deadline?.signal;
    if (timeoutSignal) signals.push(timeoutSignal);
    // A streamed body (upload) has no total deadline, but never an endless wait either:
    // it is aborted once nothing moved — no byte taken, no answer — for the client timeout.
    const stall = timeoutMs === null && body !== undefined && typeof body !== 'string' ? stallWatch(this.opts.timeoutMs) : null;
    if (stall && body !== undefined && typeof body !== 'string') {
      body = stall.watch(body);
      signals.push(stall.signal);
    }
    const linked = signals.length > 0 ? linkSignals(signals) : null;
    const signal = linked?.signal;
    const release = () => {
      deadline?.clear();
      linked?.unlink();
    };
    const idleMs = timeoutMs ?? 10 * 60_000;

    this.stats.requests++;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: req.method,
        headers,
        body,
        signal,
        dispatcher: this.dispatcher,
        headersTimeout: idleMs,
        bodyTimeout: timeoutMs ?? this.opts.timeoutMs,
      });
    } catch (err) {
      stall?.stop();
      release();
      if (body && typeof body !== 'string') body.destroy();
      throw this.transportError(req, err, stall?.signal.aborted ? stall.signal : timeoutSignal, timeoutMs ?? this.opts.timeoutMs);
    }
    stall?.stop();

    const responseHeaders = flattenHeaders(res.headers);
    let text: string;
    try {
      text = await readCapped(res.body, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE);
    } catch (err) {
      throw err instanceof BodyTooLarge
        ? new HttpError({ kind: 'body', what: req.what, status: res.statusCode, detail: err.message })
        : this.transportError(req, err, timeoutSignal, timeoutMs);
    } finally {
      release();
    }

    if (res.statusCode === 304 && cached) {
      this.stats.notModified++;
      return { status: 304, headers: responseHeaders, data: cached.data as T, notModified: true };
    }
    const ok = (res.statusCode >= 200 && res.statusCode < 300) || (req.accept ?? []).includes(res.statusCode);
    if (!ok) throw this.statusError(req, res.statusCode, responseHeaders, text);

    let data: unknown = text;
    if (req.ignoreBody) {
      data = null;
    } else if (text.length > 0 && /json/i.test(responseHeaders['content-type'] ?? 'application/json')) {
      try {
        data = JSON.parse(text);
      } catch {
        throw new HttpError({
          kind: 'body',
          what: req.what,
          status: res.statusCode,
          detail: `HTTP ${res.statusCode} with a malformed JSON body (${text.length} bytes)`,
        });
      }
    } else if (text.length === 0) {
      data = null;
    }
    const etag = responseHeaders.etag;
    if (req.conditional && etag && res.statusCode === 200) this.etags.set(cacheKey, { etag, data });
    return { status: res.statusCode, headers: responseHeaders, data: data as T, notModified: false };
  }

  private buildUrl(req: RequestOptions): string {
    const base = /^https?:\/\//.test(req.url) ? req.url : `${this.opts.baseUrl ?? ''}${req.url}`;
    if (!req.query) return base;
    const u = new URL(base);
    for (const [k, v] of Object.entries(req.query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  private transportError(req: RequestOptions, err: unknown, timeoutSignal: AbortSignal | undefined, timeoutMs: number | null): HttpError {
    const code = (err as { code?: string })?.code ?? '';
    if (timeoutSignal?.aborted || /TIMEOUT/.test(code)) {
      return new HttpError({ kind: 'timeout', what: req.what, detail: `no answer within ${Math.round((timeoutMs ?? 0) / 1000)}s` });
    }
    if (req.signal?.aborted) return new HttpError({ kind: 'aborted', what: req.what, detail: 'cancelled' });
    const reason = code ? `${code}` : err instanceof Error ? err.message : String(err);
    return new HttpError({ kind: 'network', what: req.what, detail: `network error (${capText(this.opts.redactor.redact(reason), 120)})` });
  }

  private statusError(req: RequestOptions, status: number, headers: Record<string, string>, text: string): HttpError {
    const { code, message } = errorBody(text);
    const rateLimited = isRateLimited(status, headers, message);
    const asked = serverWait(headers, this.opts.clock.now());
    // A secondary limit may come without any wait: GitHub asks for at least a minute then.
    const retryAfterMs = rateLimited ? (asked ?? SECONDARY_LIMIT_WAIT_MS) : asked;
    const said = message ?? (text && !/^\s*</.test(text) ? text : '');
    // Redact before capping: a cap that cuts a token in half would leave a piece the redactor no longer recognises.
    const shownCode = code ? capText(this.opts.redactor.redact(code), 80) : '';
    const detail = [`HTTP ${status}`, shownCode ? `(${shownCode})` : '', said ? `: ${capText(this.opts.redactor.redact(said), 200)}` : '']
      .filter(Boolean)
      .join(' ')
      .replace(' :', ':');
    return new HttpError({ kind: 'status', what: req.what, status, apiCode: code, retryAfterMs: rateLimited || status === 503 ? retryAfterMs : undefined, rateLimited, detail });
  }
}

/** Retry only what is safe: any request the server refused before acting (429, rate-limit 403); idempotent ones also on 5xx, resets, timeouts and truncated bodies. */
export function retryable(err: HttpError, idempotent: boolean): boolean {
  if (err.kind === 'aborted') return false;
  if (err.rateLimited) return true;
  if (!idempotent) return false;
  if (err.kind === 'network' || err.kind === 'timeout' || err.kind === 'body') return true;
  return err.kind === 'status' && [500, 502, 503, 504].includes(err.status ?? 0);
}

/** Without retry-after or a reset, a secondary rate limit is waited out this long (as @octokit/plugin-throttling does). */
export const SECONDARY_LIMIT_WAIT_MS = 60_000;

/**
 * GitHub rate limits: primary (403/429 with `x-ratelimit-remaining: 0`) and secondary (403/429
 * with "secondary rate limit" in the message, `retry-after` optional). Any 429 counts too.
 */
export function isRateLimited(status: number, headers: Record<string, string>, message: string | undefined): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(message ?? '');
}

function serverWait(headers: Record<string, string>, nowMs: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  const reset = Number(headers['x-ratelimit-reset']);
  // One second past the reset, so the retry lands after it (as Octokit's throttling does).
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 + 1000 - nowMs);
  return undefined;
}

function errorBody(text: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown }; message?: unknown };
    const code = typeof parsed?.error?.code === 'string' ? parsed.error.code : undefined;
    const message =
      typeof parsed?.error?.message === 'string' ? parsed.error.message : typeof parsed?.message === 'string' ? parsed.message : undefined;
    return { code, message };
  } catch {
    return {};
  }
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

class BodyTooLarge extends Error {}

/** AbortSignal.timeout whose timer can be cleared once the request is done. */
function deadlineSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** AbortSignal.any whose listeners on the (long-lived) source signals can be removed once the request is done. */
function linkSignals(signals: readonly AbortSignal[]): { signal: AbortSignal; unlink: () => void } {
  const controller = new AbortController();
  const aborted = signals.find((s) => s.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, unlink: () => undefined };
  }
  const offs = signals.map((s) => {
    const on = () => controller.abort(s.reason);
    s.addEventListener('abort', on, { once: true });
    return () => s.removeEventListener('abort', on);
  });
  return { signal: controller.signal, unlink: () => offs.forEach((off) => off()) };
}

/** Aborts when a watched stream passed no byte (and, once it ended, no answer came) for `ms`. */
function stallWatch(ms: number): { signal: AbortSignal; watch: (src: Readable) => Readable; stop: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const kick = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no progress for ${ms} ms`)), ms);
  };
  return {
    signal: controller.signal,
    watch: (src) => {
      const out = new Transform({
        transform(chunk, _encoding, done) {
          kick();
          done(null, chunk);
        },
        flush(done) {
          kick();
          done();
        },
      });
      src.on('error', (err) => out.destroy(err));
      out.on('close', () => src.destroy());
      kick();
      return src.pipe(out);
    },
    stop: () => clearTimeout(timer),
  };
}

async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      body.destroy();
      throw new BodyTooLarge(`response larger than ${Math.round(max / 1024)} KiB`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export { AbortError };
