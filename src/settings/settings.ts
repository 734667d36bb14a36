// Every input read once into one typed, validated Settings object. All problems are
// collected and reported together, each naming its input, before any request is sent.
import { hasGlob, globToRegExp } from '../util/glob.js';
import { INPUTS } from './inputs.js';
import {
  ProblemList,
  hasControl,
  parseBool,
  parseDurationInput,
  parseEnum,
  parseInteger,
  shown,
  splitList,
  type Problem,
} from './parse.js';
import { urlProblem } from './urls.js';

export const STRATEGIES = ['auto', 'build', 'artifact', 'activate'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export const ROLLBACK_MODES = ['stage', 'all', 'none'] as const;
export type RollbackMode = (typeof ROLLBACK_MODES)[number];
export const FORGES = ['auto', 'github', 'gitea'] as const;
export type ForgeChoice = (typeof FORGES)[number];
export const PREFLIGHT_MODES = ['warn', 'strict', 'off'] as const;
export type PreflightMode = (typeof PREFLIGHT_MODES)[number];

/** What stage must show before production changes; null when no stage proof is asked for. */
export interface StageSettings {
  verifyUrl: string | null;
  /** Production hostname → stage hostname, where they differ. */
  services: ReadonlyMap<string, string>;
  minAgeMs: number | null;
  /** GitHub Deployments environment. */
  environment: string | null;
  /** Zerops' own view of stage: its token and project (never the production token). */
  zerops: { token: string; projectId: string } | null;
}

export interface Settings {
  zeropsToken: string;
  zeropsApiUrl: string;
  projectId: string;
  /** Hostnames and `*` globs, in the order given, without duplicates. */
  services: string[];
  /** Canary hostnames/globs; empty = the first resolved service. */
  canary: string[];
  batchSize: number;
  soakMs: number;
  strategy: Strategy;
  sourceDir: string;
  artifact: string[];
  zeropsYamlPath: string | null;
  setup: string | null;
  target: string | null;
  requiredChecks: string[];
  ignoreChecks: string[];
  checksTimeoutMs: number;
  pollIntervalMs: number;
  githubToken: string;
  killSwitch: string;
  killSwitchVariable: string;
  controlToken: string | null;
  verifyUrl: string | null;
  verifyField: string[];
  verifyTimeoutMs: number;
  maxStragglers: number;
  rollback: RollbackMode;
  /** Empty = the default branch and every tag. */
  allowedRefs: string[];
  allowDowngrade: boolean;
  dryRun: boolean;
  deploymentEnvironment: string | null;
  verifyAllowHttp: boolean;
  deployTimeoutMs: number;
  lockTimeoutMs: number;
  httpTimeoutMs: number;
  forge: ForgeChoice;
  /** Overrides GITHUB_API_URL; null = use it. */
  forgeApiUrl: string | null;
  shaVariable: string;
  stage: StageSettings | null;
  preflight: PreflightMode;
}

/** Reads one raw input by its action.yml name ('' when unset). */
export type InputReader = (name: string) => string;

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: Problem[] };

