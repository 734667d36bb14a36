// The fault matrix of issue 6, as data. For each phase of a release and each fault:
// the scenario, the fault (once, a few times, or persistent), the inputs, and the
// outcome a careful release tool must reach — "recovered" (retried and succeeded) or
// "failed closed" (result, exit code, a message naming what failed) — plus the
// request-log rules every cell must keep: no mutating call that should not have
// happened, none sent twice where the first one took effect.
//
// `runCell` runs one cell: the committed bundle (dist/index.js) as a child process
// against a fresh simulator. `runMatrix` runs many with bounded parallelism.
// Used by `npm run faults` (scripts/faults.ts) and by __tests__/e2e/secrets.test.ts.
import type { FaultSpec, RequestLogEntry, ServerName, Simulator } from '../../sim/index.js';
import { startSimulator } from '../../sim/index.js';
import { runAction, type ActionRun } from '../../__tests__/helpers/action.js';
import { kindOf, whenLogged, zeropsGet } from '../../__tests__/helpers/log.js';
import { makeRepo, type TestRepo } from '../../__tests__/helpers/repo.js';
import { baseInputs, CONTROL_TOKEN, FORGE_TOKEN, OTHER_PROJECT_ID, STAGE_ENVIRONMENT, STAGE_ZEROPS_TOKEN, world, ZEROPS_TOKEN, type WorldOptions } from '../../__tests__/helpers/world.js';

// ---------------------------------------------------------------------------------
// Axes
// ---------------------------------------------------------------------------------

/** How late a `late` mutation takes effect (the client timeout is 1 s). */
const LATE_MS = 2500;

export const FAULTS = [
  { id: '500', label: '500', describe: 'HTTP 500 (JSON error body echoing the Authorization header)' },
  { id: '502', label: '502', describe: 'HTTP 502 (HTML proxy page echoing the Authorization header)' },
  { id: '503', label: '503', describe: 'HTTP 503 (plain text; the echoed token straddles the 200-character message cap)' },
  { id: '504', label: '504', describe: 'HTTP 504 (JSON; the token echoed in `error.code`, base64 of `Bearer <token>` in the message)' },
  { id: '429', label: '429', describe: 'HTTP 429 with `retry-after: 1`' },
  { id: '403-rl', label: '403rl', describe: 'HTTP 403 rate limit (`x-ratelimit-remaining: 0`, `x-ratelimit-reset` ≈ now + 1 s)' },
  { id: 'reset', label: 'reset', describe: 'connection reset before an answer' },
  { id: 'hang', label: 'hang', describe: 'no answer at all, past the 1 s client timeout' },
  { id: 'malformed', label: 'malf', describe: 'HTTP 200 with truncated JSON' },
  { id: 'shape', label: 'shape', describe: 'valid but unexpected shape: optional/null fields missing (first answer), extra fields (the rest)' },
  // Mutating calls only: the worst kind of hang — the client gives up, the platform acts anyway, later.
  { id: 'late', label: 'late', describe: `no answer within the client timeout, and the platform acts ${LATE_MS / 1000}s after the request arrived (delayMs)` },
] as const;
export type FaultId = (typeof FAULTS)[number]['id'];

export type PhaseId =
  | 'target'
  | 'checks'
  | 'stage-zerops'
  | 'stage-deployments'
  | 'kill-switch'
  | 'services'
  | 'create-version'
  | 'upload'
  | 'deploy'
  | 'process'
  | 'verify-build-info'
  | 'verify-zerops'
  | 'soak'
  | 'soak-probe'
  | 'rollback';

interface Target {
  server: ServerName;
  method: string;
  /** Simulator path glob (`*` one segment). */
  path: string;
  service?: string;
}

/** When the cell's faults are armed. */
type Arm =
  | { at: 'start' }
  /** Once the action printed a line matching this (e.g. the soak started). */
  | { at: 'stdout'; line: RegExp; what: string }
  /** Once the request log shows a matching request (e.g. the canary's deploy call). */
  | { at: 'log'; match: (e: RequestLogEntry) => boolean; what: string };

/** What must hold about mutating calls in a failed-closed cell (on top of the rules every cell keeps). */
export type MutationRule =
  /** No Zerops/upload mutation and no forge write at all. */
  | 'none'
  /** No mutation after the first request the fault hit. */
  | 'none-after-fault'
  /** No build-and-deploy/deploy call took effect. */
  | 'no-deploy'
  /** Only the universal rules. */
  | 'any';

export type Expectation =
  | { outcome: 'recovered'; result: 'success' | 'rolled-back' }
  | { outcome: 'failed-closed'; result: 'failed' | 'rolled-back'; code?: string; message: RegExp; mutations: MutationRule };

interface PersistentCell {
  expect: Expectation;
  /** 5xx on a mutation: answer without acting (a proxy refusing) instead of acting then losing the answer. */
  refused?: boolean;
  arm?: Arm;
  inputs?: Record<string, string>;
  note: string;
}

interface PhaseDef {
  id: PhaseId;
  label: string;
  /** What the faults hit. */
  targets: Target[];
  /** A mutating call: 5xx and resets happen *after* the platform acted (applyThenStatus/applyThenReset). */
  mutating: boolean;
  arm: Arm;
  world?: Partial<WorldOptions>;
  inputs?: Record<string, string>;
  /** The run's result when the phase recovers (rollback: the canary fails by design and is rolled back). */
  recovered: 'success' | 'rolled-back';
  /** Transient faults whose right outcome is not "recovered" (by design), with the reason. */
  transient?: Partial<Record<FaultId, { expect: Expectation; note: string }>>;
  persistent: Partial<Record<FaultId, PersistentCell>>;
  story: string;
}

