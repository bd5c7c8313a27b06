// Builders for the objects every payload shares (users, organization, repository, app) and the context they need.
import { sha1Hex } from "../prng.js";
import type { Graph } from "../history.js";

export interface UserRef {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
}

export interface RepoInfo {
  owner: UserRef;
  name: string;
  id: number;
  defaultBranch: string;
  createdAt: string;
  pushedAt: string;
  openIssues: number;
}

export interface AppInfo {
  id: number;
  slug: string;
  name: string;
  createdAt: string;
}

/** What every builder needs: where the sandbox lives and what the repository is. */
export interface ShapeContext {
  /** http://127.0.0.1:port/api/v3 */
  api: string;
  /** http://127.0.0.1:port — the "web" side, for html_url fields. */
  web: string;
  repo: RepoInfo;
  app: AppInfo;
  graph: Graph;
  user(login: string): UserRef;
}

/** GitHub's legacy global node ids: base64("04:User123"). */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`${String(type.length).padStart(2, "0")}:${type}${id}`).toString("base64");
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function user(ctx: ShapeContext, u: UserRef): Record<string, unknown> {
  const base = `${ctx.api}/users/${encodeURIComponent(u.login)}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === "Bot" ? "Bot" : u.type === "Organization" ? "Organization" : "User", u.id),
    avatar_url: `${ctx.web}/avatars/u/${u.id}?v=4`,
    gravatar_id: "",
    url: base,
    html_url: u.type === "Bot" ? `${ctx.web}/apps/${u.login.replace(/\[bot\]$/, "")}` : `${ctx.web}/${u.login}`,
    followers_url: `${base}/followers`,
    following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`,
    starred_url: `${base}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`,
    repos_url: `${base}/repos`,
    events_url: `${base}/events{/privacy}`,
    received_events_url: `${base}/received_events`,
    type: u.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function organization(ctx: ShapeContext): Record<string, unknown> {
  const o = ctx.repo.owner;
  const base = `${ctx.api}/orgs/${o.login}`;
  return {
    login: o.login,
    id: o.id,
    node_id: nodeId("Organization", o.id),
    url: base,
    repos_url: `${base}/repos`,
    events_url: `${base}/events`,
    hooks_url: `${base}/hooks`,
    issues_url: `${base}/issues`,
    members_url: `${base}/members{/member}`,
    public_members_url: `${base}/public_members{/member}`,
    avatar_url: `${ctx.web}/avatars/u/${o.id}?v=4`,
    description: null,
  };
}

export function repoApiUrl(ctx: ShapeContext): string {
  return `${ctx.api}/repos/${ctx.repo.owner.login}/${ctx.repo.name}`;
}

export function repoWebUrl(ctx: ShapeContext): string {
  return `${ctx.web}/${ctx.repo.owner.login}/${ctx.repo.name}`;
}

/** The repository object as webhooks carry it; `full` adds the fields only GET /repos/{owner}/{repo} returns. */
export function repository(ctx: ShapeContext, full = false): Record<string, unknown> {
  const r = ctx.repo;
  const api = repoApiUrl(ctx);
  const web = repoWebUrl(ctx);
  const host = new URL(ctx.web).host;
  const shape: Record<string, unknown> = {
    id: r.id,
    node_id: nodeId("Repository", r.id),
    name: r.name,
    full_name: `${r.owner.login}/${r.name}`,
    private: false,
    owner: user(ctx, r.owner),
    html_url: web,
    description: "A repository simulated by the Locate sandbox",
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: r.createdAt,
    updated_at: r.pushedAt,
    pushed_at: r.pushedAt,
    git_url: `git://${host}/${r.owner.login}/${r.name}.git`,
    ssh_url: `git@${host}:${r.owner.login}/${r.name}.git`,
    clone_url: `${web}.git`,
    svn_url: web,
    homepage: null,
    size: 1024,
    stargazers_count: 42,
    watchers_count: 42,
    language: "TypeScript",
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 3,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: r.openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: "public",
    forks: 3,
    open_issues: r.openIssues,
    watchers: 42,
    default_branch: r.defaultBranch,
    custom_properties: {},
  };
  if (full) {
    Object.assign(shape, {
      temp_clone_token: "",
      allow_squash_merge: true,
      allow_merge_commit: true,
      allow_rebase_merge: true,
      allow_auto_merge: false,
      delete_branch_on_merge: false,
      allow_update_branch: false,
      use_squash_pr_title_as_default: false,
      squash_merge_commit_title: "COMMIT_OR_PR_TITLE",
      squash_merge_commit_message: "COMMIT_MESSAGES",
      merge_commit_title: "MERGE_MESSAGE",
      merge_commit_message: "PR_TITLE",
      network_count: 3,
      subscribers_count: 7,
      ...(r.owner.type === "Organization" ? { organization: user(ctx, r.owner) } : {}),
    });
  }
  return shape;
}

export function installationRef(id: number): Record<string, unknown> {
  return { id, node_id: nodeId("Installation", id) };
}

export function app(ctx: ShapeContext): Record<string, unknown> {
  return {
    id: ctx.app.id,
    slug: ctx.app.slug,
    node_id: nodeId("App", ctx.app.id),
    client_id: `Iv1.${sha1Hex(`client:${ctx.app.id}`).slice(0, 16)}`,
    owner: user(ctx, ctx.repo.owner),
    name: ctx.app.name,
    description: "Finds the first bad release tag by running CI on chosen tags.",
    external_url: `${ctx.web}/apps/${ctx.app.slug}`,
    html_url: `${ctx.web}/apps/${ctx.app.slug}`,
    created_at: ctx.app.createdAt,
    updated_at: ctx.app.createdAt,
    permissions: APP_PERMISSIONS,
    events: ["issue_comment", "issues", "workflow_run"],
    installations_count: 1,
  };
}

export const APP_PERMISSIONS = { actions: "write", contents: "read", issues: "write", metadata: "read", pull_requests: "read" } as const;
