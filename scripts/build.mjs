// Bundles the action and the CLI into dist/ (committed). ESM, no runtime
// dependencies left outside the bundle, runnable by Node 20 and Node 24.
import { build } from 'esbuild';
import { rename, rm } from 'node:fs/promises';
import { bundleOptions, noUnusedHttpClient } from './bundle-options.mjs';

// Build beside dist/ and swap it in, so a test running meanwhile never sees half a bundle.
const tmp = new URL('../dist.tmp', import.meta.url);
await rm(tmp, { recursive: true, force: true });

await build({
  ...bundleOptions,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist.tmp',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'linked',
  minifySyntax: true,
  logLevel: 'warning',
  plugins: [noUnusedHttpClient],
});

await rm(new URL('../dist.old', import.meta.url), { recursive: true, force: true });
await rename(new URL('../dist', import.meta.url), new URL('../dist.old', import.meta.url)).catch(() => undefined);
await rename(tmp, new URL('../dist', import.meta.url));
await rm(new URL('../dist.old', import.meta.url), { recursive: true, force: true });
