// The side effects run() needs, passed in so the flow is testable without module mocks.
import type { Clock } from './util/sleep.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  /** Annotations: shown on the run page (GitHub) and in the log everywhere. */
  notice(message: string, title?: string): void;
  warning(message: string, title?: string): void;
  error(message: string, title?: string): void;
  /** One collapsible log group per phase. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** A transient "still waiting" line (terminals only; runners and CI logs ignore it). */
  progress?(message: string): void;
}

export interface RunnerIO {
  setOutput(name: string, value: string): void;
  /** Appends to the job summary (Markdown/HTML); a no-op outside a runner. */
  appendSummary(markdown: string): Promise<void>;
  /** Registers a secret with the runner's log masking. */
  mask(secret: string): void;
  /** A writable directory for the report and temporary files (RUNNER_TEMP, never HOME). */
  tempDir(): string;
}

export interface Deps {
  readInput: (name: string) => string;
  env: Record<string, string | undefined>;
  log: Logger;
  runner: RunnerIO;
  clock: Clock;
  /** Aborts on the runner's cancellation signal. */
  signal: AbortSignal;
}
