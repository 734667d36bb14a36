// A runner cancels by signalling: GitHub sends SIGINT, then SIGTERM 7.5 s later, then
// kills. The first signal aborts the run: no new mutating call starts, outputs and the
// report are still written. A second signal, or the grace running out, exits at once.
export function cancelOnSignals(onFirst: (signal: string) => void, graceMs = 7000): AbortSignal {
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
