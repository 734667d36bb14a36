// The simulator's single source of time. Every timer goes through here so close() can
// clear them all, and so "ms since start" means the same thing everywhere.
import { performance } from 'node:perf_hooks';

export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly startedAt = performance.now();
  /** Wall-clock epoch ms at start, for RFC 3339 timestamps. */
  readonly startedWallMs = Date.now();
  private closed = false;

  /** Milliseconds since the simulator started. */
  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** Current wall-clock time as an RFC 3339 string. */
  nowIso(): string {
    return new Date().toISOString();
  }

  /** Runs fn after ms; returns a cancel function. A no-op once closed. */
  after(ms: number, fn: () => void): () => void {
    if (this.closed) return () => {};
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, Math.max(0, ms));
    // Timers must never keep a test process alive; the servers do that while open.
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Resolves after ms. After close() it never resolves; callers are abandoned with their sockets. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.after(ms, resolve);
    });
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
