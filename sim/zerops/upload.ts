// The object-storage endpoint behind an app version's uploadUrl. The body is streamed:
// bytes are counted and hashed as they arrive and never buffered, like a real store.
import { createHash } from 'node:crypto';
import { Router, textReply, type Reply } from '../http.js';
import type { RequestContext, Route, SimServer } from '../pipeline.js';
import type { ZeropsState } from './model.js';

export const UPLOAD_PATH_PREFIX = '/storage/upload';

export class UploadServer implements SimServer<void> {
  readonly name = 'upload' as const;
  private readonly router = new Router<Route<void>>();

  constructor(private readonly state: ZeropsState) {
    this.router.add('PUT', `${UPLOAD_PATH_PREFIX}/:versionId`, {
      streaming: true,
      handle: (ctx) => this.upload(ctx),
      service: (params) => state.versions.get(params.versionId ?? '')?.service.hostname,
    });
  }

  match(method: string, path: string) {
    return this.router.match(method, path);
  }

  isMutating(method: string): boolean {
    return method !== 'GET' && method !== 'HEAD';
  }

  /** The signed URL is the credential; an Authorization header is neither needed nor checked. */
  authenticate(): void {}

  notFound(): Reply {
    return textReply(404, 'NoSuchKey');
  }

  private async upload(ctx: RequestContext): Promise<Reply> {
    const version = this.state.versions.get(ctx.params.versionId ?? '');
    if (!version) return textReply(404, 'NoSuchUpload: unknown app version');
    if (ctx.query.sig !== version.uploadSignature) return textReply(403, 'SignatureDoesNotMatch');
    // A signature computed without a Content-Type does not match a request that sends one.
    if (this.state.options.uploadHost === 'signed' && ctx.req.headers['content-type'] !== undefined) {
      return textReply(403, 'SignatureDoesNotMatch: the signed request had no Content-Type');
    }
    if (version.deployRequested) return textReply(409, 'UploadRefused: a build or deploy of this app version has already started');
    const hash = createHash('sha256');
    let bytes = 0;
    ctx.entry.bytes = 0;
    try {
      for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        ctx.entry.bytes = bytes;
        hash.update(chunk);
      }
    } catch {
      // The client went away mid-body (the stream errors on abort).
    }
    // An interrupted body leaves no upload behind; the answer is never delivered.
    if (!ctx.req.complete) return textReply(400, 'IncompleteBody');
    // A build may have been requested while this body was streaming.
    if (version.deployRequested) return textReply(409, 'UploadRefused: a build or deploy of this app version has already started');
    version.upload = { bytes, sha256: hash.digest('hex'), at: new Date().toISOString() };
    version.lastUpdate = version.upload.at;
    // Object stores answer with an ETag; the lenient host also sends a bare body with no
    // Content-Type (the real answer's format is unknown: a client must not parse it).
    const etag = `"${version.upload.sha256.slice(0, 32)}"`;
    if (this.state.options.uploadHost === 'lenient') return { status: 200, headers: { etag, 'content-type': '' }, text: 'Upload OK' };
    return { status: 200, headers: { etag }, text: '' };
  }
}
