// Deterministic identifiers. IDs are derived by hashing the seed with what the object
// is (kind + owner + ordinal), not from a global counter, so concurrent requests that
// interleave differently still produce the same IDs per service.
import { createHash } from 'node:crypto';

/** A 22-character base64url string, shaped like a Zerops ID. */
export function stableId(seed: string | number, ...parts: ReadonlyArray<string | number>): string {
  return createHash('sha256')
    .update([String(seed), ...parts.map(String)].join('\u0000'))
    .digest('base64url')
    .slice(0, 22);
}

/** Short hex digest for ETags and upload signatures. */
export function hexDigest(text: string, length = 40): string {
  return createHash('sha1').update(text).digest('hex').slice(0, length);
}