const HOSTNAME_PATTERN = /^[a-z0-9*][a-z0-9*-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DOT_PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;
const REF_TEXT = /^[A-Za-z0-9._/*@+-]{1,255}$/;
const MAX_SERVICES = 5000;
const MAX_TOKEN_LENGTH = 4096;
const DAY = 86_400_000;

export function readSettings(read: InputReader, env: Record<string, string | undefined>): SettingsResult {
  const p = new ProblemList();
  const raw = (name: string): string => {
    const value = read(name).trim();
    const spec = INPUTS.find((i) => i.name === name);
    if (value === '' && spec?.env) return (env[spec.env] ?? '').trim();
    return value;
  };

  const zeropsToken = token(p, 'zerops-token', raw('zerops-token'), true);
  const githubToken = token(p, 'github-token', raw('github-token'), true);
  const controlRaw = token(p, 'control-token', raw('control-token'), false);

  let zeropsApiUrl = (raw('zerops-api-url') || 'https://api.app-prg1.zerops.io').replace(/\/+$/, '');
  zeropsApiUrl = zeropsApiUrl.replace(/\/api\/rest\/public$/, '');
  const apiProblem = urlProblem(zeropsApiUrl, { allowHttp: false, what: 'zerops-api-url' });
  if (apiProblem) p.add('zerops-api-url', `${shown(zeropsApiUrl)} ${apiProblem}`);

  const projectId = raw('project-id');
  if (projectId === '') p.add('project-id', 'is required — the ID of the production project (Zerops GUI → project → ID).');
  else if (!PROJECT_ID.test(projectId)) p.add('project-id', `${shown(projectId)} is not a Zerops project ID (letters, digits, \`-\`, \`_\`).`);

  const services = hostnameList(p, 'services', raw('services'));
  if (services.length === 0 && !p.items.some((x) => x.input === 'services')) {
    p.add('services', 'is required — list the hostnames to release, e.g. `api, web` or `app-*`.');
  }
  const canary = hostnameList(p, 'canary', raw('canary'));
  if (services.length > 0) {
    const servicePatterns = services.map((s) => globToRegExp(s));
    for (const c of canary) {
      if (!hasGlob(c) && !servicePatterns.some((re) => re.test(c))) {
        p.add('canary', `\`${c}\` is not among \`services\` — the canary must be one of the released services.`);
      }
    }
  }

  const batchSize = parseInteger(p, 'batch-size', raw('batch-size'), 3, 1, 1000);
  const soakMs = parseDurationInput(p, 'soak', raw('soak'), '60s', 0, DAY);
  const strategy = parseEnum(p, 'strategy', raw('strategy'), STRATEGIES, 'auto');
  const sourceDir = raw('source-dir') || '.';
  if (hasControl(sourceDir)) p.add('source-dir', 'contains control characters.');
  const artifact = splitList(raw('artifact'));
  for (const a of artifact) if (hasControl(a)) p.add('artifact', `${shown(a)} contains control characters.`);
  if (strategy === 'artifact' && artifact.length === 0) {
    p.add('artifact', 'is required with `strategy: artifact` — list the prebuilt files/directories or one .tar.gz.');
  }
  if ((strategy === 'build' || strategy === 'activate') && artifact.length > 0) {
    p.add('artifact', `is set but \`strategy: ${strategy}\` never uploads it — use \`strategy: artifact\` (or \`auto\`), or drop \`artifact\`.`);
  }
  const zeropsYamlPath = raw('zerops-yaml') || null;
  if (zeropsYamlPath && hasControl(zeropsYamlPath)) p.add('zerops-yaml', 'contains control characters.');
  const setup = raw('setup') || null;
  if (setup !== null && (hasControl(setup) || setup.length > 255)) p.add('setup', `${shown(setup)} is not a setup name.`);

  const target = raw('target') || null;
  if (target !== null && !REF_TEXT.test(target)) {
    p.add('target', `${shown(target)} is not a SHA, tag or branch name.`);
  }
  if (target === null && !(env.GITHUB_SHA ?? '').trim()) {
    p.add('target', 'is empty and GITHUB_SHA is not set — pass the SHA, tag or branch to release.');
  }

  const requiredChecks = splitList(raw('required-checks'));
  for (const c of requiredChecks) {
    if (hasControl(c) || c.length > 255) p.add('required-checks', `${shown(c)} is not a check name.`);
  }
  if (new Set(requiredChecks).size !== requiredChecks.length) p.add('required-checks', 'lists a name twice.');
  const ignoreChecks = splitList(raw('ignore-checks'));
  for (const c of ignoreChecks) {
    if (hasControl(c) || c.length > 255) p.add('ignore-checks', `${shown(c)} is not a check name.`);
    else if (requiredChecks.includes(c)) p.add('ignore-checks', `\`${c}\` is also in \`required-checks\` — a check cannot be both required and ignored.`);
  }
  const checksTimeoutMs = parseDurationInput(p, 'checks-timeout', raw('checks-timeout'), '60m', 0, DAY);
  const pollIntervalMs = parseDurationInput(p, 'poll-interval', raw('poll-interval'), '10s', 20, 3_600_000);

  const killSwitch = raw('kill-switch');
  const killSwitchVariable = raw('kill-switch-variable') || 'ZEROPS_DEPLOY_DISABLED';
  if (!ENV_NAME.test(killSwitchVariable)) {
    p.add('kill-switch-variable', `${shown(killSwitchVariable)} is not a variable name (letters, digits, \`_\`).`);
  }

  const verifyAllowHttp = parseBool(p, 'verify-allow-http', raw('verify-allow-http'), false);
  const verifyUrl = raw('verify-url') || null;
  if (verifyUrl !== null) checkVerifyUrl(p, verifyUrl, verifyAllowHttp);
  const verifyFieldRaw = raw('verify-field') || 'git_sha';
  if (!DOT_PATH.test(verifyFieldRaw)) p.add('verify-field', `${shown(verifyFieldRaw)} is not a dot path like \`git_sha\` or \`build.commit\`.`);
  const verifyTimeoutMs = parseDurationInput(p, 'verify-timeout', raw('verify-timeout'), '4m', 0, 2 * 3_600_000);
  const maxStragglers = parseInteger(p, 'max-stragglers', raw('max-stragglers'), 0, 0, MAX_SERVICES);
  const rollback = parseEnum(p, 'rollback', raw('rollback'), ROLLBACK_MODES, 'stage');

  const allowedRefs = splitList(raw('allowed-refs'));
  for (const r of allowedRefs) {
    if (!REF_TEXT.test(r) || r.startsWith('refs/') && !/^refs\/(heads|tags)\/./.test(r)) {
      p.add('allowed-refs', `${shown(r)} is not a branch, \`refs/heads/…\` or \`refs/tags/…\` pattern.`);
    }
  }
  const allowDowngrade = parseBool(p, 'allow-downgrade', raw('allow-downgrade'), false);
  const dryRun = parseBool(p, 'dry-run', raw('dry-run'), false);
  const deploymentEnvironmentRaw = read('deployment-environment').trim();
  const deploymentEnvironment = deploymentEnvironmentRaw === '' ? null : deploymentEnvironmentRaw;
  if (deploymentEnvironment && (hasControl(deploymentEnvironment) || deploymentEnvironment.length > 255)) {
    p.add('deployment-environment', `${shown(deploymentEnvironment)} is not an environment name.`);
  }

  const deployTimeoutMs = parseDurationInput(p, 'deploy-timeout', raw('deploy-timeout'), '70m', 1000, DAY);
  const lockTimeoutMs = parseDurationInput(p, 'lock-timeout', raw('lock-timeout'), '10m', 0, DAY);
  const httpTimeoutMs = parseDurationInput(p, 'http-timeout', raw('http-timeout'), '30s', 100, 10 * 60_000);
  const forge = parseEnum(p, 'forge', raw('forge'), FORGES, 'auto');
  const forgeApiUrl = raw('forge-api-url').replace(/\/+$/, '') || null;
  if (forgeApiUrl) {
    const problem = urlProblem(forgeApiUrl, { allowHttp: false, what: 'forge-api-url' });
    if (problem) p.add('forge-api-url', `${shown(forgeApiUrl)} ${problem}`);
  }
  const shaVariable = raw('sha-variable') || 'ZEROPS_ROLLOUT_SHA';
  if (!ENV_NAME.test(shaVariable)) p.add('sha-variable', `${shown(shaVariable)} is not an environment variable name.`);

  const stage = readStageSettings(p, raw, { zeropsToken, projectId, services, verifyAllowHttp, forge, env });
  const preflight = parseEnum(p, 'preflight', raw('preflight'), PREFLIGHT_MODES, 'warn');

  if (!p.empty) return { ok: false, problems: p.items };
  return {
    ok: true,
    settings: {
      zeropsToken,
      zeropsApiUrl,
      projectId,
      services,
      canary,
      batchSize,
      soakMs,
      strategy,
      sourceDir,
      artifact,
      zeropsYamlPath,
      setup,
      target,
      requiredChecks,
      ignoreChecks,
      checksTimeoutMs,
      pollIntervalMs,
      githubToken,
      killSwitch,
      killSwitchVariable,
      controlToken: controlRaw || null,
      verifyUrl,
      verifyField: verifyFieldRaw.split('.'),
      verifyTimeoutMs,
      maxStragglers,
      rollback,
      allowedRefs,
      allowDowngrade,
      dryRun,
      deploymentEnvironment,
      verifyAllowHttp,
      deployTimeoutMs,
      lockTimeoutMs,
      httpTimeoutMs,
      forge,
      forgeApiUrl,
      shaVariable,
      stage,
      preflight,
    },
  };
}

interface StageContext {
  zeropsToken: string;
  projectId: string;
  services: readonly string[];
  verifyAllowHttp: boolean;
  forge: ForgeChoice;
  env: Record<string, string | undefined>;
}

/** The stage-* inputs: all or none of each pair, and an age only where something can prove it. */
function readStageSettings(p: ProblemList, raw: (name: string) => string, c: StageContext): StageSettings | null {
  const verifyUrl = raw('stage-verify-url') || null;
  if (verifyUrl !== null) checkVerifyUrl(p, verifyUrl, c.verifyAllowHttp, 'stage-verify-url');
  const environment = raw('stage-environment') || null;
  const onGitea = c.forge === 'gitea' || (c.forge === 'auto' && c.env.GITEA_ACTIONS === 'true');
  if (environment !== null) {
    if (hasControl(environment) || environment.length > 255) p.add('stage-environment', `${shown(environment)} is not an environment name.`);
    else if (onGitea) p.add('stage-environment', 'names GitHub Deployments, which Gitea does not have — prove stage with `stage-verify-url` or `stage-zerops-token` + `stage-project-id`.');
  }
  const stageToken = token(p, 'stage-zerops-token', raw('stage-zerops-token'), false);
  const stageProject = raw('stage-project-id');
  if (stageProject !== '' && !PROJECT_ID.test(stageProject)) p.add('stage-project-id', `${shown(stageProject)} is not a Zerops project ID (letters, digits, \`-\`, \`_\`).`);
  if (stageToken && stageProject === '') p.add('stage-zerops-token', 'needs `stage-project-id` too — the ID of the stage project this token reads.');
  if (!stageToken && stageProject !== '') p.add('stage-project-id', 'needs `stage-zerops-token` too — a token scoped to the stage project (never the production token).');
  if (stageProject !== '' && stageProject === c.projectId) p.add('stage-project-id', 'is the production `project-id` — stage must be a separate project.');
  if (stageToken && stageToken === c.zeropsToken) p.add('stage-zerops-token', 'is the production `zerops-token` — give stage its own token, so the production token never reaches stage.');
  const zerops = stageToken && stageProject !== '' ? { token: stageToken, projectId: stageProject } : null;

  const minAgeRaw = raw('stage-min-age');
  const minAgeMs = minAgeRaw === '' ? null : parseDurationInput(p, 'stage-min-age', minAgeRaw, '0s', 0, 30 * DAY);
  if (minAgeRaw !== '' && environment === null && !(stageToken || stageProject !== '')) {
    p.add('stage-min-age', 'needs something that can prove an age: `stage-environment` (GitHub Deployments) or `stage-zerops-token` + `stage-project-id` (stage activation times). A build-info answer has no age.');
  }

  const services = new Map<string, string>();
  const pairs = splitList(raw('stage-services'));
  for (const pair of pairs) {
    const m = /^([^=\s]+)\s*=\s*([^=\s]+)$/.exec(pair);
    if (!m || !HOSTNAME_PATTERN.test(m[1] as string) || !HOSTNAME_PATTERN.test(m[2] as string) || (m[1] + (m[2] as string)).includes('*')) {
      p.add('stage-services', `${shown(pair)} is not a \`production=stage\` hostname pair, e.g. \`api=apistage\`.`);
      continue;
    }
    const [, prod, stage] = m as unknown as [string, string, string];
    if (services.has(prod)) p.add('stage-services', `maps \`${prod}\` twice.`);
    else if (c.services.length > 0 && !c.services.some((x) => globToRegExp(x).test(prod))) p.add('stage-services', `\`${prod}\` is not among \`services\`.`);
    services.set(prod, stage);
  }
  const asked = verifyUrl !== null || environment !== null || stageToken !== '' || stageProject !== '';
  if (pairs.length > 0 && !asked) p.add('stage-services', 'is set, but no stage evidence is asked for — add `stage-verify-url` or `stage-zerops-token` + `stage-project-id`.');
  if (!asked) return null;
  return { verifyUrl, services, minAgeMs, environment, zerops };
}

function token(p: ProblemList, input: string, value: string, required: boolean): string {
  if (value === '') {
    if (required) {
      const how =
        input === 'zerops-token'
          ? 'pass `zerops-token: ${{ secrets.ZEROPS_TOKEN }}` or set the ZEROPS_TOKEN environment variable.'
          : 'pass `github-token: ${{ github.token }}` or set GITHUB_TOKEN.';
      p.add(input, `is empty — ${how}`);
    }
    return '';
  }
  // Never echo a token, not even a malformed one.
  if (/\s/.test(value) || hasControl(value)) p.add(input, 'contains whitespace or control characters — paste the token alone.');
  else if (value.length > MAX_TOKEN_LENGTH) p.add(input, `is longer than ${MAX_TOKEN_LENGTH} characters — is it the right value?`);
  return value;
}

function hostnameList(p: ProblemList, input: string, rawValue: string): string[] {
  const items = splitList(rawValue);
  const seen = new Set<string>();
  const out: string[] = [];
  if (items.length > MAX_SERVICES) {
    p.add(input, `lists ${items.length} entries; at most ${MAX_SERVICES} are accepted.`);
    return [];
  }
  for (const item of items) {
    if (!HOSTNAME_PATTERN.test(item)) {
      p.add(input, `${shown(item)} is not a hostname or glob (lowercase letters, digits, \`-\`, \`*\`; at most 63 characters).`);
      continue;
    }
    if (seen.has(item)) {
      p.add(input, `lists \`${item}\` twice.`);
      continue;
    }
    seen.add(item);
    out.push(item);
  }
  return out;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['service', 'sha', 'short_sha']);

function checkVerifyUrl(p: ProblemList, template: string, allowHttp: boolean, input = 'verify-url'): void {
  if (template.length > 2048 || hasControl(template)) {
    p.add(input, 'is not a URL template (too long or contains control characters).');
    return;
  }
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!KNOWN_PLACEHOLDERS.has(m[1] as string)) {
      p.add(input, `has an unknown placeholder \`{${m[1]}}\` — use \`{service}\`, \`{sha}\` or \`{short_sha}\`.`);
      return;
    }
  }
  const sample = fillVerifyUrl(template, 'svc', '0123456789abcdef0123456789abcdef01234567');
  const problem = urlProblem(sample, { allowHttp, what: input });
  if (problem) p.add(input, `${shown(template)} ${problem}`);
}

/** Substitutes the verify-url placeholders (URL-encoded, so a value cannot change the URL's shape). */
export function fillVerifyUrl(template: string, service: string, sha: string): string {
  const values: Record<string, string> = { service, sha, short_sha: sha.slice(0, 7) };
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in values ? encodeURIComponent(values[name] as string) : whole));
}

export function formatProblems(problems: readonly Problem[]): string {
  const lines = problems.map((x) => `  - input \`${x.input}\`: ${x.message}`);
  return `${problems.length === 1 ? 'An input is' : `${problems.length} inputs are`} not valid:\n${lines.join('\n')}`;
}
