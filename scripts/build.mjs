// Bundles the action and the CLI into dist/ (committed). ESM, no runtime
// dependencies left outside the bundle, runnable by Node 20 and Node 24.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// Build beside dist/ and swap it in, so a test running meanwhile never sees half a bundle.
const tmp = new URL('../dist.tmp', import.meta.url);
await rm(tmp, { recursive: true, force: true });

// @actions/core imports @actions/http-client (for getIDToken, which we never call), and
// it imports all of undici and tunnel at load. Declared free of side effects, it is
// dropped when unused — half the bundle and ~50 ms of start-up; kept if ever used.
const noUnusedHttpClient = {
  name: 'no-unused-http-client',
  setup(b) {
    b.onResolve({ filter: /^@actions\/http-client(\/|$)/ }, async (args) => {
      if (args.pluginData === 'resolved') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolved' });
      return r.errors.length > 0 ? undefined : { path: r.path, sideEffects: false };
    });
  },
};

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
  plugins: [noUnusedHttpClient],
});

await rm(new URL('../dist.old', import.meta.url), { recursive: true, force: true });
await rename(new URL('../dist', import.meta.url), new URL('../dist.old', import.meta.url)).catch(() => undefined);
await rename(tmp, new URL('../dist', import.meta.url));
await rm(new URL('../dist.old', import.meta.url), { recursive: true, force: true });
