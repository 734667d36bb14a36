// Looks for secrets in what a run produced: each token as given and in the obvious
// transformations a log line, an error body or an encoder could turn it into — case
// changes, URL/hex encodings, base64 of the token and of its Authorization header
// (at every byte alignment, so it is found inside a larger base64 blob), and any
// 12-character piece of it (a token cut in half by a length cap is still a leak).
//
// `::add-mask::<secret>` lines are the runner protocol for masking: the runner
// consumes them and never shows them, so they are the one place a secret may appear.

export interface SecretForm {
  /** e.g. `raw`, `base64(Bearer …)@1`, `piece[4..16)`. */
  form: string;
  needle: string;
  /** Compared lower-cased (case-insensitive encodings). */
  caseless?: boolean;
}

export interface Leak {
  secret: string;
  form: string;
  /** Where, with the secret's characters starred out. */
  context: string;
}

export interface ScanResult {
  leaks: Leak[];
  /** Forms searched (all secrets). */
  forms: number;
  /** Bytes searched (after removing the runner's add-mask commands). */
  bytes: number;
  /** `::add-mask::` lines seen per secret. */
  masked: Record<string, number>;
}

const PIECE = 12;

/** Base64 of `text` as it would appear inside a larger base64 stream at byte offset `k` (0–2): only the characters fully determined by `text`. */
function base64Core(text: string, k: number, url: boolean): string {
  const bytes = Buffer.concat([Buffer.alloc(k), Buffer.from(text)]);
  let enc = bytes.toString(url ? 'base64url' : 'base64').replace(/=+$/, '');
  // Drop the leading characters that mix in the k unknown bytes, and the trailing partial group.
  const skip = k === 0 ? 0 : k === 1 ? 2 : 3;
  const full = Math.floor(bytes.length / 3) * 4;
  enc = enc.slice(skip, full);
  return enc;
}

export function formsOf(secret: string): SecretForm[] {
  const forms: SecretForm[] = [{ form: 'raw', needle: secret }];
  forms.push({ form: 'any case', needle: secret.toLowerCase(), caseless: true });
  if (encodeURIComponent(secret) !== secret) forms.push({ form: 'url-encoded', needle: encodeURIComponent(secret) });
  forms.push({ form: 'hex', needle: Buffer.from(secret).toString('hex'), caseless: true });
  for (const wrapped of [secret, `Bearer ${secret}`, `token ${secret}`, `x-access-token:${secret}`, `:${secret}`]) {
    forms.push({ form: `base64(${wrapped === secret ? 'token' : wrapped.replace(secret, '…')})`, needle: Buffer.from(wrapped).toString('base64') });
  }
  for (const url of [false, true]) {
    for (let k = 0; k < 3; k++) {
      const core = base64Core(secret, k, url);
      if (core.length >= 12) forms.push({ form: `${url ? 'base64url' : 'base64'} inside a blob @${k}`, needle: core });
    }
  }
  for (let i = 0; i + PIECE <= secret.length; i++) forms.push({ form: `piece[${i}..${i + PIECE})`, needle: secret.slice(i, i + PIECE) });
  return forms;
}

/** Removes the runner's mask commands (counting them per secret); anything else stays. */
export function withoutMaskCommands(text: string, secrets: readonly string[]): { text: string; masked: Record<string, number> } {
  const masked: Record<string, number> = Object.fromEntries(secrets.map((s) => [s, 0]));
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^::add-mask::(.*)$/.exec(line);
    if (m && secrets.includes(m[1] as string)) {
      masked[m[1] as string] = (masked[m[1] as string] ?? 0) + 1;
      continue;
    }
    kept.push(line);
  }
  return { text: kept.join('\n'), masked };
}

export function scanForSecrets(text: string, secrets: readonly string[]): ScanResult {
  const { text: clean, masked } = withoutMaskCommands(text, secrets);
  const lower = clean.toLowerCase();
  const leaks: Leak[] = [];
  let forms = 0;
  for (const secret of secrets) {
    for (const f of formsOf(secret)) {
      forms++;
      const hay = f.caseless ? lower : clean;
      const needle = f.caseless ? f.needle.toLowerCase() : f.needle;
      const at = hay.indexOf(needle);
      if (at < 0) continue;
      const context = clean.slice(Math.max(0, at - 60), at + needle.length + 60).replace(clean.slice(at, at + needle.length), '«' + '*'.repeat(needle.length) + '»');
      leaks.push({ secret: `${secret.slice(0, 4)}…`, form: f.form, context: context.replace(/\n/g, '⏎') });
      break; // one finding per secret is enough to fail
    }
  }
  return { leaks, forms, bytes: Buffer.byteLength(clean), masked };
}
