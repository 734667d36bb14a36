// Fault injection: which requests a fault hits (server, method, path glob, service,
// skip/times) and the pure transforms some actions apply to a real answer.
import type { ServerName } from './log.js';

export interface FaultSpec {
  server: ServerName;
  method?: string;
  /** Glob on the path without query: `*` = one segment, `**` = any number of segments. */
  path?: string;
  /** Hostname of the service the request concerns. */
  service?: string;
  /** Let the first N matching requests through. */
  skip?: number;
  /** Affect at most N requests (default unlimited). */
  times?: number;
  // Exactly one action:
  respond?: { status: number; headers?: Record<string, string>; body?: string };
  delayMs?: number;
  reset?: boolean;
  hang?: boolean;
  malformed?: boolean;
  applyThenReset?: boolean;
  applyThenStatus?: number;
  shape?: 'extra' | 'minimal';
}

export const FAULT_ACTIONS = [
  'respond',
  'delayMs',
  'reset',
  'hang',
  'malformed',
  'applyThenReset',
  'applyThenStatus',
  'shape',
] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

const SERVERS: readonly ServerName[] = ['zerops', 'upload', 'github', 'gitea', 'buildinfo'];
const BOOLEAN_ACTIONS = new Set<FaultAction>(['reset', 'hang', 'malformed', 'applyThenReset']);

/** The actions a spec sets (boolean actions count only when true). */
function actionsOf(spec: Record<string, unknown>): FaultAction[] {
  return FAULT_ACTIONS.filter((action) => {
    const value = spec[action];
    if (value === undefined || value === null) return false;
    return BOOLEAN_ACTIONS.has(action) ? value === true : true;
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;
const isStatus = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;

/** Every problem with a fault spec, each prefixed with where it is. */
export function faultProblems(spec: unknown, where = 'fault'): string[] {
  if (!isRecord(spec)) return [`${where}: must be an object`];
  const problems: string[] = [];
  const add = (message: string): void => {
    problems.push(`${where}.${message}`);
  };
  if (!SERVERS.includes(spec.server as ServerName)) add(`server: must be one of ${SERVERS.join(', ')}`);
  for (const key of ['method', 'path', 'service'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string') add(`${key}: must be a string`);
  }
  for (const key of ['skip', 'times'] as const) {
    if (spec[key] !== undefined && !isCount(spec[key])) add(`${key}: must be a non-negative integer`);
  }
  const actions = actionsOf(spec);
  if (actions.length !== 1) {
    add(`action: exactly one of ${FAULT_ACTIONS.join(', ')} is required (found ${actions.length ? actions.join(', ') : 'none'})`);
  }
  if (spec.respond !== undefined) {
    const respond = spec.respond;
    if (!isRecord(respond) || !isStatus(respond.status)) add('respond.status: must be an HTTP status (100-599)');
    else {
      if (respond.body !== undefined && typeof respond.body !== 'string') add('respond.body: must be a string');
      if (respond.headers !== undefined && (!isRecord(respond.headers) || !Object.values(respond.headers).every((v) => typeof v === 'string'))) {
        add('respond.headers: must map header names to strings');
      }
    }
  }
  if (spec.delayMs !== undefined && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) add('delayMs: must be a number >= 0');
  if (spec.applyThenStatus !== undefined && !isStatus(spec.applyThenStatus)) add('applyThenStatus: must be an HTTP status (100-599)');
  if (spec.shape !== undefined && spec.shape !== 'extra' && spec.shape !== 'minimal') add("shape: must be 'extra' or 'minimal'");
  for (const key of BOOLEAN_ACTIONS) {
    if (spec[key] !== undefined && typeof spec[key] !== 'boolean') add(`${key}: must be a boolean`);
  }
  return problems;
}

/** `*` matches one path segment, `**` any run of characters including slashes. */
export function compilePathGlob(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^/]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

export interface ActiveFault {
  readonly spec: FaultSpec;
  readonly action: FaultAction;
  readonly path: RegExp | null;
  /** Matching requests seen, including skipped ones. */
  seen: number;
  applied: number;
}

export interface FaultTarget {
  server: ServerName;
  method: string;
  path: string;
  service: string | undefined;
}

export class FaultSet {
  private faults: ActiveFault[] = [];

  /** Validates and arms a fault; throws listing every problem. */
  add(spec: FaultSpec): void {
    const problems = faultProblems(spec);
    if (problems.length > 0) throw new Error(`invalid fault:\n  ${problems.join('\n  ')}`);
    const action = actionsOf(spec as unknown as Record<string, unknown>)[0] as FaultAction;
    this.faults.push({ spec: structuredClone(spec), action, path: spec.path ? compilePathGlob(spec.path) : null, seen: 0, applied: 0 });
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.slice();
  }

  /** The first armed fault that applies to this request, counting skip/times. */
  take(target: FaultTarget): ActiveFault | null {
    for (const fault of this.faults) {
      const { spec } = fault;
      if (spec.server !== target.server) continue;
      if (spec.method !== undefined && spec.method.toUpperCase() !== target.method) continue;
      if (fault.path && !fault.path.test(target.path)) continue;
      if (spec.service !== undefined && spec.service !== target.service) continue;
      fault.seen++;
      if (fault.seen <= (spec.skip ?? 0)) continue;
      if (spec.times !== undefined && fault.applied >= spec.times) continue;
      fault.applied++;
      return fault;
    }
    return null;
  }
}

/** Fields a lean serializer might leave out; 'minimal' drops them along with nulls. */
const DECORATIVE_FIELDS = new Set([
  'html_url',
  'details_url',
  'target_url',
  'url',
  'node_id',
  'avatar_url',
  'description',
  'creator',
  'output',
  'pull_requests',
  'app',
  'lastUpdate',
  'publicMeta',
  'githubIntegration',
  'gitlabIntegration',
]);

/** 'extra' adds unknown fields to every object; 'minimal' removes null and decorative fields. */
export function reshape(value: unknown, mode: 'extra' | 'minimal'): unknown {
  if (Array.isArray(value)) return value.map((item) => reshape(item, mode));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (mode === 'minimal' && (field === null || DECORATIVE_FIELDS.has(key))) continue;
    out[key] = reshape(field, mode);
  }
  if (mode === 'extra') {
    out.simUnexpectedField = 'clients must ignore unknown fields';
    out.sim_unexpected_object = { nested: [1, 'two', null] };
  }
  return out;
}

/** Cuts a JSON text in half so it cannot parse. */
export function truncateJson(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

/** The body of a `respond` fault, echoing the Authorization header where asked. */
export function renderRespondBody(body: string | undefined, authorization: string | undefined): string {
  return (body ?? '').replaceAll('{{authorization}}', authorization ?? '');
}
