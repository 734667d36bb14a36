// Small node:http building blocks: listening on an ephemeral port with a close() that
// cannot hang, replies as data, body reading, and a path router.
import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A response as data, so faults can transform or drop it before it is sent. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON body; serialised when sent. */
  json?: unknown;
  /** Raw body, used when json is undefined. */
  text?: string;
}

export const jsonReply = (status: number, json: unknown, headers?: Record<string, string>): Reply =>
  headers ? { status, json, headers } : { status, json };

export const textReply = (status: number, text: string, contentType = 'text/plain; charset=utf-8'): Reply => ({
  status,
  text,
  headers: { 'content-type': contentType },
});

/** Thrown by handlers to answer with a prepared error reply. */
export class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

/** The serialised body of a reply, or undefined when it has none. */
export function payloadOf(reply: Reply): string | undefined {
  if (reply.json !== undefined) return JSON.stringify(reply.json);
  return reply.text;
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...reply.headers };
  const payload = reply.status === 304 ? undefined : payloadOf(reply);
  if (payload !== undefined) {
    if (!hasHeader(headers, 'content-type')) {
      headers['content-type'] = reply.json !== undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
    }
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  // An empty content-type asks for none at all (e.g. an object store's bare answer).
  if (headers['content-type'] === '') delete headers['content-type'];
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

export interface Listener {
  readonly url: string;
  /** Stops listening and destroys every open socket (kept-alive or hung). */
  close(): Promise<void>;
}

export async function listen(onRequest: RequestListener): Promise<Listener> {
  const server = http.createServer(onRequest);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** Reads a whole (small) request body; larger than limit → 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(textReply(413, 'request body too large'));
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body when it looks like JSON; undefined otherwise. */
export function parseJsonBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  const declaredJson = contentType?.toLowerCase().includes('json') ?? false;
  if (!declaredJson && !/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface RouteMatch<T> {
  value: T;
  params: Record<string, string>;
}

/**
 * Patterns are paths with `:name` (one segment) and `*name` (one or more segments).
 * Routes are tried in insertion order; the route table is fixed and small, so a linear
 * scan is cheap and independent of how much data the scenario holds.
 */
export class Router<T> {
  private readonly routes: Array<{ method: string; regex: RegExp; names: string[]; value: T }> = [];

  add(method: string, pattern: string, value: T): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          names.push(segment.slice(1));
          return '([^/]+)';
        }
        if (segment.startsWith('*')) {
          names.push(segment.slice(1));
          return '(.+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, regex: new RegExp(`^${source}$`), names, value });
    return this;
  }

  match(method: string, path: string): RouteMatch<T> | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = safeDecode(found[index + 1] ?? '');
      });
      return { value: route.value, params };
    }
    return null;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Integer query parameter, or the fallback when absent or not a number. */
export function intParam(query: Record<string, string>, name: string, fallback: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  return Number.isFinite(value) ? value : fallback;
}
