// Errors a user can act on carry a stable `code` and, where there is one, the fix.

export type ErrorCode =
  | 'settings'
  | 'config'
  | 'target'
  | 'ref-policy'
  | 'checks'
  | 'stage-proof'
  | 'kill-switch-hold'
  | 'scope'
  | 'preflight'
  | 'plan'
  | 'lock'
  | 'downgrade'
  | 'zerops'
  | 'forge'
  | 'archive'
  | 'cancelled'
  | 'internal';

export class RolloutError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RolloutError';
    this.code = code;
    this.hint = hint;
  }
}

/** A message for anything thrown, including non-Errors (which must never pass as success). */
export function describeError(err: unknown): string {
  if (err instanceof RolloutError) return err.hint ? `${err.message} ${err.hint}` : err.message;
  if (err instanceof Error) return err.message || err.name;
  return `non-error thrown: ${String(err)}`;
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}
