// What gets uploaded, as a stream opened afresh for each service (and each retry):
// `git archive` of the target commit (never the dirty working tree), or prebuilt
// artifact files. Nothing is buffered in memory: memory stays flat whatever the size.
// The git archive is made once per run into a temp file that every upload streams.
import { execFile, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdir, mkdtemp, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { RolloutError } from '../util/errors.js';
import { capText } from '../util/redact.js';

const run = promisify(execFile);

export interface ArchiveSource {
  describe: string;
  /** Known for a ready-made archive file; unknown (chunked upload) for generated ones. */
  size: number | undefined;
  open(): Readable;
}

/**
 * `git archive` of the target commit, made once per run into a file under `tempRoot`
 * (RUNNER_TEMP) and streamed from disk to every service: the same bytes everywhere, and
 * the tree is compressed once, not once per service. Memory stays flat either way.
 */
export async function gitArchiveSource(sourceDir: string, sha: string, tempRoot: string): Promise<ArchiveSource> {
  const dir = resolve(sourceDir);
  let prefix: string;
  try {
    prefix = (await run('git', ['-C', dir, 'rev-parse', '--show-prefix'])).stdout.trim();
  } catch (err) {
    throw new RolloutError('archive', `source-dir ${dir} is not a git checkout (${gitMessage(err)}).`, 'Check out the repository first (actions/checkout) or set `source-dir`.');
  }
  try {
    await run('git', ['-C', dir, 'cat-file', '-e', `${sha}^{commit}`]);
  } catch {
    throw new RolloutError(
      'archive',
      `Commit ${sha.slice(0, 12)} is not in the checkout at ${dir}.`,
      'Fetch it (actions/checkout with `fetch-depth: 0`, or `ref:` the target), or use `strategy: activate` to re-activate a kept version.',
    );
  }
  const treeish = prefix ? `${sha}:${prefix.replace(/\/$/, '')}` : sha;
  return spooled(tempRoot, `git archive of ${sha.slice(0, 12)}${prefix ? ` (${prefix.replace(/\/$/, '')})` : ''}`, () =>
    spawnStream('git', ['-C', dir, 'archive', '--format=tar.gz', treeish], 'git archive'),
  );
}

/**
 * A source made once, on the first open, into a temp file (removed at exit) that every
 * open then streams: one `git archive` per run instead of one process per service, and
 * the same bytes for every service. A failed make is not kept; the next open tries again.
 */
function spooled(tempRoot: string, describe: string, make: () => Readable): ArchiveSource {
  let file: Promise<string> | null = null;
  const ready = (): Promise<string> => {
    if (!file) {
      const made = (async () => {
        await mkdir(tempRoot, { recursive: true });
        const dir = await mkdtemp(join(tempRoot, 'zerops-rollout-'));
        process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
        const path = join(dir, 'source.tar.gz');
        await pipeline(make(), createWriteStream(path));
        return path;
      })();
      made.catch(() => {
        if (file === made) file = null;
      });
      file = made;
    }
    return file;
  };
  return {
    describe,
    size: undefined,
    open: () => {
      const out = new PassThrough();
      ready().then(
        (path) => {
          if (out.destroyed) return;
          const src = createReadStream(path);
          src.on('error', (err) => out.destroy(err));
          out.on('close', () => src.destroy());
          src.pipe(out);
        },
        (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
      );
      return out;
    },
  };
}

export async function artifactSource(paths: readonly string[], workspace: string): Promise<ArchiveSource> {
  const resolved: string[] = [];
  for (const p of paths) {
    const abs = resolve(workspace, p);
    try {
      await stat(abs);
    } catch {
      throw new RolloutError('archive', `input \`artifact\`: ${capText(p, 120)} does not exist (looked at ${capText(abs, 160)}).`, 'Build the artifact before this step, or fix `artifact`.');
    }
    resolved.push(abs);
  }
  const only = resolved[0];
  if (resolved.length === 1 && only && /\.(tar\.gz|tgz)$/i.test(only) && (await stat(only)).isFile()) {
    const size = (await stat(only)).size;
    return { describe: `archive ${basename(only)} (${size} bytes)`, size, open: () => createReadStream(only) };
  }
  // Relative paths keep their place in the archive; absolute ones are added by their base name.
  const args = ['-czf', '-'];
  for (const [i, abs] of resolved.entries()) {
    const given = paths[i] as string;
    if (isAbsolute(given)) args.push('-C', dirname(abs), basename(abs));
    else args.push('-C', resolve(workspace), given);
  }
  return { describe: `tar.gz of ${paths.join(', ')}`, size: undefined, open: () => spawnStream('tar', args, 'tar') };
}

/**
 * The child's output as a stream that ends only once the child has exited 0, so a
 * failure late in the archive can never pass as a complete (truncated) upload.
 */
function spawnStream(cmd: string, args: string[], what: string): Readable {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  let stdoutEnded = false;
  let exitCode: number | null | undefined;
  const finish = () => {
    if (!stdoutEnded || exitCode === undefined) return;
    if (exitCode === 0) out.end();
    else out.destroy(new RolloutError('archive', `${what} failed (exit ${exitCode}): ${capText(stderr.trim(), 300)}`));
  };
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString('utf8');
  });
  child.stdout.pipe(out, { end: false });
  child.stdout.on('end', () => {
    stdoutEnded = true;
    finish();
  });
  child.on('error', (err) => out.destroy(new RolloutError('archive', `${what} could not start: ${err.message}`)));
  child.on('close', (code) => {
    exitCode = code;
    stdoutEnded = true;
    finish();
  });
  // A consumer that gives up (failed upload) must not leave the child running.
  out.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  return out;
}

function gitMessage(err: unknown): string {
  const stderr = (err as { stderr?: string })?.stderr;
  return capText((stderr || (err instanceof Error ? err.message : String(err))).trim().split('\n')[0] ?? '', 160);
}