export interface Cell {
  id: string;
  phase: PhaseId;
  fault: FaultId;
  persistent: boolean;
  expect: Expectation;
  /** What happens in words (for the failure report). */
  story: string;
  /** Inputs set on top of the common ones (see `runCell`). */
  inputs: Record<string, string>;
  /** A known failure: the reason; the cell still runs and is reported, but does not fail the matrix. */
  known?: string;
}

// ---------------------------------------------------------------------------------
// The world every cell runs in
// ---------------------------------------------------------------------------------

export const HOSTS = ['api', 'web'] as const;
const API = '/api/rest/public';
const REPO_PATH = '/repos/acme/shop';
/** The client timeout in these runs. */
export const HTTP_TIMEOUT_MS = 1000;
/** A cell's child process is killed after this long (it then fails as "hung"). */
export const CELL_TIMEOUT_MS = 60_000;

const isDeployCall = (e: RequestLogEntry) => e.server === 'zerops' && e.method === 'PUT' && /\/app-version\/[^/]+\/(build-and-deploy|deploy)$/.test(e.path);

/** The stage proof's Zerops half: the stage token and project (stage build-info needs the simulator's URL, so it is left out here). */
const STAGE_ZEROPS_INPUTS = { 'stage-zerops-token': STAGE_ZEROPS_TOKEN, 'stage-project-id': OTHER_PROJECT_ID };

const failed = (message: RegExp, mutations: MutationRule, code?: string): Expectation => ({ outcome: 'failed-closed', result: 'failed', message, mutations, ...(code ? { code } : {}) });
const recoveredAnyway = (result: 'success' | 'rolled-back' = 'success'): Expectation => ({ outcome: 'recovered', result });

