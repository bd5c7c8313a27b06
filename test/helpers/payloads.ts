// Webhook payloads for tests, built from GitHub's own examples (@octokit/webhooks-examples) with the fields a test cares about overridden.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Record<string, unknown>[] }[];

function example(event: string, action: string): any {
  const found = examples.find((e) => e.name === event)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no example payload for ${event}.${action}`);
  return structuredClone(found);
}

export const INSTALLATION_ID = 5_000_000_001;
export const REPO = { owner: "acme", repo: "widgets", id: 4_000_000_001, defaultBranch: "main", htmlUrl: "https://github.com/acme/widgets" };
export const BOT_LOGIN = "locate[bot]";

function repository() {
  const repo = example("issue_comment", "created").repository;
  return {
    ...repo,
    id: REPO.id,
    name: REPO.repo,
    full_name: `${REPO.owner}/${REPO.repo}`,
    html_url: REPO.htmlUrl,
    default_branch: REPO.defaultBranch,
    owner: { ...repo.owner, login: REPO.owner },
  };
}

function user(login: string, type: "User" | "Bot" = "User") {
  return { ...example("issue_comment", "created").sender, login, type, id: login.length * 1000 + 7 };
}

export interface CommentFields {
  readonly body: string;
  readonly login?: string;
  readonly senderType?: "User" | "Bot";
  readonly commentId?: number;
  readonly issueNumber?: number;
  /** Author of the comment (for edits of Locate's comment: the bot). */
  readonly author?: string;
  readonly installationId?: number;
}

function issueCommentBase(action: "created" | "edited", fields: CommentFields) {
  const payload = example("issue_comment", action);
  const login = fields.login ?? "alice";
  const author = fields.author ?? login;
  payload.repository = repository();
  payload.installation = { id: fields.installationId ?? INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  payload.sender = user(login, fields.senderType ?? "User");
  payload.issue = { ...payload.issue, number: fields.issueNumber ?? 7, user: user("reporter") };
  payload.comment = {
    ...payload.comment,
    id: fields.commentId ?? 6_000_000_001,
    body: fields.body,
    user: user(author, author.endsWith("[bot]") ? "Bot" : "User"),
  };
  return payload;
}

export function issueCommentCreated(fields: CommentFields) {
  return issueCommentBase("created", fields);
}

export function issueCommentEdited(fields: CommentFields & { readonly from: string }) {
  const payload = issueCommentBase("edited", fields);
  payload.changes = { body: { from: fields.from } };
  return payload;
}

export function issuesOpened(fields: { body: string; login?: string; issueNumber?: number }) {
  const payload = example("issues", "opened");
  payload.repository = repository();
  payload.installation = { id: INSTALLATION_ID, node_id: "x" };
  payload.sender = user(fields.login ?? "alice");
  payload.issue = { ...payload.issue, number: fields.issueNumber ?? 8, body: fields.body, user: user(fields.login ?? "alice") };
  return payload;
}

export interface RunFields {
  readonly id: number;
  readonly attempt?: number;
  readonly status: "requested" | "queued" | "in_progress" | "completed";
  readonly conclusion?: string | null;
  readonly displayTitle: string;
  readonly installationId?: number;
}

export function workflowRun(action: "requested" | "in_progress" | "completed", fields: RunFields) {
  const payload = example("workflow_run", action === "in_progress" ? "requested" : action);
  payload.action = action;
  payload.repository = repository();
  payload.installation = { id: fields.installationId ?? INSTALLATION_ID, node_id: "x" };
  payload.sender = user(BOT_LOGIN, "Bot");
  payload.workflow_run = {
    ...payload.workflow_run,
    id: fields.id,
    run_attempt: fields.attempt ?? 1,
    status: fields.status === "requested" ? "queued" : fields.status,
    conclusion: fields.conclusion ?? null,
    display_title: fields.displayTitle,
    event: "workflow_dispatch",
    html_url: `${REPO.htmlUrl}/actions/runs/${fields.id}`,
    path: ".github/workflows/locate.yml",
  };
  return payload;
}
