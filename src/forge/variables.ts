// Reading the live kill-switch variable. The answer decides whether production may
// change, so every outcome is explicit: 404 = unset, 403 = this token may not read
// variables, and anything else that is not a value (401, 5xx, timeout) = unreadable.
import type { HttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import { capText } from '../util/redact.js';
import type { VariableRead } from './types.js';

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
    if (res.status === 404) return { kind: 'unset' };
    if (res.status === 401) return { kind: 'unreadable', detail: 'HTTP 401: the control-token is invalid or expired' };
    const body = res.data as Record<string, unknown> | null;
    const value = body && typeof body === 'object' ? body[field] : undefined;
    if (typeof value !== 'string') return { kind: 'unreadable', detail: `the answer has no \`${field}\` field` };
    return { kind: 'value', value };
  } catch (err) {
    if (err instanceof HttpError && err.kind === 'status' && err.status === 403 && !err.rateLimited) {
      return { kind: 'forbidden', detail: hints.forbiddenHint };
    }
    return { kind: 'unreadable', detail: capText(err instanceof Error ? err.message : String(err), 240) };
  }
}
