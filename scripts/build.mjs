// Bundles the action and the CLI into dist/ (committed). ESM, no runtime
// dependencies left outside the bundle, runnable by Node 20 and Node 24.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Build beside dist/ and swap it in, so a test running meanwhile never sees half a bundle.
const tmp = new URL('../dist.tmp', import.meta.url);
await rm(tmp, { recursive: true, force: true });

await build({
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist.tmp',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // The `node` condition makes `yaml` resolve to its Node build, not the browser one.
  conditions: ['node'],
  mainFields: ['module', 'main'],
  define: { __ZEROPS_ROLLOUT_VERSION__: JSON.stringify(pkg.version) },
  legalComments: 'linked',
  minifySyntax: true,
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __zrRequire } from 'node:module'; const require = __zrRequire(import.meta.url);" },
  logLevel: 'warning',
});

await rm(new URL('../dist.old', import.meta.url), { recursive: true, force: true });
await rename(new URL('../dist', import.meta.url), new URL('../dist.old', import.meta.url)).catch(() => undefined);
await rename(tmp, new URL('../dist', import.meta.url));
await rm(new URL('../dist.old', import.meta.url), { recursive: true, force: true });
