// Builds the real adapters for a run: one HTTP client (keep-alive pool) per API and
// token, the forge chosen from the runner's environment, the Zerops client and the
// build-info probe. Connection counts are the documented concurrency bounds.
import type { RunContext } from './forge/context.js';
import { GiteaForge } from './forge/gitea.js';
import { GitHubForge } from './forge/github.js';
import type { Forge } from './forge/types.js';
import { HttpClient, type HttpStats } from './http/client.js';
import type { Logger } from './ports.js';
import { BuildInfoProbe } from './rollout/build-info.js';
import type { Settings } from './settings/settings.js';
import type { Redactor } from './util/redact.js';
import type { Clock } from './util/sleep.js';
import { USER_AGENT } from './version.js';
import { ZeropsClient } from './zerops/client.js';

/** At most this many concurrent requests per host (Zerops API, upload storage, each app). */
export const ZEROPS_CONNECTIONS = 16;
export const FORGE_CONNECTIONS = 4;
const BUILD_INFO_TIMEOUT_MS = 10_000;

export interface Adapters {
  forge: Forge;
  zerops: ZeropsClient;
  probe: BuildInfoProbe | null;
  /** Stage's own build-info (anonymous) and Zerops view (the stage token, never the production one). */
  stage: { probe: BuildInfoProbe | null; zerops: ZeropsClient | null };
  stats(): Record<'zerops' | 'forge' | 'control' | 'buildInfo' | 'stageZerops' | 'stageBuildInfo', HttpStats>;
  close(): Promise<void>;
}

export function createAdapters(s: Settings, run: RunContext, clock: Clock, redactor: Redactor, log: Logger): Adapters {
  const common = { userAgent: USER_AGENT, redactor, clock, timeoutMs: s.httpTimeoutMs, onRetry: (m: string) => log.debug(`retry: ${m}`) };
  const forgeAuth = (token: string) => (run.isGitea ? `token ${token}` : `Bearer ${token}`);
  const zeropsHttp = new HttpClient({ ...common, baseUrl: s.zeropsApiUrl, authorization: `Bearer ${s.zeropsToken}`, connections: ZEROPS_CONNECTIONS });
  const forgeHttp = new HttpClient({ ...common, baseUrl: run.apiUrl, authorization: forgeAuth(s.githubToken), connections: FORGE_CONNECTIONS });
  const controlHttp = s.controlToken
    ? new HttpClient({ ...common, baseUrl: run.apiUrl, authorization: forgeAuth(s.controlToken), connections: 2, retry: { maxRetryTimeMs: 10_000, maxServerWaitMs: 10_000 } })
    : null;
  const buildInfoHttp = s.verifyUrl ? new HttpClient({ ...common, connections: ZEROPS_CONNECTIONS }) : null;
  const stageZeropsHttp = s.stage?.zerops ? new HttpClient({ ...common, baseUrl: s.zeropsApiUrl, authorization: `Bearer ${s.stage.zerops.token}`, connections: 4 }) : null;
  const stageBuildInfoHttp = s.stage?.verifyUrl ? new HttpClient({ ...common, connections: 8 }) : null;

  const warn = (m: string) => log.warning(m);
  const forge: Forge = run.isGitea ? new GiteaForge(run, forgeHttp, controlHttp, warn) : new GitHubForge(run, forgeHttp, controlHttp, warn);
  const probe =
    s.verifyUrl && buildInfoHttp
      ? new BuildInfoProbe(buildInfoHttp, s.verifyUrl, s.verifyField, s.verifyAllowHttp, Math.min(s.httpTimeoutMs, BUILD_INFO_TIMEOUT_MS))
      : null;
  const stageProbe =
    s.stage?.verifyUrl && stageBuildInfoHttp
      ? new BuildInfoProbe(stageBuildInfoHttp, s.stage.verifyUrl, s.verifyField, s.verifyAllowHttp, Math.min(s.httpTimeoutMs, BUILD_INFO_TIMEOUT_MS))
      : null;
  const empty = { requests: 0, notModified: 0, retries: 0 };
  const statsOf = (c: HttpClient | null): HttpStats => (c ? { ...c.stats } : empty);
  return {
    forge,
    zerops: new ZeropsClient(zeropsHttp),
    probe,
    stage: { probe: stageProbe, zerops: stageZeropsHttp ? new ZeropsClient(stageZeropsHttp) : null },
    stats: () => ({
      zerops: statsOf(zeropsHttp),
      forge: statsOf(forgeHttp),
      control: statsOf(controlHttp),
      buildInfo: statsOf(buildInfoHttp),
      stageZerops: statsOf(stageZeropsHttp),
      stageBuildInfo: statsOf(stageBuildInfoHttp),
    }),
    close: async () => {
      await Promise.all([zeropsHttp, forgeHttp, controlHttp, buildInfoHttp, stageZeropsHttp, stageBuildInfoHttp].map((c) => c?.close()));
    },
  };
}
