// Conditional GETs: every 200 GET carries an ETag of its body, and If-None-Match with
// a current ETag gets 304 without a body (and, on GitHub, without a rate-limit charge).
import { createHash } from 'node:crypto';
import type { Reply } from '../http.js';

/** Strong, like GitHub's (`"c6f0c3…"`); If-None-Match still compares weakly. */
export function etagOf(payload: string): string {
  return `"${createHash('sha1').update(payload).digest('hex')}"`;
}

/** Weak comparison, as servers do for If-None-Match; `*` matches anything. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim() === '*' || bare(candidate) === bare(etag));
}

/** Adds an ETag to a 200 GET answer and turns it into a 304 when the client has it already. */
export function conditional(method: string, ifNoneMatch: string | undefined, reply: Reply): { reply: Reply; notModified: boolean } {
  if (method !== 'GET' || reply.status !== 200 || reply.json === undefined) return { reply, notModified: false };
  const etag = etagOf(JSON.stringify(reply.json));
  if (ifNoneMatchHits(ifNoneMatch, etag)) return { reply: { status: 304, headers: { etag } }, notModified: true };
  return { reply: { ...reply, headers: { ...reply.headers, etag } }, notModified: false };
}
