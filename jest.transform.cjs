// Jest transform for the TypeScript tests: esbuild (already the bundler) strips the types
// and keeps ESM. It replaces @swc/jest, whose per-platform binaries are not all served by
// the registry CI installs from, which made `npm ci` reject the lockfile.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return require('node:crypto').createHash('sha1').update(source).update(filename).update('esbuild-v1').digest('hex');
  },
};
