// tsx sim/cli.ts --scenario file.yaml [--verbose]
// Prints one JSON line {"urls": {...}} on stdout, then serves until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startSimulator } from './simulator.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scenario: { type: 'string', short: 's' }, verbose: { type: 'boolean', short: 'v', default: false } },
  });
  if (!values.scenario) {
    process.stderr.write('usage: tsx sim/cli.ts --scenario <file.yaml|file.json> [--verbose]\n');
    process.exitCode = 2;
    return;
  }
  const simulator = await startSimulator(values.scenario, { verbose: values.verbose ?? false });
  process.stdout.write(`${JSON.stringify({ urls: simulator.urls })}\n`);
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
