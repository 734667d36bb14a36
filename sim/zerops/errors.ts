// Zerops error answers: always {"error": {"code", "message", "meta"}}. The codes are
// the simulator's own plausible names; clients must key on the HTTP status.
import { HttpError, jsonReply } from '../http.js';

export function zeropsError(status: number, code: string, message: string, meta: unknown = null): HttpError {
  return new HttpError(jsonReply(status, { error: { code, message, meta } }));
}

export const badRequest = (code: string, message: string, meta: unknown = null): HttpError => zeropsError(400, code, message, meta);

export const unauthorized = (): HttpError => zeropsError(401, 'unauthorized', 'missing or invalid access token');

export const forbidden = (what: string, id: string): HttpError =>
  zeropsError(403, 'forbidden', `the access token does not reach ${what} ${id}`, { id });

export const notFound = (what: 'project' | 'serviceStack' | 'appVersion' | 'process', id: string): HttpError =>
  zeropsError(404, `${what}NotFound`, `${what} ${id} not found`, { id });
