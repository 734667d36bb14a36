// Shared helpers for the simulator's own tests: small HTTP clients and bounded waits.
import type { Simulator } from '../../../sim/index.js';

export const ZEROPS_TOKEN = 'zerops-prod-token';
export const PROJECT_ID = 'prodProject00000000001';

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function request<T = any>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A Zerops client bound to one simulator and token. */
export function zerops(sim: Simulator, token = ZEROPS_TOKEN) {
  const call = <T = any>(method: string, path: string, body?: unknown): Promise<JsonResponse<T>> =>
    request<T>(`${sim.urls.zerops}/api/rest/public${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'sim-tests' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body: unknown) => call<T>('POST', path, body),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body ?? {}),
    delete: <T = any>(path: string) => call<T>('DELETE', path),
    serviceId: async (hostname: string, projectId = PROJECT_ID): Promise<string> => {
      const found = await call('GET', `/service-stack-by-name/${projectId}/${hostname}`);
      if (found.status !== 200) throw new Error(`service ${hostname}: ${found.status} ${found.text}`);
      return found.body.id as string;
    },
  };
}

export function zeropsYaml(setup: string, stampedSha?: string): string {
  const env = stampedSha ? `\n    run:\n      envVariables:\n        ZEROPS_ROLLOUT_SHA: ${stampedSha}` : '\n    run:\n      start: node server.js';
  return `zerops:\n  - setup: ${setup}\n    build:\n      buildCommands: [npm ci]\n      deployFiles: ./${env}\n`;
}

/** Creates a version, uploads a body and starts build-and-deploy; returns the version id and process. */
export async function pushVersion(sim: Simulator, hostname: string, name: string, options: { stamp?: string; token?: string } = {}) {
  const api = zerops(sim, options.token);
  const serviceId = await api.serviceId(hostname);
  const created = await api.post(`/service-stack/${serviceId}/app-version`, { name });
  if (created.status !== 200) throw new Error(`create version: ${created.status} ${created.text}`);
  const upload = await fetch(created.body.uploadUrl, { method: 'PUT', body: Buffer.from(`archive of ${name}`) });
  if (upload.status !== 200) throw new Error(`upload: ${upload.status}`);
  const process = await api.put(`/app-version/${created.body.id}/build-and-deploy`, { zeropsYaml: zeropsYaml(hostname, options.stamp), zeropsYamlSetup: hostname });
  if (process.status !== 200) throw new Error(`build-and-deploy: ${process.status} ${process.text}`);
  return { versionId: created.body.id as string, processId: process.body.id as string, serviceId };
}

/** Polls until check() returns a value other than undefined/false; bounded. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function waitForProcess(sim: Simulator, processId: string, timeoutMs = 3000): Promise<any> {
  const api = zerops(sim);
  return waitFor(
    async () => {
      const process = await api.get(`/process/${processId}`);
      return ['FINISHED', 'FAILED', 'CANCELED'].includes(process.body.status) ? process.body : undefined;
    },
    timeoutMs,
    `process ${processId} to end`,
  );
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
