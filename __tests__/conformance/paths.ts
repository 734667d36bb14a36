// Where the conformance suite finds its inputs: the captured traffic and the references.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is __tests__/conformance/paths.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** ZR_TRAFFIC_DIR when set (as `npm test` does), else `.traffic/` in the repository. */
export function trafficDir(): string {
  const fromEnv = process.env.ZR_TRAFFIC_DIR;
  return fromEnv ? resolve(REPO_ROOT, fromEnv) : join(REPO_ROOT, '.traffic');
}

/**
 * CI copies shared/ next to the clone: the SDK table is ../shared/reference/zerops-sdk.json
 * from the repo root. ZR_SHARED_DIR overrides that folder (a checkout that lives elsewhere).
 */
export function zeropsSdkPath(): string {
  const shared = process.env.ZR_SHARED_DIR ? resolve(REPO_ROOT, process.env.ZR_SHARED_DIR) : resolve(REPO_ROOT, '..', 'shared');
  const path = join(shared, 'reference', 'zerops-sdk.json');
  if (!existsSync(path)) {
    throw new Error(`The Zerops SDK table is missing: expected ${path} (shared/ must sit next to the repository clone, as CI arranges, or set ZR_SHARED_DIR).`);
  }
  return path;
}

export const GITHUB_SPEC_PATH = join(REPO_ROOT, 'node_modules/@octokit/openapi/generated/api.github.com.json');
export const GITEA_DTS_PATH = join(REPO_ROOT, 'node_modules/gitea-js/dist/index.d.ts');
export const GITEA_MJS_PATH = join(REPO_ROOT, 'node_modules/gitea-js/dist/index.mjs');
