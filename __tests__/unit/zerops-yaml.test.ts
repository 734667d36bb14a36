import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { parseZeropsYaml } from '../../src/rollout/zerops-yaml.js';

const GOOD = `# app config
zerops:
  - setup: api
    build:
      base: nodejs@22
    run:
      start: node server.js # keep
      envVariables:
        NODE_ENV: production
  - setup: web
    run:
      start: nginx
`;

describe('zerops.yaml', () => {
  it('lists the setups', () => {
    expect(parseZeropsYaml(GOOD, 'zerops.yaml').setups).toEqual(['api', 'web']);
  });

  it('stamps the SHA into every setup\'s run environment and keeps the rest', () => {
    const out = parseZeropsYaml(GOOD, 'zerops.yaml').stamped('ZEROPS_ROLLOUT_SHA', '1234567e0000000000000000000000000000abcd');
    const doc = parse(out) as { zerops: Array<{ run: { envVariables: Record<string, unknown> } }> };
    expect(doc.zerops[0]?.run.envVariables).toEqual({ NODE_ENV: 'production', ZEROPS_ROLLOUT_SHA: '1234567e0000000000000000000000000000abcd' });
    expect(doc.zerops[1]?.run.envVariables.ZEROPS_ROLLOUT_SHA).toBe('1234567e0000000000000000000000000000abcd');
    expect(out).toContain('# keep');
  });

  it('keeps an all-digit SHA a string', () => {
    const out = parseZeropsYaml(GOOD, 'z').stamped('V', '1234567000000000000000000000000000000000');
    expect(typeof (parse(out) as { zerops: Array<{ run: { envVariables: { V: unknown } } }> }).zerops[0]?.run.envVariables.V).toBe('string');
  });

  it('reports YAML errors with file, line and column', () => {
    expect(() => parseZeropsYaml('zerops:\n  - setup: [api\n', 'zerops.yaml')).toThrow(/zerops\.yaml:\d+:\d+/);
  });

  it('reports shape problems with their line', () => {
    expect(() => parseZeropsYaml('zerops:\n  - setup: api\n    run: nope\n', 'z.yaml')).toThrow(/z\.yaml:3:\d+: `run` of setup `api` must be a mapping/);
    expect(() => parseZeropsYaml('services: []\n', 'z.yaml')).toThrow(/`zerops` must be a list/);
    expect(() => parseZeropsYaml('zerops:\n  - setup: a\n  - setup: a\n', 'z.yaml')).toThrow(/defined twice/);
  });
});
