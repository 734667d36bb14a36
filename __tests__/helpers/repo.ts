// A throwaway git repository with real commits, for the `build` strategy (git archive).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tempDir } from './temp.js';
import { join } from 'node:path';

export interface TestRepo {
  dir: string;
  /** Commit SHAs, oldest first. */
  shas: string[];
}

export function zeropsYamlFor(setups: readonly string[]): string {
  return `zerops:\n${setups.map((s) => `  - setup: ${s}\n    build:\n      base: nodejs@22\n      deployFiles: ./\n    run:\n      base: nodejs@22\n      start: node server.js\n`).join('')}`;
}

export interface RepoOptions {
  /** zerops.yaml committed with release `n` (1-based); default: zeropsYamlFor(setups) in every commit. */
  zeropsYaml?: (n: number) => string;
}

export function makeRepo(setups: readonly string[], commits = 3, options: RepoOptions = {}): TestRepo {
  const dir = tempDir('zr-repo-');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_DATE: '2026-11-01T10:00:00Z', GIT_COMMITTER_DATE: '2026-11-01T10:00:00Z' },
    })
      .toString()
      .trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'zerops.yaml'), zeropsYamlFor(setups));
  const shas: string[] = [];
  for (let i = 1; i <= commits; i++) {
    if (options.zeropsYaml) writeFileSync(join(dir, 'zerops.yaml'), options.zeropsYaml(i));
    writeFileSync(join(dir, 'server.js'), `console.log('release ${i}');\n`);
    git('add', '-A');
    git('commit', '-q', '-m', `release ${i}`);
    shas.push(git('rev-parse', 'HEAD'));
  }
  // A dirty working tree must never be what gets uploaded.
  writeFileSync(join(dir, 'server.js'), "console.log('uncommitted');\n");
  return { dir, shas };
}
