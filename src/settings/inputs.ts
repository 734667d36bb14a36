// The action's public interface, in one table. action.yml (both variants), the
// README's inputs table and the CLI's flags are generated from or checked against it.
// A contract: later work adds inputs, never renames them.

export interface InputSpec {
  name: string;
  /** Default as written in action.yml (may be a workflow expression). */
  actionDefault?: string;
  required?: boolean;
  description: string;
  /** Environment variable read when the input is empty (CLI and action alike). */
  env?: string;
  /** Never printed; masked as soon as it is read. */
  secret?: boolean;
}

export const INPUTS: readonly InputSpec[] = [
  { name: 'zerops-token', env: 'ZEROPS_TOKEN', secret: true, description: 'Production-scoped Zerops access token. Falls back to the `ZEROPS_TOKEN` environment variable. Masked at once.' },
  { name: 'zerops-api-url', actionDefault: 'https://api.app-prg1.zerops.io', description: 'Zerops API base URL.' },
  { name: 'project-id', required: true, description: 'ID of the production Zerops project. Every service must belong to it; nothing outside it is touched.' },
  { name: 'services', required: true, description: 'Service hostnames to release, newline- or comma-separated. `*` globs match hostnames in the project.' },
  { name: 'canary', actionDefault: '', description: 'Hostname(s) deployed first, alone, verified and soaked. Default: the first resolved service.' },
  { name: 'batch-size', actionDefault: '3', description: 'Services per batch after the canary.' },
  { name: 'soak', actionDefault: '60s', description: 'How long to watch the verified canary (re-checking it every `poll-interval`) before the batches.' },
  { name: 'strategy', actionDefault: 'auto', description: '`build` (upload the target commit and build it), `artifact` (upload prebuilt files, deploy without a build), `activate` (re-activate a kept version of the target), or `auto` (skip if on target, else activate a kept version, else build — or deploy `artifact` when it is set).' },
  { name: 'source-dir', actionDefault: '.', description: 'Git checkout whose target commit is archived (`git archive`) and uploaded for `build`.' },
  { name: 'artifact', actionDefault: '', description: 'Prebuilt files or directories (newline/comma-separated, relative to the workspace), or one `.tar.gz`/`.tgz` archive, uploaded for `artifact`.' },
  { name: 'zerops-yaml', actionDefault: '', description: 'Path of the zerops.yaml sent with each deploy. Default: `zerops.yaml` or `zerops.yml` in `source-dir`.' },
  { name: 'setup', actionDefault: '', description: 'zerops.yaml setup name. Default: each service\'s hostname.' },
  { name: 'target', actionDefault: '', description: 'SHA, short SHA, tag or branch to release; resolved to one full SHA. Default: the triggering commit (`GITHUB_SHA`).' },
  { name: 'required-checks', actionDefault: '', description: 'Check/status names or `*` globs that must be green, newline- or comma-separated. Default: every check and status reported on the commit except this workflow run\'s own (plus the branch\'s required checks: GitHub rulesets and classic protection, Gitea branch protection).' },
  { name: 'ignore-checks', actionDefault: '', description: 'Check/status names or `*` globs never waited on when `required-checks` is empty — e.g. the jobs of your other deploy workflows, so two of them on one commit do not wait for each other.' },
  { name: 'checks-timeout', actionDefault: '60m', description: 'How long to wait for the required checks to go green.' },
  { name: 'poll-interval', actionDefault: '10s', description: 'Interval of every polling loop (checks, processes, verification, soak, kill switch).' },
  { name: 'github-token', actionDefault: '${{ github.token }}', env: 'GITHUB_TOKEN', secret: true, description: 'Forge API token (GitHub or Gitea) used to resolve the target and read checks.' },
  { name: 'kill-switch', actionDefault: '', description: 'Job-start value of the kill switch: the variable named by `kill-switch-variable`, passed through a `vars` expression (see the examples). Truthy (`1`, `true`, `yes`, `on`, `disabled`, `disable`) stops the release before anything changes.' },
  { name: 'kill-switch-variable', actionDefault: 'ZEROPS_DEPLOY_DISABLED', description: 'Repository Actions variable re-read live (with `control-token`) before every mutating call and during waits. An organisation or environment variable of that name is seen at job start only (through `kill-switch`), never live.' },
  { name: 'control-token', actionDefault: '', secret: true, description: 'Token that can read repository Actions variables (GitHub: fine-grained "Variables: read" on this repository; Gitea: scope `read:repository`, owned by the repository owner — for an organisation repository a member of its Owners team — or a site admin; an admin collaborator gets 403). Without it the kill switch is not live. Only repository variables are read live, not organisation or environment ones.' },
  { name: 'verify-url', actionDefault: '', description: 'Build-info URL template with `{service}`, `{sha}`, `{short_sha}`; must answer JSON whose `verify-field` holds the served commit SHA. https unless the host is loopback or `verify-allow-http` is set.' },
  { name: 'verify-field', actionDefault: 'git_sha', description: 'Dot path of the SHA in the build-info JSON.' },
  { name: 'verify-timeout', actionDefault: '4m', description: 'Settle budget per service: how long a stale or unreachable build-info answer is retried.' },
  { name: 'max-stragglers', actionDefault: '0', description: 'Batch services allowed to miss verification without failing the run; each is reported as quarantined.' },
  { name: 'rollback', actionDefault: 'stage', description: '`stage` (re-activate the previous version of every service of the failing stage), `all` (of every service this run changed) or `none`.' },
  { name: 'allowed-refs', actionDefault: '', description: 'Refs the target must be the tip or an ancestor of: branch names or globs, `refs/heads/…`, `refs/tags/…`. Default: the default branch and every tag.' },
  { name: 'allow-downgrade', actionDefault: 'false', description: 'Permit replacing a newer deployed commit with an older target (rollback workflows set it).' },
  { name: 'dry-run', actionDefault: 'false', description: 'Plan and report, run the gates read-only, change nothing.' },
  { name: 'deployment-environment', actionDefault: 'production', description: 'GitHub Deployments environment to record the release in; empty disables. Skipped on Gitea.' },
  { name: 'verify-allow-http', actionDefault: 'false', description: 'Allow a plain-http `verify-url` on a non-loopback host.' },
  { name: 'deploy-timeout', actionDefault: '70m', description: 'Deadline for one stage\'s Zerops processes (builds time out on Zerops after 60m).' },
  { name: 'lock-timeout', actionDefault: '10m', description: 'How long to wait for processes already running on a service before deploying to it.' },
  { name: 'http-timeout', actionDefault: '30s', description: 'Timeout of one API request (retried with capped, jittered backoff when safe).' },
  { name: 'forge', actionDefault: 'auto', description: '`github`, `gitea` or `auto` (Gitea when `GITEA_ACTIONS=true`).' },
  { name: 'forge-api-url', actionDefault: '', description: 'GitHub/Gitea REST API base. Default: `GITHUB_API_URL` as the runner sets it; set it only to point elsewhere (e.g. at the simulator in CI).' },
  { name: 'sha-variable', actionDefault: 'ZEROPS_ROLLOUT_SHA', description: 'Run environment variable stamped with the target SHA in the deployed zerops.yaml setup, for the app\'s build-info endpoint.' },
  { name: 'stage-verify-url', actionDefault: '', description: 'Stage build-info URL template (`{service}` = each stage hostname, `{sha}`, `{short_sha}`). When set, every released service\'s stage counterpart must serve the target SHA before production changes.' },
  { name: 'stage-services', actionDefault: '', description: 'Production → stage hostname pairs (`api=apistage`, newline- or comma-separated) where they differ. A service not listed is looked up on stage by its own hostname.' },
  { name: 'stage-min-age', actionDefault: '', description: 'How long the target must have been live on stage (e.g. `30m`). Proven from `stage-environment` deployments or the stage Zerops view; needs one of them.' },
  { name: 'stage-environment', actionDefault: '', description: 'GitHub Deployments environment of stage (e.g. `staging`): its latest deployment of the target SHA must have a `success` status (older than `stage-min-age`). GitHub only; the token needs `deployments: read`.' },
  { name: 'stage-zerops-token', env: 'ZEROPS_STAGE_TOKEN', secret: true, description: 'Zerops token for the stage project only (never the production token; the production token never reaches stage). With `stage-project-id`, stage\'s active versions must carry the target SHA.' },
  { name: 'stage-project-id', actionDefault: '', description: 'ID of the stage Zerops project read with `stage-zerops-token`; its activation times prove `stage-min-age`.' },
  { name: 'preflight', actionDefault: 'warn', description: 'Production readiness check before any change: `warn` (refuse only a `zcp` service in production, warn on the rest), `strict` (every finding refuses) or `off`.' },
];

export interface OutputSpec {
  name: string;
  description: string;
}

export const OUTPUTS: readonly OutputSpec[] = [
  { name: 'result', description: '`success`, `noop`, `disabled`, `superseded`, `dry-run` (exit 0) or `halted`, `failed`, `rolled-back` (non-zero exit).' },
  { name: 'target-sha', description: 'The full SHA the target resolved to.' },
  { name: 'deployed', description: 'JSON array of hostnames that ended on the target.' },
  { name: 'failed', description: 'JSON array of hostnames that failed (including quarantined stragglers and rollbacks that failed).' },
  { name: 'rolled-back', description: 'JSON array of hostnames rolled back to their previous version.' },
  { name: 'skipped', description: 'JSON array of hostnames already on the target.' },
  { name: 'report', description: 'Path of the JSON report (schema `zerops-rollout/report@1`).' },
];

export function inputSpec(name: string): InputSpec {
  const spec = INPUTS.find((i) => i.name === name);
  if (!spec) throw new Error(`unknown input ${name}`);
  return spec;
}
