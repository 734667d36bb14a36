// The request log tests assert on: one entry per request, appended on arrival and
// completed (status, fault, bytes) as the request is answered.
import type { IncomingHttpHeaders } from 'node:http';

export type ServerName = 'zerops' | 'upload' | 'github' | 'gitea' | 'buildinfo';

export interface RequestLogEntry {
  seq: number;
  /** Milliseconds since the simulator started (0.1 ms resolution). */
  t: number;
  server: ServerName;
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 when the connection was reset, hung, or is still open. */
  status: number;
  /** Hostname of the service the route concerns (ids resolved to hostnames). */
  service?: string;
  mutating: boolean;
  /** The fault action applied, e.g. 'reset', 'respond', 'delayMs'. */
  fault?: string;
  /** Upload body size in bytes as received. */
  bytes?: number;
  headers: {
    authorization?: string;
    'if-none-match'?: string;
    'user-agent'?: string;
    'content-type'?: string;
  };
  /** Parsed JSON request body, when JSON and smaller than 64 KiB. */
  body?: unknown;
}

const LOGGED_HEADERS = ['authorization', 'if-none-match', 'user-agent', 'content-type'] as const;

export interface BeginRequest {
  server: ServerName;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  mutating: boolean;
  service: string | undefined;
}

export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  private readonly mutatingEntries: RequestLogEntry[] = [];

  constructor(
    private readonly elapsedMs: () => number,
    private readonly verbose: boolean,
  ) {}

  begin(request: BeginRequest): RequestLogEntry {
    const headers: RequestLogEntry['headers'] = {};
    for (const name of LOGGED_HEADERS) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const entry: RequestLogEntry = {
      seq: this.entries.length + 1,
      t: Math.round(this.elapsedMs() * 10) / 10,
      server: request.server,
      method: request.method,
      path: request.path,
      query: request.query,
      status: 0,
      mutating: request.mutating,
      headers,
    };
    if (request.service !== undefined) entry.service = request.service;
    this.entries.push(entry);
    if (entry.mutating && (entry.server === 'zerops' || entry.server === 'upload')) this.mutatingEntries.push(entry);
    return entry;
  }

  /** Records the answer; also the one place verbose output is written (stderr, never stdout). */
  finish(entry: RequestLogEntry, status: number): void {
    entry.status = status;
    if (this.verbose) {
      const fault = entry.fault ? ` [fault: ${entry.fault}]` : '';
      process.stderr.write(`[sim] #${entry.seq} ${entry.server} ${entry.method} ${entry.path} -> ${status || 'no answer'}${fault}\n`);
    }
  }

  /** Zerops and upload mutating calls, in arrival order. */
  mutations(): RequestLogEntry[] {
    return this.mutatingEntries.slice();
  }

  since(seq: number): RequestLogEntry[] {
    return this.entries.slice(Math.max(0, seq));
  }
}
