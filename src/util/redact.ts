// Keeps secrets out of everything the action prints or writes. Every token is
// registered at start; every message that may carry server text passes through here.

const MIN_SECRET_LENGTH = 4;
const AUTH_HEADER = /\b(authorization|x-api-key|cookie|set-cookie)\s*[:=]\s*("[^"]*"|'[^']*'|[^\s,;}]+(\s+[^\s,;}]+)?)/gi;
// A credential after "Bearer"/"token": long and containing a digit, so ordinary prose is left alone.
const BEARER = /\b(bearer|token)\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}/gi;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined | null): void {
    if (!secret) return;
    const s = secret.trim();
    if (s.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(s);
    // A server may echo credentials encoded (Basic auth, debug dumps): hide the base64 forms too.
    for (const form of encodedForms(s)) this.secrets.add(form);
  }

  list(): string[] {
    return [...this.secrets];
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(s).join('***');
    }
    return out.replace(AUTH_HEADER, '$1: ***').replace(BEARER, '$1 ***');
  }
}

/**
 * Base64/base64url of the secret and of its Authorization header values, plus the part of
 * its encoding that is the same at any position inside a larger base64 blob (three byte
 * alignments). Only forms long enough not to match ordinary text are kept.
 */
function encodedForms(secret: string): string[] {
  const out = new Set<string>();
  for (const enc of ['base64', 'base64url'] as const) {
    for (const wrapped of [secret, `Bearer ${secret}`, `token ${secret}`]) out.add(Buffer.from(wrapped).toString(enc).replace(/=+$/, ''));
    for (let k = 1; k < 3; k++) {
      const bytes = Buffer.concat([Buffer.alloc(k), Buffer.from(secret)]);
      out.add(bytes.toString(enc).slice(k === 1 ? 2 : 3, Math.floor(bytes.length / 3) * 4));
    }
  }
  return [...out].filter((f) => f.length >= 16);
}

/** Cuts text to `max` characters and strips control characters (except newline and tab). */
export function capText(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}… (${clean.length - max} more characters)` : clean;
}
