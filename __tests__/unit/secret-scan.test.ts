// The secret scan used by the fault-matrix suite must be able to fail, and the redactor
// and HTTP client must hide what it looks for: encoded tokens, and tokens cut in half
// by a length cap. Also: a streamed upload the server stops taking is not waited on forever.
import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { formsOf, scanForSecrets } from '../../scripts/lib/secret-scan.js';
import { HttpError } from '../../src/http/errors.js';
import { Redactor } from '../../src/util/redact.js';
import { scriptedClients } from '../helpers/scripted-client.js';

const TOKEN = 'zt-prod-8f3a9c2e71b44d05a6e1';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('scanForSecrets', () => {
  it('finds the token as given, in another case, hex, base64 (alone, as a header value, inside a larger blob) and any 12-character piece', () => {
    const planted: Record<string, string> = {
      raw: `error: ${TOKEN} rejected`,
      upper: `ERROR ${TOKEN.toUpperCase()}`,
      hex: Buffer.from(TOKEN).toString('hex'),
      bearer64: `basic ${b64(`Bearer ${TOKEN}`)}`,
      blob0: b64(`{"headers":{"authorization":"Bearer ${TOKEN}"}}`),
      blob1: b64(`x{"authorization":"${TOKEN}"}`),
      blob2: b64(`xy${TOKEN}`),
      url64: Buffer.from(`..${TOKEN}`).toString('base64url'),
      cut: `credentials Bearer ${TOKEN.slice(0, 14)}… (55 more characters)`,
      tail: `…${TOKEN.slice(-13)}`,
    };
    for (const [name, text] of Object.entries(planted)) {
      const scan = scanForSecrets(text, [TOKEN]);
      expect({ name, leaks: scan.leaks.length }).toEqual({ name, leaks: 1 });
      expect(scan.leaks[0]?.context).not.toContain(TOKEN.slice(0, 12));
    }
  });

  it('accepts the runner mask command (and counts it), and nothing that merely resembles the token', () => {
    const text = [`::add-mask::${TOKEN}`, 'Target: 0388edc49ffe413afffb65a3ffe51340c030892d', `zt-prod-***`, TOKEN.slice(0, 11), `::add-mask::${TOKEN}x`].join('\n');
    const scan = scanForSecrets(text, [TOKEN]);
    expect(scan.masked[TOKEN]).toBe(1);
    // The last line is not a mask command for the token: it leaks it.
    expect(scan.leaks.map((l) => l.form)).toEqual(['raw']);
    expect(scanForSecrets(text.split('\n').slice(0, 4).join('\n'), [TOKEN]).leaks).toEqual([]);
  });

  it('searches many forms per secret', () => {
    expect(formsOf(TOKEN).length).toBeGreaterThan(20);
  });
});

describe('Redactor: encoded forms', () => {
  it('hides the base64 of the token and of its Authorization header, also inside a larger base64 blob', () => {
    const r = new Redactor();
    r.add(TOKEN);
    for (const text of [b64(TOKEN), b64(`Bearer ${TOKEN}`), b64(`token ${TOKEN}`), b64(`{"authorization":"Bearer ${TOKEN}"}`), b64(`ab${TOKEN}cd`), Buffer.from(`a${TOKEN}`).toString('base64url')]) {
      expect(scanForSecrets(r.redact(`dump: ${text}`), [TOKEN]).leaks).toEqual([]);
    }
  });

  it('still leaves ordinary text alone', () => {
    const r = new Redactor();
    r.add(TOKEN);
    expect(r.redact('read check runs failed: HTTP 503 (aGVsbG8=)')).toBe('read check runs failed: HTTP 503 (aGVsbG8=)');
  });
});

const setup = scriptedClients();

describe('HttpClient error text', () => {
  it('redacts before it caps: a token echoed across the 200-character cap leaves no piece behind', async () => {
    // 167 + "credentials " + "Bearer " = 186: the cap falls 14 characters into the token.
    const body = `${'u'.repeat(167)}credentials Bearer ${TOKEN} were not accepted`;
    const { client } = await setup([(_req, res) => res.writeHead(401, { 'content-type': 'text/plain' }).end(body)], { timeoutMs: 2000, secret: TOKEN });
    const err = await client
      .send({ method: 'GET', url: '/x', what: 'read x', retries: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(scanForSecrets((err as HttpError).message, [TOKEN]).leaks).toEqual([]);
  });

  it('caps and redacts the error code too', async () => {
    const { client } = await setup([(_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: `bad:${'c'.repeat(500)}${TOKEN}`, message: 'no' } }))], { timeoutMs: 2000, secret: TOKEN });
    const err = (await client
      .send({ method: 'GET', url: '/x', what: 'read x', retries: 0 })
      .catch((e: unknown) => e)) as HttpError;
    expect(err.message.length).toBeLessThan(300);
    expect(scanForSecrets(err.message, [TOKEN]).leaks).toEqual([]);
  });
});

describe('HttpClient streamed uploads', () => {
  it('gives up on an upload the server never answers (no total deadline, but no endless wait)', async () => {
    const { client } = await setup([() => undefined], { timeoutMs: 300, secret: TOKEN }); // reads the body, never answers
    const err = await client
      .send({ method: 'PUT', url: '/upload', what: 'upload', body: () => Readable.from([Buffer.from('archive')]), idempotent: true, anonymous: true, timeoutMs: null, retries: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('timeout');
  }, 30_000);

  it('keeps an upload that goes on making progress, however long it takes in all', async () => {
    const { client } = await setup([(_req, res, body) => res.writeHead(200, { 'content-type': 'text/plain' }).end(String(body.length))], { timeoutMs: 300, secret: TOKEN });
    // 30 chunks, one every 20 ms: longer in all than the 300 ms timeout, never idle for it.
    async function* slow() {
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 20));
        yield Buffer.from('x'.repeat(100));
      }
    }
    const res = await client.send({ method: 'PUT', url: '/upload', what: 'upload', body: () => Readable.from(slow()), idempotent: true, anonymous: true, timeoutMs: null, retries: 0 });
    expect(res.data).toBe('3000');
  }, 30_000);
});
