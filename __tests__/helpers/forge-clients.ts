// Real HttpClients pointed at a simulated forge, closed after each test: the fixture of the
// forge adapter tests (unit/github-forge, unit/gitea-forge, unit/variables). Call at a
// describe's or file's top level.
import { afterEach } from '@jest/globals';
import { HttpClient, type RetryPolicy } from '../../src/http/client.js';
import { Redactor } from '../../src/util/redact.js';
import { realClock } from '../../src/util/sleep.js';

export type ForgeClientFactory = (baseUrl: string, authorization: string, retry?: Partial<RetryPolicy>) => HttpClient;

export function forgeClients(): ForgeClientFactory {
  const open: HttpClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  return (baseUrl, authorization, retry = {}) => {
    const c = new HttpClient({
      baseUrl,
      authorization,
      userAgent: 'zerops-rollout/test',
      timeoutMs: 2000,
      connections: 2,
      redactor: new Redactor(),
      clock: realClock,
      retry: { minDelayMs: 5, maxDelayMs: 20, ...retry },
    });
    open.push(c);
    return c;
  };
}
