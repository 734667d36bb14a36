// Zerops error answers: always {"error": {"code", "message", "meta"}} (SDK apiError.Error).
// Only codes from the SDK's errorCode list (zeropsio/zerops-go errorCode/codes.go) may be
// sent; which one the platform picks for a case is mostly unknown, so clients must not
// key on more than the few live-verified ones (appVersionInvalidStatus, zeropsYamlSetupNotFound).
import { HttpError, jsonReply } from '../http.js';

/** Every code the simulator's Zerops API can send; each is a real SDK error code (unit-tested). */
export const SIM_ERROR_CODES = [
  'notAuthorized',
  'insufficientPrivileges',
  'notFound',
  'invalidUserInput',
  'projectNotFound',
  'serviceStackNotFound',
  'serviceStackTypeNotFound',
  'appVersionNotFound',
  'processNotFound',
  'userServiceStackRequired',
  'serviceStackIsSystemNotSupported',
  'serviceStackStatusNotSupported',
  'serviceStackCreating',
  'serviceStackUpgrading',
  'activeServiceStackRequired',
  'appVersionInvalidStatus',
  'appVersionIsBeingDeployed',
  'appVersionDataNotAvailable',
  'appVersionYamlConfigRequired',
  'deployProcessAlreadyCreated',
  'zeropsYamlInvalidYaml',
  'zeropsYamlInvalidParameter',
  'zeropsYamlSetupNotFound',
  'nothingToCancel',
  'processAlreadyFinished',
  'processCanNoLongerBeCanceled',
] as const;

export type SimErrorCode = (typeof SIM_ERROR_CODES)[number];

export function zeropsError(status: number, code: SimErrorCode, message: string, meta: unknown = null): HttpError {
  return new HttpError(jsonReply(status, { error: { code, message, meta } }));
}

export const badRequest = (code: SimErrorCode, message: string, meta: unknown = null): HttpError => zeropsError(400, code, message, meta);

export const unauthorized = (): HttpError => zeropsError(401, 'notAuthorized', 'missing or invalid access token');

export const forbidden = (what: string, id: string): HttpError =>
  zeropsError(403, 'insufficientPrivileges', `the access token does not reach ${what} ${id}`, { id });

export const notFound = (what: 'project' | 'serviceStack' | 'appVersion' | 'process', id: string): HttpError =>
  zeropsError(404, `${what}NotFound`, `${what} ${id} not found`, { id });

/**
 * Zerops ids are 22 base64url characters; a malformed one is refused as input (400
 * invalidUserInput), not looked up (zcli relies on this). 16–32 keeps hand-written scenario ids usable.
 */
const ID_SHAPE = /^[A-Za-z0-9_-]{16,32}$/;

export function assertIdShape(id: string, parameter: string): void {
  if (!ID_SHAPE.test(id)) throw badRequest('invalidUserInput', `${parameter} is not a valid id`, { parameter });
}
