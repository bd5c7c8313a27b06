// Builders for GitHub's REST and webhook objects (users, repository, issues, comments, commits, workflow runs), field for field.
import { commitMeta } from "./commit-meta.js";
import type { Graph } from "./history.js";
import { sha1Hex } from "./prng.js";
import type { SandboxRun } from "./types.js";

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

export type ReactionContent = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";
export const REACTION_CONTENTS: readonly ReactionContent[] = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"];

export function reactionRollup(url: string, contents: readonly string[]): Record<string, unknown> {
  const rollup: Record<string, unknown> = { url, total_count: contents.length };
  for (const c of REACTION_CONTENTS) rollup[c] = contents.filter((x) => x === c).length;
  return rollup;
}

export interface IssueModel {
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: UserRef;
  authorAssociation: string;
  locked: boolean;
  lockReason: string | null;
  createdAt: number;
  updatedAt: number;
  comments: number;
  reactions: ReactionModel[];
}

export interface CommentModel {
  id: number;
  issueNumber: number;
  user: UserRef;
  authorAssociation: string;
  body: string;
  createdAt: number;
  updatedAt: number;
  deleted: boolean;
  viaApp: boolean;
  reactions: ReactionModel[];
}

export interface ReactionModel {
  id: number;
  user: UserRef;
  content: ReactionContent;
  createdAt: number;
}

