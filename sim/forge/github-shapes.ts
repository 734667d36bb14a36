// The parts of GitHub's JSON shapes the release gate never reads but the REST description
// requires (schemas simple-user, integration, minimal-/full-repository, workflow-run):
// kept here so the route handlers stay short and the answers validate against the spec.

/** Where URLs point: the API base and the web (html) base of the simulated server. */
export interface GithubBases {
  api: string;
  html: string;
}

const EPOCH = '2020-01-01T00:00:00Z';

/** Schema simple-user. */
export function simpleUser(bases: GithubBases, login: string, id: number, type: 'User' | 'Bot' | 'Organization'): Record<string, unknown> {
  const url = `${bases.api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `${bases.html}/avatars/u/${id}`,
    gravatar_id: '',
    url,
    html_url: `${bases.html}/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

/** Schema integration (the app that owns a check run). */
export function githubApp(bases: GithubBases, slug: string, name: string, id: number): Record<string, unknown> {
  return {
    id,
    slug,
    node_id: `A_${id}`,
    owner: simpleUser(bases, 'github', 9_919, 'Organization'),
    name,
    description: null,
    external_url: `${bases.html}/apps/${slug}`,
    html_url: `${bases.html}/apps/${slug}`,
    created_at: EPOCH,
    updated_at: EPOCH,
    permissions: { checks: 'write', metadata: 'read' },
    events: [],
  };
}

export interface RepoIdentity {
  owner: string;
  repo: string;
  id: number;
}

/** Schema minimal-repository (its required fields). */
export function minimalRepository(bases: GithubBases, r: RepoIdentity): Record<string, unknown> {
  const url = `${bases.api}/repos/${r.owner}/${r.repo}`;
  const templated = (name: string, suffix = ''): string => `${url}/${name}${suffix}`;
  return {
    id: r.id,
    node_id: `R_${r.id}`,
    name: r.repo,
    full_name: `${r.owner}/${r.repo}`,
    owner: simpleUser(bases, r.owner, 1, 'Organization'),
    private: true,
    html_url: `${bases.html}/${r.owner}/${r.repo}`,
    description: null,
    fork: false,
    url,
    archive_url: templated('{archive_format}{/ref}'),
    assignees_url: templated('assignees', '{/user}'),
    blobs_url: templated('git/blobs', '{/sha}'),
    branches_url: templated('branches', '{/branch}'),
    collaborators_url: templated('collaborators', '{/collaborator}'),
    comments_url: templated('comments', '{/number}'),
    commits_url: templated('commits', '{/sha}'),
    compare_url: templated('compare/{base}...{head}'),
    contents_url: templated('contents/{+path}'),
    contributors_url: templated('contributors'),
    deployments_url: templated('deployments'),
    downloads_url: templated('downloads'),
    events_url: templated('events'),
    forks_url: templated('forks'),
    git_commits_url: templated('git/commits', '{/sha}'),
    git_refs_url: templated('git/refs', '{/sha}'),
    git_tags_url: templated('git/tags', '{/sha}'),
    hooks_url: templated('hooks'),
    issue_comment_url: templated('issues/comments', '{/number}'),
    issue_events_url: templated('issues/events', '{/number}'),
    issues_url: templated('issues', '{/number}'),
    keys_url: templated('keys', '{/key_id}'),
    labels_url: templated('labels', '{/name}'),
    languages_url: templated('languages'),
    merges_url: templated('merges'),
    milestones_url: templated('milestones', '{/number}'),
    notifications_url: templated('notifications{?since,all,participating}'),
    pulls_url: templated('pulls', '{/number}'),
    releases_url: templated('releases', '{/id}'),
    stargazers_url: templated('stargazers'),
    statuses_url: templated('statuses/{sha}'),
    subscribers_url: templated('subscribers'),
    subscription_url: templated('subscription'),
    tags_url: templated('tags'),
    teams_url: templated('teams'),
    trees_url: templated('git/trees', '{/sha}'),
  };
}

/** Schema full-repository: minimal-repository plus the counters and flags it requires. */
export function fullRepository(bases: GithubBases, r: RepoIdentity, defaultBranch: string): Record<string, unknown> {
  const host = new URL(bases.html).host;
  return {
    ...minimalRepository(bases, r),
    visibility: 'private',
    default_branch: defaultBranch,
    clone_url: `${bases.html}/${r.owner}/${r.repo}.git`,
    git_url: `git://${host}/${r.owner}/${r.repo}.git`,
    ssh_url: `git@${host}:${r.owner}/${r.repo}.git`,
    svn_url: `${bases.html}/${r.owner}/${r.repo}`,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    forks: 0,
    forks_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    network_count: 0,
    subscribers_count: 0,
    size: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    pushed_at: EPOCH,
    created_at: EPOCH,
    updated_at: EPOCH,
  };
}

/** The workflow-run fields beyond what the gate reads (ids, urls, repositories, head commit). */
export function workflowRunDetails(bases: GithubBases, r: RepoIdentity, run: { id: number; checkSuiteId: number; createdAt: string }): Record<string, unknown> {
  const runUrl = `${bases.api}/repos/${r.owner}/${r.repo}/actions/runs/${run.id}`;
  const repository = minimalRepository(bases, r);
  return {
    node_id: `WFR_${run.id}`,
    display_title: 'Release',
    path: '.github/workflows/release.yml',
    workflow_id: 1,
    created_at: run.createdAt,
    updated_at: run.createdAt,
    head_commit: null,
    head_repository: repository,
    repository,
    jobs_url: `${runUrl}/jobs`,
    logs_url: `${runUrl}/logs`,
    check_suite_url: `${bases.api}/repos/${r.owner}/${r.repo}/check-suites/${run.checkSuiteId}`,
    cancel_url: `${runUrl}/cancel`,
    rerun_url: `${runUrl}/rerun`,
    artifacts_url: `${runUrl}/artifacts`,
    workflow_url: `${bases.api}/repos/${r.owner}/${r.repo}/actions/workflows/1`,
    pull_requests: [],
  };
}
