// The usual alternative, for comparison: the `zcli push` shape — one service after
// another, each one validate zerops.yaml → create version → upload → build-and-deploy → wait for its
// process (polled every poll-interval), then the next. No canary, no soak, no
// verification. A standalone script talking to the same (simulated) Zerops API:
//
//   node --import tsx scripts/lib/sequential.ts '{"api":"http://127.0.0.1:…",…}'
//
// prints one JSON line: {"deployed":n,"failed":[…],"ms":…}.
import { createReadStream, statSync } from 'node:fs';
import { Agent, request } from 'undici';

export interface SequentialOptions {
  /** Zerops API origin (loopback). */
  api: string;
  token: string;
  projectId: string;
  /** Hostnames, deployed in this order. */
  services: string[];
  /** The .tar.gz uploaded to every service (made once). */
  archive: string;
  zeropsYaml: string;
  setup: string;
  versionName: string;
  pollIntervalMs: number;
  /** Per-service deadline for the process. */
  processTimeoutMs: number;
}

const API = '/api/rest/public';

export async function runSequential(o: SequentialOptions): Promise<{ deployed: number; failed: string[]; ms: number }> {
  const loopbackOnly = (u: string) => {
    if (!/^127\./.test(new URL(u).hostname)) throw new Error(`refusing a non-loopback address: ${u}`);
  };
  loopbackOnly(o.api);
  const agent = new Agent({ connections: 1, keepAliveTimeout: 10_000 });
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, json?: unknown): Promise<any> => {
    const res = await request(url.startsWith('http') ? url : `${o.api}${API}${url}`, {
      method,
      dispatcher: agent,
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : null;
  };
  try {
    // Resolve hostnames to ids first (zcli does it per push; it is not part of the timed span).
    type Listed = { id: string; name: string; serviceStackTypeId?: string; serviceStackTypeInfo?: { serviceStackTypeVersionName?: string } };
    const ids = new Map<string, Listed>();
    for (let offset = 0, page = 0; page < 1000; page++, offset += 100) {
      const list = await call('GET', `/project/${o.projectId}/service-stack?limit=100&offset=${offset}`);
      for (const s of list.list as Listed[]) ids.set(s.name, s);
      if (list.list.length === 0 || ids.size >= list.totalCount) break;
    }
    const size = statSync(o.archive).size;
    const started = Date.now();
    const failed: string[] = [];
    let deployed = 0;
    for (const hostname of o.services) {
      const service = ids.get(hostname);
      if (!service) throw new Error(`no service ${hostname}`);
      const id = service.id;
      await call('POST', '/service-stack/zerops-yaml-validation', {
        serviceStackName: hostname,
        serviceStackTypeId: service.serviceStackTypeId,
        serviceStackTypeVersionName: service.serviceStackTypeInfo?.serviceStackTypeVersionName,
        zeropsYaml: o.zeropsYaml,
        operation: 'BUILD_AND_DEPLOY',
        zeropsYamlSetup: o.setup,
      });
      const version = await call('POST', `/service-stack/${id}/app-version`, { name: o.versionName });
      loopbackOnly(version.uploadUrl as string);
      const up = await request(version.uploadUrl as string, {
        method: 'PUT',
        dispatcher: agent,
        // As zcli: no Content-Type (a signed upload URL may cover it; the simulator's default host refuses one).
        headers: { 'content-length': String(size) },
        body: createReadStream(o.archive),
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      await up.body.dump();
      if (up.statusCode >= 300) throw new Error(`upload to ${hostname}: HTTP ${up.statusCode}`);
      let process = await call('PUT', `/app-version/${version.id}/build-and-deploy`, { zeropsYaml: o.zeropsYaml, zeropsYamlSetup: o.setup });
      const deadline = Date.now() + o.processTimeoutMs;
      while (process.status === 'PENDING' || process.status === 'RUNNING') {
        if (Date.now() > deadline) throw new Error(`${hostname}: process ${process.id} still ${process.status} after ${o.processTimeoutMs} ms`);
        await new Promise((r) => setTimeout(r, o.pollIntervalMs));
        process = await call('GET', `/process/${process.id}`);
      }
      if (process.status === 'FINISHED') deployed++;
      else failed.push(hostname);
    }
    return { deployed, failed, ms: Date.now() - started };
  } finally {
    await agent.close();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const opts = JSON.parse(process.argv[2] ?? '{}') as SequentialOptions;
  runSequential(opts).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`sequential baseline failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
