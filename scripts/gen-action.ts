// Writes action.yml (node24, for GitHub and current Gitea runners) and node20/action.yml
// (for act_runner releases before 2025-08 that only accept node20) from the one input
// table in src/settings/inputs.ts. `--check` fails when a committed file differs. Text the
// runner would reject (an expression in a description) stops the generator with its path.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { actionManifest } from './lib/action-manifest.js';
import { INPUTS, OUTPUTS } from '../src/settings/inputs.js';

function generate(): Record<string, string> {
  return {
    'action.yml': actionManifest('node24', 'dist/index.js', INPUTS, OUTPUTS),
    // A shim inside node20/ keeps `main` within the action's directory on every runner.
    'node20/action.yml': actionManifest('node20', 'index.js', INPUTS, OUTPUTS),
    'node20/index.js': "// Entry for runners that accept only `using: node20`; the bundle is the same.\nimport '../dist/index.js';\n",
  };
}

let files: Record<string, string>;
try {
  files = generate();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

const check = process.argv.includes('--check');
let stale = 0;
for (const [path, content] of Object.entries(files)) {
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current !== content) {
      console.error(`${path} is out of date: run \`npm run gen\`.`);
      stale++;
    }
  } else {
    mkdirSync(path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.', { recursive: true });
    writeFileSync(path, content);
  }
}
if (stale) process.exit(1);
if (!check) console.log(`wrote ${Object.keys(files).join(', ')}`);
