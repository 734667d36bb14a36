import { describe, expect, it } from '@jest/globals';
import { HttpError } from '../../src/http/errors.js';
import { json, reset } from '../helpers/script-server.js';
import { scriptedClients } from '../helpers/scripted-client.js';

const setup = scriptedClients();

describe('HttpClient', () => {
  it('sends auth and user agent, parses JSON', async () => {
    const { server, client } = await setup([json(200, { ok: 1 })]);
    const res = await client.send({ method: 'GET', url: '/x', what: 'read x', query: { a: 1, b: undefined } });
    expect(res.data).toEqual({ ok: 1 });
    expect(server.requests[0]?.url).toBe('/x?a=1');
    expect(server.requests[0]?.headers['user-agent']).toBe('zerops-rollout/test');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok-1234567890');
  });

  it('never sends the token on anonymous requests', async () => {
    const { server, client } = await setup([json(200, {})]);
    await client.send({ method: 'PUT', url: '/upload', what: 'upload', anonymous: true, idempotent: true });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('retries idempotent requests on 502/503/504 and resets', async () => {
    const { server, client } = await setup([json(502, {}), json(503, {}), reset, json(504, {}), json(200, { n: 5 })]);
    expect((await client.send({ method: 'GET', url: '/r', what: 'read' })).data).toEqual({ n: 5 });
    expect(server.requests).toHaveLength(5);
    expect(client.stats.retries).toBe(4);
  });

  it('gives up after its retries with a clear message', async () => {
    const { client } = await setup([json(503, {}), json(503, {}), json(503, {}), json(503, {}), json(503, { error: { code: 'down', message: 'maintenance' } })]);
    await expect(client.send({ method: 'GET', url: '/r', what: 'read the thing' })).rejects.toThrow('read the thing failed: HTTP 503 (down): maintenance');
  });

  it('does not repeat a non-idempotent call whose outcome is unknown', async () => {
    const { server, client } = await setup([json(502, {}), json(200, {})]);
    const err = await client.send({ method: 'PUT', url: '/deploy', what: 'deploy', json: {}, idempotent: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).effectUnknown).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('retries even a non-idempotent call refused with 429, after retry-after', async () => {
    const { server, client } = await setup([json(429, { message: 'slow down' }, { 'retry-after': '1' }), json(200, { ok: true })]);
    const t0 = Date.now();
    await client.send({ method: 'POST', url: '/create', what: 'create', json: {}, idempotent: false });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it('honours x-ratelimit-reset on a 403 rate limit', async () => {
    const reset = String(Math.ceil(Date.now() / 1000) + 1);
    const { server, client } = await setup([json(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), json(200, {})]);
    await client.send({ method: 'GET', url: '/c', what: 'read checks' });
    expect(server.requests).toHaveLength(2);
  });

  it.each([403, 429])('sees a secondary rate limit (%i, no retry-after, remaining > 0) and asks for at least a minute (M3)', async (status) => {
    const body = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' };
    const { server, client } = await setup([json(status, body, { 'x-ratelimit-remaining': '4321' }), json(200, {})]);
    const err = await client.send({ method: 'GET', url: '/c', what: 'read checks', maxRateLimitWaitMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).rateLimited).toBe(true);
    expect((err as HttpError).retryAfterMs).toBe(60_000);
    // Longer than this call may wait: handed to the caller at once, not retried early.
    expect(server.requests).toHaveLength(1);
  });

  it('waits out a secondary rate limit with retry-after within the call budget (M3)', async () => {
    const body = { message: 'You have exceeded a secondary rate limit.' };
    const { server, client } = await setup([json(403, body, { 'retry-after': '1', 'x-ratelimit-remaining': '12' }), json(200, { ok: 1 })]);
    const t0 = Date.now();
    expect((await client.send({ method: 'GET', url: '/c', what: 'read checks' })).data).toEqual({ ok: 1 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a plain 403 or 404', async () => {
    const { server, client } = await setup([json(403, { message: 'Resource not accessible by integration' }), json(200, {})]);
    await expect(client.send({ method: 'GET', url: '/v', what: 'read v' })).rejects.toThrow(/HTTP 403: Resource not accessible/);
    expect(server.requests).toHaveLength(1);
  });

  it('uses ETags: a 304 returns the cached body and is counted', async () => {
    const { server, client } = await setup([
      json(200, { v: 1 }, { etag: '"abc"' }),
      (_req, res) => res.writeHead(304, { etag: '"abc"' }).end(),
    ]);
    await client.send({ method: 'GET', url: '/s', what: 'read', conditional: true });
    const second = await client.send({ method: 'GET', url: '/s', what: 'read', conditional: true });
    expect(server.requests[1]?.headers['if-none-match']).toBe('"abc"');
    expect(second).toMatchObject({ status: 304, notModified: true, data: { v: 1 } });
    expect(client.stats.notModified).toBe(1);
  });

  it('times out a hanging answer and retries it', async () => {
    const { server, client } = await setup([() => undefined, json(200, { late: false })], { timeoutMs: 300 });
    expect((await client.send({ method: 'GET', url: '/h', what: 'read' })).data).toEqual({ late: false });
    expect(server.requests).toHaveLength(2);
  });

  it('reports malformed JSON and oversized bodies', async () => {
    const { client } = await setup([
      (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a": [1, 2'),
      (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('x'.repeat(5000)),
    ]);
    await expect(client.send({ method: 'POST', url: '/m', what: 'read m', idempotent: false })).rejects.toThrow(/malformed JSON/);
    await expect(client.send({ method: 'POST', url: '/big', what: 'read big', maxResponseBytes: 1000, idempotent: false })).rejects.toThrow(/larger than/);
  });

  it('redacts a token echoed back in an error body', async () => {
    const secret = 'zt-super-secret-value-42';
    const { client } = await setup([json(400, { error: { code: 'bad', message: `token ${secret} is invalid` } })], { secret });
    const err = (await client.send({ method: 'GET', url: '/e', what: 'read e' }).catch((e: unknown) => e)) as Error;
    expect(err.message).not.toContain(secret);
    expect(err.message).toContain('***');
  });

  it('stops retrying when cancelled', async () => {
    const { client } = await setup([json(503, {}), json(503, {}), json(503, {})]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('SIGTERM received')), 5);
    const err = (await client.send({ method: 'GET', url: '/x', what: 'read', signal: ac.signal }).catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.kind).toBe('aborted');
  });
});
