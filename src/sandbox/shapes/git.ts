// Builders for git data: tags, commits (compare and single-commit forms), head commits and associated pull requests.
import { commitMeta } from "../commit-meta.js";
import { sha1Hex } from "../prng.js";
import { iso, nodeId, repoApiUrl, repoWebUrl, repository, user } from "./common.js";
import type { ShapeContext } from "./common.js";

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