export function issue(ctx: ShapeContext, i: IssueModel): Record<string, unknown> {
  const url = `${repoApiUrl(ctx)}/issues/${i.number}`;
  return {
    url,
    repository_url: repoApiUrl(ctx),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${repoWebUrl(ctx)}/issues/${i.number}`,
    id: i.id,
    node_id: nodeId("Issue", i.id),
    number: i.number,
    title: i.title,
    user: user(ctx, i.user),
    labels: [],
    state: "open",
    locked: i.locked,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: i.comments,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    closed_at: null,
    author_association: i.authorAssociation,
    active_lock_reason: i.lockReason,
    sub_issues_summary: { total: 0, completed: 0, percent_completed: 0 },
    body: i.body,
    closed_by: null,
    reactions: reactionRollup(`${url}/reactions`, i.reactions.map((r) => r.content)),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: null,
  };
}

export function comment(ctx: ShapeContext, c: CommentModel): Record<string, unknown> {
  const url = `${repoApiUrl(ctx)}/issues/comments/${c.id}`;
  return {
    url,
    html_url: `${repoWebUrl(ctx)}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${repoApiUrl(ctx)}/issues/${c.issueNumber}`,
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    user: user(ctx, c.user),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    author_association: c.authorAssociation,
    body: c.body,
    reactions: reactionRollup(`${url}/reactions`, c.reactions.map((r) => r.content)),
    performed_via_github_app: c.viaApp ? app(ctx) : null,
  };
}

export function reaction(ctx: ShapeContext, r: ReactionModel): Record<string, unknown> {
  return { id: r.id, node_id: nodeId("Reaction", r.id), user: user(ctx, r.user), content: r.content, created_at: iso(r.createdAt) };
}

export function tag(ctx: ShapeContext, t: { name: string; sha: string }): Record<string, unknown> {
  return {
    name: t.name,
    zipball_url: `${repoApiUrl(ctx)}/zipball/refs/tags/${encodeURIComponent(t.name)}`,
    tarball_url: `${repoApiUrl(ctx)}/tarball/refs/tags/${encodeURIComponent(t.name)}`,
    commit: { sha: t.sha, url: `${repoApiUrl(ctx)}/commits/${t.sha}` },
    node_id: Buffer.from(`040:Ref${ctx.repo.id}:refs/tags/${t.name}`).toString("base64"),
  };
}

/** A commit as /commits/{ref} and /compare list it; `detail` adds stats and files (single-commit endpoint). */
export function commit(ctx: ShapeContext, index: number, detail = false): Record<string, unknown> {
  const g = ctx.graph;
  const sha = g.sha(index);
  const parents = g.parents[index]!;
  const meta = commitMeta(sha, g.times[index]!, parents.length);
  const api = repoApiUrl(ctx);
  const web = repoWebUrl(ctx);
  const committer = { name: "GitHub", email: "noreply@github.com", date: iso(g.times[index]! * 1000) };
  const authorUser = meta.author.login ? user(ctx, ctx.user(meta.author.login)) : null;
  const shape: Record<string, unknown> = {
    sha,
    node_id: nodeId("Commit", sha),
    commit: {
      author: { name: meta.author.name, email: meta.author.email, date: iso(meta.authorTime * 1000) },
      committer,
      message: meta.message,
      tree: { sha: sha1Hex(`tree:${sha}`), url: `${api}/git/trees/${sha1Hex(`tree:${sha}`)}` },
      url: `${api}/git/commits/${sha}`,
      comment_count: 0,
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${sha}`,
    html_url: `${web}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    author: authorUser,
    committer: user(ctx, { login: "web-flow", id: 19864447, type: "User" }),
    parents: parents.map((p) => ({ sha: g.sha(p), url: `${api}/commits/${g.sha(p)}`, html_url: `${web}/commit/${g.sha(p)}` })),
  };
  if (detail) {
    const h = parseInt(sha.slice(0, 6), 16);
    const additions = h % 120;
    const deletions = (h >> 7) % 40;
    shape.stats = { total: additions + deletions, additions, deletions };
    shape.files = [];
  }
  return shape;
}

export function headCommit(ctx: ShapeContext, index: number): Record<string, unknown> {
  const g = ctx.graph;
  const sha = g.sha(index);
  const meta = commitMeta(sha, g.times[index]!, g.parents[index]!.length);
  return {
    id: sha,
    tree_id: sha1Hex(`tree:${sha}`),
    message: meta.message,
    timestamp: new Date(g.times[index]! * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    author: { name: meta.author.name, email: meta.author.email },
    committer: { name: "GitHub", email: "noreply@github.com" },
  };
}

export function pullRequest(ctx: ShapeContext, number: number, index: number): Record<string, unknown> {
  const g = ctx.graph;
  const sha = g.sha(index);
  const meta = commitMeta(sha, g.times[index]!, g.parents[index]!.length);
  const api = repoApiUrl(ctx);
  const web = repoWebUrl(ctx);
  const id = 1_900_000_000 + number;
  const author = ctx.user(meta.author.login ?? "ghost");
  const merged = iso(g.times[index]! * 1000);
  const side = (ref: string, at: string) => ({
    label: `${ctx.repo.owner.login}:${ref}`,
    ref,
    sha: at,
    user: user(ctx, ctx.repo.owner),
    repo: repository(ctx),
  });
  const parentSha = g.parents[index]![0] === undefined ? sha : g.sha(g.parents[index]![0]!);
  return {
    url: `${api}/pulls/${number}`,
    id,
    node_id: nodeId("PullRequest", id),
    html_url: `${web}/pull/${number}`,
    diff_url: `${web}/pull/${number}.diff`,
    patch_url: `${web}/pull/${number}.patch`,
    issue_url: `${api}/issues/${number}`,
    commits_url: `${api}/pulls/${number}/commits`,
    review_comments_url: `${api}/pulls/${number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${number}/comments`,
    statuses_url: `${api}/statuses/${sha}`,
    number,
    state: "closed",
    locked: false,
    title: meta.title.replace(/ \(#\d+\)$/, "").replace(/^Merge pull request #\d+ from \S+$/, "Merged work"),
    user: user(ctx, author),
    body: null,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: iso((g.times[index]! - 86_400) * 1000),
    updated_at: merged,
    closed_at: merged,
    merged_at: merged,
    merge_commit_sha: sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(`${meta.author.login ?? "contrib"}/patch-${number}`, sha),
    base: side(ctx.repo.defaultBranch, parentSha),
    _links: {
      self: { href: `${api}/pulls/${number}` },
      html: { href: `${web}/pull/${number}` },
      issue: { href: `${api}/issues/${number}` },
      comments: { href: `${api}/issues/${number}/comments` },
      review_comments: { href: `${api}/pulls/${number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${number}/commits` },
      statuses: { href: `${api}/statuses/${sha}` },
    },
    author_association: "CONTRIBUTOR",
    auto_merge: null,
    draft: false,
  };
}

export interface WorkflowModel {
  id: number;
  name: string;
  path: string;
  file: string;
  createdAt: number;
}

export function workflow(ctx: ShapeContext, w: WorkflowModel): Record<string, unknown> {
  return {
    id: w.id,
    node_id: Buffer.from(`W_${w.id}`).toString("base64"),
    name: w.name,
    path: w.path,
    state: "active",
    created_at: iso(w.createdAt),
    updated_at: iso(w.createdAt),
    url: `${repoApiUrl(ctx)}/actions/workflows/${w.id}`,
    html_url: `${repoWebUrl(ctx)}/blob/${ctx.repo.defaultBranch}/${w.path}`,
    badge_url: `${repoWebUrl(ctx)}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
  };
}

export function workflowRun(ctx: ShapeContext, run: SandboxRun, w: WorkflowModel, actor: UserRef): Record<string, unknown> {
  const api = repoApiUrl(ctx);
  const url = `${api}/actions/runs/${run.id}`;
  const headIndex = ctx.graph.indexOf(run.headSha);
  const checkSuiteId = 20_000_000_000 + run.id - 9_000_000_000;
  return {
    id: run.id,
    name: w.name,
    node_id: Buffer.from(`WFR_${run.id}`).toString("base64"),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: w.path,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: "workflow_dispatch",
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: w.id,
    check_suite_id: checkSuiteId,
    check_suite_node_id: Buffer.from(`CS_${checkSuiteId}`).toString("base64"),
    url,
    html_url: `${repoWebUrl(ctx)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: iso(run.dispatchedAt),
    updated_at: iso(run.completedAt ?? run.startedAt ?? run.dispatchedAt),
    actor: user(ctx, actor),
    run_attempt: run.attempt,
    referenced_workflows: [],
    run_started_at: iso(run.startedAt ?? run.dispatchedAt),
    triggering_actor: user(ctx, actor),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${api}/check-suites/${checkSuiteId}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: run.attempt > 1 ? `${url}/attempts/${run.attempt - 1}` : null,
    workflow_url: `${api}/actions/workflows/${w.id}`,
    head_commit: headIndex === undefined ? null : headCommit(ctx, headIndex),
    repository: repository(ctx),
    head_repository: repository(ctx),
  };
}
