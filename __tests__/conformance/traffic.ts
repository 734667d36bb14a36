// Reads the traffic the simulators captured during the e2e suites (ZR_TRAFFIC_DIR).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrafficRecord } from '../../sim/traffic.js';

export type { TrafficRecord };

const RUN_E2E_FIRST = 'Run the e2e suite with capture first: `npm test` does it, or `npm run test:e2e:capture`.';

/** Every captured record in dir; throws (never passes on nothing) when there is none. */
export function loadTraffic(dir: string): TrafficRecord[] {
  if (!existsSync(dir)) throw new Error(`No captured traffic: ${dir} does not exist. ${RUN_E2E_FIRST}`);
  const files = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  const records: TrafficRecord[] = [];
  for (const name of files) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line.trim()) records.push(JSON.parse(line) as TrafficRecord);
    }
  }
  if (records.length === 0) throw new Error(`No captured traffic in ${dir} (${files.length} files). ${RUN_E2E_FIRST}`);
  return records;
}

/** Records of one simulated server; throws when it saw nothing (capture broke for it). */
export function trafficOf(records: TrafficRecord[], server: TrafficRecord['server']): TrafficRecord[] {
  const own = records.filter((r) => r.server === server);
  if (own.length === 0) throw new Error(`The captured traffic holds no request to the ${server} simulator. ${RUN_E2E_FIRST}`);
  return own;
}

/** A response body worth validating: answered, not shaped by a fault, and captured whole. */
export function validatableResponse(record: TrafficRecord): boolean {
  return record.status > 0 && !record.fault && record.response !== undefined;
}
