// The esbuild options every bundle of src/ shares: the committed dist/ (scripts/build.mjs)
// and the deliberately broken builds of the fault matrix (scripts/lib/mutants.ts), so a
// mutant differs from the shipped action only by its one edit.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// @actions/core imports @actions/http-client (for getIDToken, which we never call), and
// it imports all of undici and tunnel at load. Declared free of side effects, it is
// dropped when unused — half the bundle and ~50 ms of start-up; kept if ever used.
export const noUnusedHttpClient = {
  name: 'no-unused-http-client',
  setup(b) {
    b.onResolve({ filter: /^@actions\/http-client(\/|$)/ }, async (args) => {
      if (args.pluginData === 'resolved') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolved' });
      return r.errors.length > 0 ? undefined : { path: r.path, sideEffects: false };
    });
  },
};

/** Options for bundling src/ into ESM that Node 20 and Node 24 both run; add entry points, outdir and plugins. */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // The `node` condition makes `yaml` resolve to its Node build, not the browser one.
  conditions: ['node'],
  mainFields: ['module', 'main'],
  define: { __ZEROPS_ROLLOUT_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __zrRequire } from 'node:module'; const require = __zrRequire(import.meta.url);" },
};
