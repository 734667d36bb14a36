// Recording fakes for the ports: a logger that keeps lines, a clock whose time only
// moves when something sleeps, inputs keyed by name (never by call order).
import type { Logger, RunnerIO } from '../../src/ports.js';
import type { Clock } from '../../src/util/sleep.js';

export interface LogLine {
  level: 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'group';
  message: string;
  title?: string;
}

export function recordingLogger(): Logger & { lines: LogLine[]; text(level?: LogLine['level']): string } {
  const lines: LogLine[] = [];
  const push = (level: LogLine['level']) => (message: string, title?: string) => {
    lines.push({ level, message, title });
  };
  return {
    lines,
    text: (level) => lines.filter((l) => !level || l.level === level).map((l) => l.message).join('\n'),
    debug: push('debug'),
    info: push('info'),
    notice: push('notice'),
    warning: push('warning'),
    error: push('error'),
    group: async (title, fn) => {
      lines.push({ level: 'group', message: title });
      return fn();
    },
  };
}

export function fakeClock(start = Date.UTC(2026, 10, 22, 12)): Clock & { advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      t += Math.max(0, ms);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export function inputs(values: Record<string, string>): (name: string) => string {
  return (name) => values[name] ?? '';
}

export function recordingRunner(dir: string): RunnerIO & { outputs: Record<string, string>; summary: string; masked: string[] } {
  const r = {
    outputs: {} as Record<string, string>,
    summary: '',
    masked: [] as string[],
    setOutput: (name: string, value: string) => {
      r.outputs[name] = value;
    },
    appendSummary: async (md: string) => {
      r.summary += md;
    },
    mask: (s: string) => {
      r.masked.push(s);
    },
    tempDir: () => dir,
  };
  return r;
}
