// Which URLs the action may call: http(s) only, https unless loopback (or an explicit
// opt-in), never a cloud metadata address, never credentials embedded in the URL.
import { isIP } from 'node:net';

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.com', '100.100.100.200', 'fd00:ec2::254']);

function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

export function isLoopbackHost(hostname: string): boolean {
  const h = bareHost(hostname);
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export function isMetadataHost(hostname: string): boolean {
  const h = bareHost(hostname);
  if (METADATA_HOSTS.has(h)) return true;
  if (isIP(h) === 4 && h.startsWith('169.254.')) return true; // link-local: AWS/GCP/Azure metadata
  if (isIP(h) === 6 && /^fe[89ab]/.test(h)) return true; // IPv6 link-local
  return false;
}

/** Returns why `raw` is not an acceptable URL, or null when it is. */
export function urlProblem(raw: string, opts: { allowHttp: boolean; what: string }): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is not a URL — write it like \`https://${opts.what === 'verify-url' ? 'app.example.com/build-info' : 'api.example.com'}\`.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `uses ${url.protocol.replace(/:$/, '')}: only http(s) URLs are allowed.`;
  }
  if (url.username || url.password) return 'must not contain credentials.';
  if (isMetadataHost(url.hostname)) return `points at a cloud metadata address (${url.hostname}), which is refused.`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !opts.allowHttp) {
    return opts.what === 'verify-url'
      ? 'must use https unless the host is loopback — or set `verify-allow-http: true` to accept plain http.'
      : 'must use https unless the host is loopback.';
  }
  return null;
}
