// Divergences the audits already name, owned by other work in progress. Each entry cites
// its finding (/work/shared/audits/*.md) and is removed once the fix lands: an entry that
// explains nothing in a run is printed as stale. Keep this list short and honest.
import type { Platform } from './report.js';

export interface KnownDivergence {
  platform: Platform;
  /** The audit finding, e.g. `zerops-api F3`. */
  finding: string;
  /** Tested against `<operation> <message>` of a violation. */
  match: RegExp;
  why: string;
}

export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
  { platform: 'zerops', finding: 'zerops-api F3', match: /(GetAppVersion|GetServiceStackAppVersion|GetServiceStack|GetProjectServiceStack) .*field [\w.[\]]*\bname is not in output\.GetAppVersion/, why: 'the simulator returns `name` on GetAppVersion DTOs by default' },
  { platform: 'zerops', finding: 'zerops-api F3', match: /PostServiceStackAppVersion .*response field (name|source|activationDate|githubIntegration|gitlabIntegration) is not in output\.PostAppVersion/, why: 'the create answer carries fields output.PostAppVersion does not declare' },
  { platform: 'gitea', finding: 'forge-apis B1', match: /^repoCompareDiff .*compare with a commit SHA/, why: 'the client compares full SHAs, which Gitea 1.22 answers with 404 (forge-gitea)' },
  { platform: 'gitea', finding: 'forge-apis S1', match: /^repoCompareDiff .*field files is not in Compare/, why: 'the simulated compare answers `files`; Compare has only commits and total_commits' },
  { platform: 'gitea', finding: 'forge-apis S6', match: /^getRepoVariable .*field description is not in ActionVariable/, why: 'the simulated variable carries `description`, newer than Gitea 1.23' },
  { platform: 'github', finding: 'forge-apis S12', match: /^repos\/get-branch \(GET \S+\) HTTP 200 answer: \(root\) must have required property 'protection'(; \(root\) must have required property 'protection_url')?$/, why: 'the simulated branch has no `protection` / `protection_url` (forge-github, with M5)' },
  { platform: 'upload', finding: 'zerops-api F4', match: /sends Content-Type/, why: 'the client sends content-type: application/gzip; zcli sends none (zerops-calls)' },
];
