// Builders for issues, issue comments and reactions, as REST returns them and webhooks carry them.
import { app, iso, nodeId, repoApiUrl, repoWebUrl, user } from "./common.js";
import type { ShapeContext, UserRef } from "./common.js";

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
