// Temporary directories for tests, removed after each test file (Jest's global
// afterAll, registered once per file's module instance) or at exit in plain scripts
// that reuse these helpers, so runs do not pile up folders in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
const cleanup = () => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
};
const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
if (typeof jestAfterAll === 'function') jestAfterAll(cleanup);
else process.on('exit', cleanup);

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
