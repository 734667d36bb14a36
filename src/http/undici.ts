// The two parts of undici the HTTP client uses: the keep-alive Agent and request().
// Importing the package root evaluates all of undici (fetch, WebSocket, caches, mocks,
// proxies…): half of the bundle, parsed at every start before the first request.
import type { Dispatcher } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import apiRequest from 'undici/lib/api/api-request.js';

export { Agent };

/** undici's request(url, opts) with an explicit dispatcher. */
export function request(url: string, opts: Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher }): Promise<Dispatcher.ResponseData> {
  const u = new URL(url);
  return apiRequest.call(opts.dispatcher, { ...opts, origin: u.origin, path: `${u.pathname}${u.search}` });
}
