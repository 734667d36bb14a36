// Optional traffic capture for the conformance suite: with ZR_TRAFFIC_DIR set, every
// request a simulated server answers is appended (one JSON line) to a file in that dir,
// one file per process. Off by default; credentials are never written (only the scheme).
import { appendFileSync, mkdirSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join, resolve } from 'node:path';
import type { ServerName } from './log.js';

/** Environment variable naming the capture directory. */
export const TRAFFIC_DIR_ENV = 'ZR_TRAFFIC_DIR';
/** Response bodies larger than this (serialised) are not written, only flagged. */
const RESPONSE_BODY_CAP = 256 * 1024;
/** Request headers the checks need; authorization is reduced to its scheme. */
const CAPTURED_HEADERS = ['accept', 'content-type', 'content-length', 'transfer-encoding', 'x-github-api-version', 'if-none-match'] as const;

export interface TrafficRecord {
  server: ServerName;
  method: string;
  /** As sent (still percent-encoded). */
  path: string;
  query: Record<string, string>;
  headers: Partial<Record<(typeof CAPTURED_HEADERS)[number], string>>;
  /** `Bearer`, `token`, …; absent when no Authorization header was sent. */
  authScheme?: string;
  /** Parsed JSON request body (absent when none, not JSON, large, or streamed). */
  body?: unknown;
  /** 0 when the connection was dropped or hung. */
  status: number;
  /** The fault that shaped this answer; such answers are not real shapes. */
  fault?: string;
  response?: unknown;
  /** The response had a JSON body too large to capture. */
  responseTruncated?: true;
}

export interface CapturedRequest {
  server: ServerName;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  fault: string | undefined;
}

/** The last directory resolved, so the directory is created once, not per request. */
let resolved: { dir: string; file: string } | undefined;

/** The file this process appends to, or null when capture is off. */
function trafficFile(): string | null {
  const dir = process.env[TRAFFIC_DIR_ENV];
  if (!dir) return null;
  if (resolved?.dir !== dir) {
    const absolute = resolve(dir);
    mkdirSync(absolute, { recursive: true });
    resolved = { dir, file: join(absolute, `traffic-${process.pid}.jsonl`) };
  }
  return resolved.file;
}


/** Builds the record (pure, for tests); the caller decides whether to write it. */
export function trafficRecord(request: CapturedRequest, status: number, response: unknown): TrafficRecord {
  const headers: TrafficRecord['headers'] = {};
  for (const name of CAPTURED_HEADERS) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const record: TrafficRecord = { server: request.server, method: request.method, path: request.path, query: request.query, headers, status };
  const authorization = request.headers.authorization;
  if (authorization) record.authScheme = authorization.trim().split(/\s+/)[0] ?? '';
  if (request.body !== undefined) record.body = request.body;
  if (request.fault) record.fault = request.fault;
  if (response !== undefined) {
    if (JSON.stringify(response).length > RESPONSE_BODY_CAP) record.responseTruncated = true;
    else record.response = response;
  }
  return record;
}

/** Appends one answered request when capture is on; a no-op otherwise. */
export function captureTraffic(request: CapturedRequest, status: number, response: unknown): void {
  const file = trafficFile();
  if (!file) return;
  appendFileSync(file, `${JSON.stringify(trafficRecord(request, status, response))}\n`);
}