export const PHASES: readonly PhaseDef[] = [
  {
    id: 'target',
    label: 'target resolution',
    targets: [{ server: 'github', method: 'GET', path: `${REPO_PATH}/commits/*` }],
    mutating: false,
    arm: { at: 'start' },
    recovered: 'success',
    story: 'resolving GITHUB_SHA to a commit on GitHub',
    persistent: {
      '502': { expect: failed(/resolve [0-9a-f]{40} failed: HTTP 502/, 'none'), note: 'the target cannot be resolved: nothing is read from or sent to Zerops' },
    },
  },
  {
    id: 'checks',
    label: 'check polling',
    targets: [{ server: 'github', method: 'GET', path: `${REPO_PATH}/commits/*/check-runs` }],
    mutating: false,
    arm: { at: 'start' },
    // `test` is in progress at the first poll and green from the second.
    world: { checks: [{ name: 'test', timeline: [{ status: 'in_progress' }, { status: 'completed', conclusion: 'success', afterPolls: 1 }] }] },
    recovered: 'success',
    story: 'polling the check runs of the target (in progress, then green)',
    persistent: {
      '503': { expect: failed(/Could not read the checks of [0-9a-f]{12}: read check runs failed: HTTP 503/, 'none', 'checks'), note: 'the checks cannot be read: nothing is deployed' },
      malformed: { expect: failed(/Could not read the checks of [0-9a-f]{12}: read check runs failed: HTTP 200 with a malformed JSON body/, 'none', 'checks'), note: 'every answer garbled: nothing is deployed' },
    },
  },
  {
    id: 'stage-zerops',
    label: 'stage proof: Zerops',
    targets: [{ server: 'zerops', method: 'GET', path: `${API}/project/${OTHER_PROJECT_ID}/service-stack` }],
    mutating: false,
    arm: { at: 'start' },
    world: { stage: {} },
    inputs: STAGE_ZEROPS_INPUTS,
    recovered: 'success',
    story: "reading the stage project's services with the stage token (the proof after the checks gate and its re-check before the canary)",
    persistent: {
      '503': {
        expect: failed(/- api: Zerops stage project \S+ could not be read \(list the services of project \S+ failed: HTTP 503/, 'none', 'stage-proof'),
        note: 'stage cannot be read: never counted as proven, nothing is changed',
      },
    },
  },
  {
    id: 'stage-deployments',
    label: 'stage proof: deployments',
    targets: [{ server: 'github', method: 'GET', path: `${REPO_PATH}/deployments` }],
    mutating: false,
    arm: { at: 'start' },
    world: { stage: {} },
    inputs: { ...STAGE_ZEROPS_INPUTS, 'stage-environment': STAGE_ENVIRONMENT, 'stage-min-age': '30m' },
    recovered: 'success',
    story: "reading the target's deployments to the staging environment (GitHub Deployments)",
    persistent: {
      '502': {
        expect: failed(/deployment to staging: deployments could not be read \(.*HTTP 502/, 'none', 'stage-proof'),
        note: 'the deployments cannot be read: never counted as proven, nothing is changed',
      },
    },
  },
  {
    id: 'kill-switch',
    label: 'kill-switch read',
    targets: [{ server: 'github', method: 'GET', path: `${REPO_PATH}/actions/variables/*` }],
    mutating: false,
    // The live re-read right before the batch's first mutating call.
    arm: { at: 'log', match: (e) => isDeployCall(e) && e.service === 'api', what: "the canary's deploy call" },
    recovered: 'success',
    story: 'the live re-read of ZEROPS_DEPLOY_DISABLED before the batch (armed once the canary deploy was sent)',
    persistent: {
      '500': {
        expect: failed(/Holding: the kill-switch variable ZEROPS_DEPLOY_DISABLED could not be read \(read the kill-switch variable failed: HTTP 500/, 'none-after-fault', 'kill-switch-hold'),
        note: 'the switch cannot be read mid-run: hold, the batch is never touched',
      },
      hang: {
        arm: { at: 'start' },
        expect: failed(/Holding: the kill-switch variable ZEROPS_DEPLOY_DISABLED could not be read \(read the kill-switch variable failed: no answer within 1s/, 'none', 'kill-switch-hold'),
        note: 'the switch never answers at the start: hold before anything',
      },
    },
  },
  {
    id: 'services',
    label: 'service resolution',
    targets: [{ server: 'zerops', method: 'GET', path: `${API}/project/*/service-stack` }],
    mutating: false,
    arm: { at: 'start' },
    recovered: 'success',
    story: "listing the production project's services for the plan",
    persistent: {
      '504': { expect: failed(/list the services of project \S+ failed: HTTP 504/, 'none'), note: 'no plan without the service list: nothing is changed' },
    },
  },
  {
    id: 'create-version',
    label: 'version creation',
    targets: [{ server: 'zerops', method: 'POST', path: `${API}/service-stack/*/app-version` }],
    mutating: true,
    arm: { at: 'start' },
    recovered: 'success',
    story: "creating the canary's app version (5xx/reset: created, answer lost — one more is created, the first stays unused)",
    persistent: {
      '503': { expect: failed(/create a version of api failed: HTTP 503/, 'no-deploy'), note: 'every creation acts but its answer is lost: at most one re-create, never an upload or deploy' },
    },
  },
  {
    id: 'upload',
    label: 'upload',
    targets: [{ server: 'upload', method: 'PUT', path: '/storage/upload/*' }],
    mutating: true,
    arm: { at: 'start' },
    recovered: 'success',
    story: 'streaming the archive to the pre-signed upload URL (idempotent: retried with a fresh stream)',
    // Any 2xx from the upload host is success and its body is not read (zcli does the same); this
    // fault's 200 stored nothing, so the platform refuses the build and nothing is deployed.
    transient: { malformed: { expect: failed(/start build-and-deploy of api failed: HTTP 400 \(appVersionDataNotAvailable\)/, 'no-deploy'), note: 'a 200 that stored nothing: the build is refused, nothing deployed' } },
    persistent: {
      '500': { expect: failed(/upload the archive for api failed: HTTP 500/, 'no-deploy'), note: 'the upload never succeeds: no deploy call' },
    },
  },
  {
    id: 'deploy',
    label: 'deploy call',
    targets: [{ server: 'zerops', method: 'PUT', path: `${API}/app-version/*/build-and-deploy` }],
    mutating: true,
    arm: { at: 'start' },
    recovered: 'success',
    story: 'PUT build-and-deploy (5xx/reset: the platform started the build, the answer is lost — found by looking, not re-sent)',
    persistent: {
      '500': { expect: recoveredAnyway(), note: "every deploy call's answer is lost after it acted: each is found by looking, none is sent twice" },
      '502': {
        refused: true,
        expect: failed(/start build-and-deploy of api failed: HTTP 502/, 'no-deploy'),
        note: 'a proxy refuses every deploy call without acting: looked, re-sent once, failed; nothing deployed',
      },
    },
  },
  {
    id: 'process',
    label: 'process polling',
    targets: [{ server: 'zerops', method: 'GET', path: `${API}/process/*` }],
    mutating: false,
    arm: { at: 'start' },
    recovered: 'success',
    story: 'polling the deploy process until FINISHED',
    persistent: {
      reset: {
        inputs: { 'deploy-timeout': '2s' },
        expect: failed(/api: build not confirmed: process \S+ could not be read \(network error/, 'any'),
        note: 'the process can never be read: not reported as deployed; fails at deploy-timeout',
      },
    },
  },
  {
    id: 'verify-build-info',
    label: 'verify: build-info',
    targets: [{ server: 'buildinfo', method: 'GET', path: '/*/build-info' }],
    mutating: false,
    arm: { at: 'start' },
    recovered: 'success',
    story: "reading each app's own build-info SHA after its deploy",
    persistent: {
      '503': { expect: failed(/api: not verified within verify-timeout: build-info unreachable: HTTP 503/, 'any'), note: 'never verified: the canary fails, the batch is never touched' },
    },
  },
  {
    id: 'verify-zerops',
    label: 'verify: active version',
    targets: [{ server: 'zerops', method: 'GET', path: `${API}/service-stack/*` }],
    mutating: false,
    arm: { at: 'start' },
    recovered: 'success',
    story: 'reading the service to confirm Zerops reports the new version ACTIVE',
    persistent: {
      // The service is read again before its first change (status, type for the zerops.yaml check): that read fails first.
      '500': { expect: failed(/api: read service api failed: HTTP 500/, 'no-deploy'), note: 'the canary cannot be read before its first change: nothing is deployed, the batch is never touched' },
    },
  },
  {
    id: 'soak',
    label: 'soak',
    targets: [{ server: 'zerops', method: 'GET', path: `${API}/service-stack/*`, service: 'api' }],
    mutating: false,
    arm: { at: 'stdout', line: /Soaking api for/, what: 'the soak start' },
    inputs: { soak: '1500ms' },
    recovered: 'success',
    story: "the soak's re-reads of the canary's service on Zerops (armed when the soak starts)",
    persistent: {
      '503': { expect: failed(/api failed a soak check .*read service api failed: HTTP 503/, 'any'), note: 'Zerops never answers during the soak: the canary is not judged healthy, the batch is never touched' },
    },
  },
  {
    id: 'soak-probe',
    label: "soak: canary's build-info",
    targets: [{ server: 'buildinfo', method: 'GET', path: '/api/build-info' }],
    mutating: false,
    arm: { at: 'stdout', line: /Soaking api for/, what: 'the soak start' },
    inputs: { soak: '1500ms' },
    recovered: 'success',
    story: "the soak's re-checks of the canary app's own build-info (armed when the soak starts)",
    // By design one failed soak check fails the canary (the app itself did not answer
    // properly while being watched): rolled back, the batch never starts.
    transient: Object.fromEntries(
      (['500', '502', '503', '504', '429', '403-rl', 'reset', 'hang', 'malformed'] as const).map((f) => [
        f,
        {
          expect: { outcome: 'failed-closed', result: 'rolled-back', message: /api failed a soak check after .*: build-info (unreachable|malformed)/, mutations: 'any' } as Expectation,
          note: 'the canary app failed a soak check: its stage fails, it is rolled back, the batch never starts',
        },
      ]),
    ),
    persistent: {},
  },
  {
    id: 'rollback',
    label: 'rollback',
    targets: [{ server: 'zerops', method: 'PUT', path: `${API}/app-version/*/deploy` }],
    mutating: true,
    arm: { at: 'start' },
    // The canary keeps serving the old build: not verified, rolled back by re-activating its previous version.
    world: { service: { api: { buildInfo: { staleForever: true } } } },
    inputs: { 'verify-timeout': '1s' },
    recovered: 'rolled-back',
    story: "re-activating the canary's previous version after it failed verification (5xx/reset: acted, answer lost)",
    persistent: {
      hang: {
        expect: failed(/rollback failed: .*start deploy of api failed: no answer within 1s/, 'any'),
        note: 'the rollback call never answers: looked, re-sent once, reported as a failed rollback',
      },
    },
  },
];

/** Cells known to fail, with the reason: they run and are reported, but do not fail the matrix (none at present: `rollback/late` was fixed by looking for a
 * timed-out call's process for at least max(10 s, http-timeout) before re-sending it). */
export const KNOWN_FAILURES: Partial<Record<string, string>> = {};

export function cellId(phase: PhaseId, fault: FaultId): string {
  return `${phase}/${fault}`;
}

/** Every cell of the matrix, phase by phase. */
export function allCells(): Cell[] {
  const cells: Cell[] = [];
  for (const p of PHASES) {
    for (const f of FAULTS) {
      if (f.id === 'late' && !p.mutating) continue; // reads have no effect to land late
      const persistent = p.persistent[f.id];
      const special = persistent ? undefined : p.transient?.[f.id];
      const id = cellId(p.id, f.id);
      cells.push({
        id,
        phase: p.id,
        fault: f.id,
        persistent: !!persistent,
        expect: persistent?.expect ?? special?.expect ?? { outcome: 'recovered', result: p.recovered },
        inputs: { ...p.inputs, ...persistent?.inputs },
        story: `${p.story}; ${persistent ? 'persistent' : 'transient'} ${describeFault(p, f.id, persistent)}${persistent || special ? ` — ${(persistent ?? special)?.note}` : ''}`,
        ...(KNOWN_FAILURES[id] ? { known: KNOWN_FAILURES[id] } : {}),
      });
    }
  }
  return cells;
}

/** The fault in words, as this phase applies it (mutations lose the answer *after* acting). */
function describeFault(p: PhaseDef, fault: FaultId, persistent: PersistentCell | undefined): string {
  const f = FAULTS.find((x) => x.id === fault) as (typeof FAULTS)[number];
  if (!p.mutating || persistent?.refused) return f.describe;
  if (['500', '502', '503', '504'].includes(fault)) return `HTTP ${fault} after the platform acted (applyThenStatus: HTML body, answer lost)`;
  if (fault === 'reset') return 'connection reset after the platform acted (applyThenReset)';
  if (fault === 'malformed') return 'HTTP 200 with a garbled body, nothing done (the simulator never hides an effect behind one)';
  return f.describe;
}

/** The tokens a cell's run holds, in the order the action masks them: each must never leak. */
export function tokensOf(cell: Cell): string[] {
  return [ZEROPS_TOKEN, FORGE_TOKEN, CONTROL_TOKEN, ...(cell.inputs['stage-zerops-token'] ? [STAGE_ZEROPS_TOKEN] : [])];
}

export function phaseOf(id: PhaseId): PhaseDef {
  return PHASES.find((p) => p.id === id) as PhaseDef;
}

// ---------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------

/** The token a server sees on a path (what `{{authorization}}` echoes). */
function tokenSeenBy(t: Target): string | null {
  if (t.server === 'zerops') return t.path.includes(OTHER_PROJECT_ID) ? STAGE_ZEROPS_TOKEN : ZEROPS_TOKEN;
  if (t.server === 'github' || t.server === 'gitea') return t.path.includes('/actions/variables/') ? CONTROL_TOKEN : FORGE_TOKEN;
  return null; // upload (signed URL) and build-info are anonymous
}

const FILLER = 'upstream temporarily unavailable; retry later. ';

/** The error bodies: each echoes the request's credentials a different way. */
function errorBody(status: number, token: string | null): { body: string; headers?: Record<string, string> } {
  switch (status) {
    case 500:
      return {
        body: JSON.stringify({
          error: { code: 'internalServerError', message: 'request failed; request headers were {"authorization": "{{authorization}}", "accept": "application/json"}', meta: { authorization: '{{authorization}}' } },
        }),
      };
    case 502:
      return { body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><pre>Authorization: {{authorization}}</pre></body></html>', headers: { 'content-type': 'text/html' } };
    case 503: {
      // 167 + "credentials " (12) + "Bearer " (7) = 186: the 200-character cap cuts 14 characters into the token.
      const filler = FILLER.repeat(5).slice(0, 167);
      return { body: `${filler}credentials {{authorization}} were accepted but no backend answered`, headers: { 'content-type': 'text/plain' } };
    }
    case 504: {
      const b64 = token ? Buffer.from(`Bearer ${token}`).toString('base64') : 'none';
      return { body: JSON.stringify({ error: { code: 'gatewayTimeout:{{authorization}}', message: `gateway timeout; replayed upstream with basic credentials ${b64}`, meta: null } }) };
    }
    default:
      return { body: JSON.stringify({ message: `HTTP ${status} for {{authorization}}` }) };
  }
}

/** The fault specs of one cell, for one target. `nowMs` dates the rate-limit reset. */
export function faultSpecsFor(phase: PhaseDef, fault: FaultId, persistent: PersistentCell | undefined, t: Target, nowMs: number): FaultSpec[] {
  const base: FaultSpec = { server: t.server, method: t.method, path: t.path, ...(t.service ? { service: t.service } : {}) };
  const transientTimes = phase.mutating || fault === 'hang' || fault === '429' || fault === '403-rl' ? 1 : 2;
  const times = persistent ? {} : { times: transientTimes };
  const token = tokenSeenBy(t);
  const afterActing = phase.mutating && !persistent?.refused;
  switch (fault) {
    case '500':
    case '502':
    case '503':
    case '504': {
      const status = Number(fault);
      if (afterActing) return [{ ...base, ...times, applyThenStatus: status }];
      const { body, headers } = errorBody(status, token);
      return [{ ...base, ...times, respond: { status, body, ...(headers ? { headers } : {}) } }];
    }
    case '429':
      return [{ ...base, ...times, respond: { status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ message: 'Too many requests from {{authorization}}; slow down' }) } }];
    case '403-rl':
      return [
        {
          ...base,
          ...times,
          respond: {
            status: 403,
            headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(Math.floor(nowMs / 1000) + 1) },
            body: JSON.stringify({ message: 'API rate limit exceeded for {{authorization}}.', documentation_url: 'https://docs.github.com/rest/rate-limit' }),
          },
        },
      ];
    case 'reset':
      return [{ ...base, ...times, ...(afterActing ? { applyThenReset: true } : { reset: true }) }];
    case 'hang':
      return [{ ...base, ...times, hang: true }];
    case 'late':
      return [{ ...base, times: 1, delayMs: LATE_MS }];
    case 'malformed':
      return [{ ...base, ...times, malformed: true }];
    case 'shape':
      return [
        { ...base, times: 1, shape: 'minimal' },
        { ...base, shape: 'extra' },
      ];
  }
}

// ---------------------------------------------------------------------------------
// Running a cell
// ---------------------------------------------------------------------------------

let repo: TestRepo | null = null;
/** One throwaway git repository (3 commits) shared by every cell: `git archive` only reads it. */
export function sharedRepo(): TestRepo {
  repo ??= makeRepo([...HOSTS]);
  return repo;
}

export interface CellResult {
  cell: Cell;
  passed: boolean;
  problems: string[];
  durationMs: number;
  /** What the action produced (for the secret scan). Null when the cell could not run. */
  run: ActionRun | null;
  /** Requests the faults hit. */
  faultsApplied: number;
  /** Pre-signed upload signatures seen by the simulator: credentials too, scanned like tokens. */
  uploadSignatures: string[];
  /** Error answers that echoed the request's Authorization header (a token) back to the action. */
  echoed: number;
  result: string | null;
  /** The run's stop reason (first line). */
  reason: string | null;
}

export async function runCell(cell: Cell, opts: { timeoutMs?: number; bundle?: string } = {}): Promise<CellResult> {
  const started = Date.now();
  const phase = phaseOf(cell.phase);
  const persistent = phase.persistent[cell.fault];
  const { shas } = sharedRepo();
  const target = shas[2] as string;
  let sim: Simulator | null = null;
  let stopWatching: (() => void) | null = null;
  const problems: string[] = [];
  let run: ActionRun | null = null;
  try {
    sim = await startSimulator(world({ shas, services: [...HOSTS], ...phase.world }));
    const s = sim;
    let armed = false;
    const arm = () => {
      if (armed) return;
      armed = true;
      for (const t of phase.targets) for (const f of faultSpecsFor(phase, cell.fault, persistent, t, Date.now())) s.addFault(f);
    };
    const how = persistent?.arm ?? phase.arm;
    if (how.at === 'start') arm();
    if (how.at === 'log') stopWatching = whenLogged(s, how.match, arm, opts.timeoutMs ?? CELL_TIMEOUT_MS);
    const inputs = baseInputs(s, sharedRepo().dir, {
      services: HOSTS.join(','),
      'batch-size': '1',
      'http-timeout': `${HTTP_TIMEOUT_MS}ms`,
      'verify-timeout': '2s',
      'deploy-timeout': '15s',
      ...cell.inputs,
    });
    run = await runAction({
      sim: s,
      inputs,
      env: { GITHUB_SHA: target },
      timeoutMs: opts.timeoutMs ?? CELL_TIMEOUT_MS,
      ...(opts.bundle ? { bundle: opts.bundle } : {}),
      ...(how.at === 'stdout' ? { onStdout: [{ line: how.line, run: arm }] } : {}),
    });
    if (!armed) problems.push(`the faults were never armed (${how.at === 'start' ? 'start' : how.what} never came)`);
    await lateEffectsLanded(s);
    problems.push(...(await inspect(cell, s, run, target, shas[0] as string)));
  } catch (err) {
    problems.push(`the cell could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    stopWatching?.();
  }
  const faultsApplied = sim ? sim.state().faults.reduce((n, f) => n + f.applied, 0) : 0;
  const echoed = sim ? sim.log.filter((e) => e.fault === 'respond' && !!e.headers.authorization).length : 0;
  const uploadSignatures = sim ? [...new Set(sim.log.filter((e) => e.server === 'upload' && e.query.sig).map((e) => e.query.sig as string))] : [];
  await sim?.close();
  return {
    cell,
    passed: problems.length === 0,
    problems,
    durationMs: Date.now() - started,
    run,
    faultsApplied,
    uploadSignatures,
    echoed,
    result: run?.outputs.result ?? null,
    reason: typeof run?.report?.reason === 'string' ? ((run.report.reason as string).split('\n')[0] ?? null) : null,
  };
}

/** Waits (bounded) until every delayed request's handler has run, so its effect is counted. */
async function lateEffectsLanded(sim: Simulator): Promise<void> {
  const late = sim.log.filter((e) => e.fault === 'delayMs');
  if (late.length === 0) return;
  const due = Math.max(...late.map((e) => e.t + LATE_MS));
  const wait = Math.min(LATE_MS, due - sim.state().elapsedMs) + 300;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/** Took the request effect on the platform? (by the fault that hit it, else by its answer) */
function tookEffect(e: RequestLogEntry): boolean {
  switch (e.fault) {
    case 'respond':
    case 'reset':
    case 'hang':
    case 'malformed':
      return false; // answered before acting (or garbled without acting)
    case 'applyThenReset':
    case 'applyThenStatus':
      return true;
    case 'delayMs':
      return false; // may land after a later call, or be refused then: judged by the platform's process list
    default:
      // Unfaulted: a 2xx acted; an unanswered one (client gave up) may have; a 4xx refused.
      return e.status === 0 || (e.status >= 200 && e.status < 300);
  }
}

/** The answer carried what the client needed (2xx, not garbled, not lost). */
function answered(e: RequestLogEntry): boolean {
  return e.status >= 200 && e.status < 300 && (e.fault === undefined || e.fault === 'shape' || e.fault === 'delayMs');
}

const isForgeWrite = (e: RequestLogEntry) => (e.server === 'github' || e.server === 'gitea') && e.method !== 'GET';

/** Every assertion of one cell; returns the problems (empty = passed). */
async function inspect(cell: Cell, sim: Simulator, run: ActionRun, target: string, previous: string): Promise<string[]> {
  const problems: string[] = [];
  const expect = cell.expect;
  const phase = phaseOf(cell.phase);
  const report = run.report;
  const result = run.outputs.result;
  const messages = [String(report?.reason ?? ''), ...((report?.services as Array<Record<string, unknown>> | undefined) ?? []).map((r) => `${r.hostname}: ${String(r.reason ?? '')}`)].join('\n');

  // 1. It ended, by itself, with an exact record.
  if (run.code === null) {
    problems.push(`hung: killed (${run.signal}) after ${run.durationMs} ms`);
    return problems;
  }
  if (!report) problems.push('no JSON report was written');
  if (!result) problems.push('no `result` output was written');
  const services = (report?.services as Array<Record<string, any>> | undefined) ?? [];
  // Once planned, every service ends with an explicit outcome (before the plan there are no records).
  if (report?.plan && services.length !== HOSTS.length) problems.push(`the report lists ${services.length} services, not ${HOSTS.length}`);
  for (const r of services) if (!r.outcome) problems.push(`${r.hostname} has no outcome`);
  // An exact record: what the report says each service runs is what Zerops has active.
  for (const r of services) {
    const active = sim.service(r.hostname).activeVersion;
    if ((r.after?.versionId ?? null) !== (active?.id ?? null)) problems.push(`${r.hostname}: the report says ${r.after?.versionId ?? 'nothing'} runs, Zerops has ${active?.id ?? 'nothing'} active`);
    if (['rolled-back', 'untouched', 'skipped'].includes(r.outcome) && active?.id !== r.before?.versionId) problems.push(`${r.hostname} is reported ${r.outcome} but no longer runs its previous version`);
    if (r.outcome === 'on-target' && active?.name !== target) problems.push(`${r.hostname} is reported on-target but Zerops has ${active?.name?.slice(0, 7) ?? 'nothing'} active`);
  }
  if (/Unexpected error|internal/i.test(String(report?.reasonCode ?? '')) || /Unexpected error/.test(messages)) problems.push(`an unexpected (internal) error: ${messages.split('\n')[0]}`);

  // 2. The fault really hit what it was meant to.
  const applied = sim.state().faults.reduce((n, f) => n + f.applied, 0);
  if (applied === 0) problems.push(`the fault never hit ${phase.targets.map((t) => `${t.method} ${t.path}`).join(' / ')}`);

  // 3. The expected outcome.
  const wantCode = expect.result === 'success' ? 0 : 1;
  if (run.code !== wantCode) problems.push(`exit code ${run.code}, expected ${wantCode}`);
  if (result !== expect.result) problems.push(`result \`${result}\`, expected \`${expect.result}\` — ${messages.split('\n')[0] || '(no reason)'}`);
  if (report && report.result !== result) problems.push(`the report says \`${report.result}\` but the output says \`${result}\``);
  const outcome = (h: string) => services.find((r) => r.hostname === h)?.outcome;
  if (expect.outcome === 'recovered' && expect.result === 'success') {
    for (const h of HOSTS) {
      if (outcome(h) !== 'on-target') problems.push(`${h} ended \`${outcome(h)}\`, not on-target`);
      const view = sim.service(h);
      if (view.activeVersion?.name !== target) problems.push(`${h}: Zerops has ${view.activeVersion?.name?.slice(0, 7) ?? 'nothing'} active, not the target`);
      if (view.buildInfoSha !== target) problems.push(`${h}: build-info serves ${view.buildInfoSha?.slice(0, 7) ?? 'nothing'}, not the target`);
    }
    if (run.outputs.deployed !== JSON.stringify([...HOSTS])) problems.push(`deployed output ${run.outputs.deployed}`);
    // A clean release sends nothing but its own calls: no rollback, no cancel, no rename
    // (deleting the orphan of a lost "create version" answer is its own clean-up, never of an active version).
    const actives = new Set(HOSTS.map((h) => sim.service(h).activeVersion?.id));
    const extra = sim.mutations().filter(
      (e) => !['create-version', 'upload', 'build-and-deploy'].includes(kindOf(e)) && !(kindOf(e) === 'delete-version' && !actives.has(e.path.split('/').at(-1))),
    );
    if (extra.length > 0) problems.push(`unexpected mutating calls in a successful release: ${extra.map((e) => `${kindOf(e)} ${e.service}`).join(', ')}`);
  }
  if (expect.result === 'rolled-back') {
    if (outcome('api') !== 'rolled-back') problems.push(`api ended \`${outcome('api')}\`, not rolled-back`);
    if (sim.service('api').activeVersion?.sha !== previous) problems.push(`api: Zerops has ${sim.service('api').activeVersion?.sha?.slice(0, 7) ?? 'nothing'} active, not the previous version`);
    if (outcome('web') !== 'untouched') problems.push(`web ended \`${outcome('web')}\`, not untouched`);
  }
  if (expect.outcome === 'failed-closed') {
    if (expect.code && report?.reasonCode !== expect.code) problems.push(`reason code \`${report?.reasonCode}\`, expected \`${expect.code}\``);
    if (!expect.message.test(messages)) problems.push(`no message matching ${expect.message}: ${JSON.stringify(messages.slice(0, 400))}`);
    if (!/^::error/m.test(run.stdout)) problems.push('no ::error annotation: the failure is not loud');
    if (outcome('web') === 'on-target') problems.push('web (the batch) was deployed although an earlier phase failed');
  }

  // 4. The request log: nothing that should not have happened.
  const muts = sim.mutations();
  const firstFaulted = sim.log.find((e) => e.fault !== undefined && e.fault !== 'shape');
  if (expect.outcome === 'failed-closed') {
    if (expect.mutations === 'none') {
      if (muts.length > 0) problems.push(`a gate failed, yet ${muts.length} mutating call(s) were sent: ${muts.map((e) => `${kindOf(e)} ${e.service}`).join(', ')}`);
      const writes = sim.log.filter(isForgeWrite);
      if (writes.length > 0) problems.push(`a gate failed, yet the forge was written to: ${writes.map((e) => `${e.method} ${e.path}`).join(', ')}`);
    }
    if (expect.mutations === 'none-after-fault' && firstFaulted) {
      const after = muts.filter((e) => e.seq > firstFaulted.seq);
      if (after.length > 0) problems.push(`${after.length} mutating call(s) after the failed ${firstFaulted.method} ${firstFaulted.path}: ${after.map((e) => `${kindOf(e)} ${e.service}`).join(', ')}`);
    }
    if (expect.mutations === 'no-deploy') {
      const effective = muts.filter((e) => isDeployCall(e) && tookEffect(e));
      if (effective.length > 0) problems.push(`a deploy call took effect although the cell must fail before any: ${effective.map((e) => `${kindOf(e)} ${e.service}`).join(', ')}`);
    }
  }
  // No stage ran → nothing may have changed.
  if (report && Array.isArray(report.timeline) && report.timeline.length === 0 && muts.length > 0) {
    problems.push(`no stage ran, yet ${muts.length} mutating call(s) were sent`);
  }
  // The kill switch held → nothing after the first read that could not be answered.
  if (report?.reasonCode === 'kill-switch-hold') {
    const failedRead = sim.log.find((e) => e.path.includes('/actions/variables/') && e.fault !== undefined && e.fault !== 'shape');
    const after = failedRead ? muts.filter((e) => e.seq > failedRead.seq) : [];
    if (after.length > 0) problems.push(`the kill switch could not be read, yet ${after.length} mutating call(s) followed: ${after.map((e) => `${kindOf(e)} ${e.service}`).join(', ')}`);
  }
  for (const h of HOSTS) {
    const mine = muts.filter((e) => e.service === h);
    // Version creation: once; once more only when the first answer was lost.
    const creations = mine.filter((e) => kindOf(e) === 'create-version');
    if (creations.length > 2) problems.push(`${h}: ${creations.length} versions created`);
    const firstAnswered = creations.findIndex(answered);
    if (firstAnswered >= 0 && firstAnswered < creations.length - 1) problems.push(`${h}: a version was created again after an answered creation`);
    // Deploy calls: never again for a version once one took effect.
    const calls = mine.filter(isDeployCall);
    for (const [i, e] of calls.entries()) {
      const earlier = calls.slice(0, i).find((c) => c.path === e.path && tookEffect(c));
      if (earlier) problems.push(`${h}: ${kindOf(e)} sent again (#${e.seq}) although #${earlier.seq} had taken effect (${earlier.fault ?? `HTTP ${earlier.status}`})`);
    }
    // A deploy call only after a version with an upload (build strategy).
    const firstCall = mine.find((e) => kindOf(e) === 'build-and-deploy');
    if (firstCall && !mine.some((e) => kindOf(e) === 'upload' && e.seq < firstCall.seq)) problems.push(`${h}: build-and-deploy before any upload`);
  }
  // Ground truth: the platform ran at most one process per version (no double deploys).
  for (const h of HOSTS) {
    const id = sim.service(h).id;
    const list = (await zeropsGet(sim, `/service-stack/${id}/process?limit=100`)) as { list: Array<{ appVersion?: { id?: string } | null; actionName?: string; created?: string }> };
    const perVersion = new Map<string, number>();
    // The seeded history (the builds that made the existing versions, an hour old or more) is not this run's.
    const runWindowStart = Date.now() - 30 * 60_000;
    for (const p of list.list) {
      if (p.created && Date.parse(p.created) < runWindowStart) continue;
      const v = p.appVersion?.id;
      if (v) perVersion.set(v, (perVersion.get(v) ?? 0) + 1);
    }
    for (const [v, n] of perVersion) if (n > 1) problems.push(`${h}: the platform ran ${n} processes for version ${v} — a deploy was repeated`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------
// Running many
// ---------------------------------------------------------------------------------

export interface MatrixOptions {
  parallel?: number;
  timeoutMs?: number;
  /** Run another bundle than dist/index.js (mutants). */
  bundle?: string;
  onResult?: (r: CellResult, done: number, total: number) => void;
}

/** Runs the cells with bounded parallelism; every cell has a hard deadline. */
export async function runMatrix(cells: readonly Cell[], o: MatrixOptions = {}): Promise<CellResult[]> {
  const parallel = Math.max(1, o.parallel ?? 2);
  const timeoutMs = o.timeoutMs ?? CELL_TIMEOUT_MS;
  const results: CellResult[] = new Array(cells.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= cells.length) return;
      const cell = cells[i] as Cell;
      const r = await withDeadline(runCell(cell, { timeoutMs, ...(o.bundle ? { bundle: o.bundle } : {}) }), timeoutMs + 30_000, cell);
      results[i] = r;
      done++;
      o.onResult?.(r, done, cells.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, cells.length) }, worker));
  return results;
}

async function withDeadline(p: Promise<CellResult>, ms: number, cell: Cell): Promise<CellResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CellResult>((done) => {
    timer = setTimeout(
      () => done({ cell, passed: false, problems: [`the cell did not finish within ${ms} ms`], durationMs: ms, run: null, faultsApplied: 0, uploadSignatures: [], echoed: 0, result: null, reason: null }),
      ms,
    );
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------

/** A cell's mark: ✓/✗, then r (retried and succeeded), c (failed closed) or b (rolled back); `!` = known failure. */
export function mark(r: CellResult): string {
  const kind = r.cell.expect.outcome === 'failed-closed' ? 'c' : r.cell.expect.result === 'rolled-back' ? 'b' : 'r';
  const p = r.cell.persistent ? 'P' : ' ';
  return `${r.passed ? '✓' : r.cell.known ? '!' : '✗'}${kind}${p}`;
}

export function renderTable(results: readonly CellResult[]): string {
  const byId = new Map(results.map((r) => [r.cell.id, r]));
  const phases = PHASES.filter((p) => results.some((r) => r.cell.phase === p.id));
  const faults = FAULTS.filter((f) => results.some((r) => r.cell.fault === f.id));
  const w0 = Math.max(...phases.map((p) => p.label.length), 5);
  const cols = faults.map((f) => Math.max(f.label.length, 3));
  const line = (first: string, cells: string[]) => `| ${first.padEnd(w0)} | ${cells.map((c, i) => c.padEnd(cols[i] as number)).join(' | ')} |`;
  const out = [line('phase', faults.map((f) => f.label)), `|${'-'.repeat(w0 + 2)}|${cols.map((c) => '-'.repeat(c + 2)).join('|')}|`];
  for (const p of phases) out.push(line(p.label, faults.map((f) => { const r = byId.get(cellId(p.id, f.id)); return r ? mark(r) : ' ·'; })));
  return out.join('\n');
}

export interface Totals {
  tried: number;
  passed: number;
  failed: number;
  known: number;
  recovered: number;
  failedClosed: number;
  persistent: number;
}

export function totals(results: readonly CellResult[]): Totals {
  return {
    tried: results.length,
    passed: results.filter((r) => r.passed).length,
    failed: results.filter((r) => !r.passed && !r.cell.known).length,
    known: results.filter((r) => !r.passed && r.cell.known).length,
    recovered: results.filter((r) => r.cell.expect.outcome === 'recovered').length,
    failedClosed: results.filter((r) => r.cell.expect.outcome === 'failed-closed').length,
    persistent: results.filter((r) => r.cell.persistent).length,
  };
}

export const LEGEND =
  '✓ passed, ✗ failed, ! known failure · r = retried and succeeded, c = failed closed, b = canary rolled back (rollback phase) · P = persistent fault (else once or twice) · "late" applies to mutating calls only';
