// A small app in a throwaway git repository: three releases and a zerops.yaml whose
// `app` setup every service uses. The target is the last commit; it changes the
// setup (a readiness check, a new env var, one removed), which the handoff lists.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ZEROPS_YAML = `zerops:
  - setup: app
    build:
      base: nodejs@22
      buildCommands:
        - npm ci
      deployFiles: ./
    run:
      base: nodejs@22
      ports:
        - port: 3000
          httpSupport: true
      start: node server.js
      envVariables:
        NODE_ENV: production
        LEGACY_CACHE: "on"
`;

/** Release 1.4.0's zerops.yaml: a readiness check, a new variable, a removed one. */
const ZEROPS_YAML_1_4 = `zerops:
  - setup: app
    build:
      base: nodejs@22
      buildCommands:
        - npm ci
      deployFiles: ./
    deploy:
      readinessCheck:
        httpGet:
          port: 3000
          path: /build-info
    run:
      base: nodejs@22
      ports:
        - port: 3000
          httpSupport: true
      start: node server.js
      envVariables:
        NODE_ENV: production
        PAYMENTS_URL: https://payments.example.com
`;

export function makeDemoRepo(): { dir: string; shas: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'zerops-rollout-demo-repo-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir }).toString().trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'zerops.yaml'), ZEROPS_YAML);
  writeFileSync(join(dir, 'package.json'), '{ "name": "shop", "version": "1.0.0", "private": true }\n');
  const shas: string[] = [];
  for (const version of ['1.2.0', '1.3.0', '1.4.0']) {
    if (version === '1.4.0') writeFileSync(join(dir, 'zerops.yaml'), ZEROPS_YAML_1_4);
    writeFileSync(
      join(dir, 'server.js'),
      `// build-info: the SHA stamped by zerops-rollout into ZEROPS_ROLLOUT_SHA\nrequire('http').createServer((req, res) => {\n  if (req.url === '/build-info') return res.end(JSON.stringify({ git_sha: process.env.ZEROPS_ROLLOUT_SHA, version: '${version}' }));\n  res.end('shop ${version}');\n}).listen(3000);\n`,
    );
    git('add', '-A');
    git('commit', '-q', '-m', `release ${version}`);
    shas.push(git('rev-parse', 'HEAD'));
  }
  return { dir, shas };
}
