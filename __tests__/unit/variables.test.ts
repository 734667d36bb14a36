// The live kill-switch read shared by both forges: a 404 is "unset" only when the
// control token is proven to see the repository (GitHub and Gitea both hide private
// repositories behind 404), and a throttled 403 is "unreadable", never "forbidden".
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunContext } from '../../src/forge/context.js';
import { GitHubForge } from '../../src/forge/github.js';
import { readVariableWith } from '../../src/forge/variables.js';
import type { HttpClient } from '../../src/http/client.js';
import { sha, startSimulator, type Simulator } from '../../sim/index.js';
import { forgeClients } from '../helpers/forge-clients.js';
import { scriptedClients } from '../helpers/scripted-client.js';

const newClient = forgeClients();

function githubClient(sim: Simulator, token: string): HttpClient {
  return newClient(sim.urls.github, `Bearer ${token}`, { retries: 1 });
}

describe('GitHub variable read', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      github: {
        commits: [{ sha: sha('v1') }],
        tokens: [
          { value: 'job', variables: false },
          { value: 'pat', variables: true },
          { value: 'pat-other-repos', variables: true, seesRepo: false },
        ],
        variables: { ZEROPS_DEPLOY_DISABLED: 'false' },
      },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  const forge = (control: string): GitHubForge => {
    const ctx = { repo: 'acme/shop', owner: 'acme', name: 'shop', apiUrl: sim.urls.github, serverUrl: sim.urls.githubServer, isGitea: false } as RunContext;
    return new GitHubForge(ctx, githubClient(sim, 'job'), githubClient(sim, control), () => undefined);
  };

  it('reads a missing variable as unset when the token sees the repository', async () => {
    expect(await forge('pat').readVariable('NOT_SET')).toEqual({ kind: 'unset' });
    expect(await forge('pat').readVariable('ZEROPS_DEPLOY_DISABLED')).toEqual({ kind: 'value', value: 'false' });
  });

  it('holds when a fine-grained token lacks this repository (404 everywhere), instead of reading "unset"', async () => {
    const read = await forge('pat-other-repos').readVariable('ZEROPS_DEPLOY_DISABLED');
    expect(read).toEqual({ kind: 'unreadable', detail: expect.stringMatching(/cannot see this repository \(HTTP 404/) });
  });
});

describe('throttled answers', () => {
  const setup = scriptedClients();

  it('maps a secondary-rate-limit 403 (no retry-after, remaining left) to unreadable, not forbidden', async () => {
    const limited = (_req: unknown, res: import('node:http').ServerResponse): void => {
      res.writeHead(403, { 'content-type': 'application/json', 'x-ratelimit-remaining': '4321' });
      res.end(JSON.stringify({ message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }));
    };
    // The control token's client accepts server waits of 10 s at most (src/adapters.ts); a secondary limit without retry-after asks 60 s.
    const { client } = await setup([limited, limited, limited, limited], { maxServerWaitMs: 10_000 });
    const read = await readVariableWith(client, '/repos/acme/shop/actions/variables/X', {}, 'value', { forbiddenHint: 'hint' });
    expect(read.kind).toBe('unreadable');
  });

  it('says "rate limited", not "cannot see", when the visibility check itself is throttled', async () => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_req: unknown, res: import('node:http').ServerResponse): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const { client, server } = await setup([json(404, { message: 'Not Found' }), json(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0' })]);
    const read = await readVariableWith(client, '/repos/acme/shop/actions/variables/X', {}, 'value', { forbiddenHint: 'hint' });
    expect(read).toEqual({ kind: 'unreadable', detail: expect.stringMatching(/rate limited/) });
    expect(server.requests.map((r) => r.url)).toEqual(['/repos/acme/shop/actions/variables/X', '/repos/acme/shop']);
  });
});
