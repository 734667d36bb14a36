// A runner cancels by signalling (SIGINT, then SIGTERM, then kill). The first signal
// aborts the run: no new mutating call starts, outputs and the report are still
// written. If that takes too long, the process exits anyway.
export function cancelOnSignals(onFirst: (signal: string) => void, graceMs = 8000): AbortSignal {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      onFirst(signal);
      controller.abort(new Error(`${signal} received`));
      setTimeout(() => process.exit(130), graceMs).unref();
      return;
    }
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return controller.signal;
}
