// Shape fidelity: every sandbox response and webhook payload satisfies GitHub's OpenAPI schemas (required fields and types).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { openApi } from "../../src/sandbox/openapi.js";
import { validate } from "../../src/sandbox/validate.js";
import { appOctokit, ownerRepo, webhookReceiver } from "./support.js";
import type { Receiver } from "./support.js";

let sb: Sandbox;
let hooks: Receiver;

/** Drives every modelled endpoint once (plus app-made comments and a finished run) so the logs hold one of each shape. */
beforeAll(async () => {
  sb = await startSandbox({ history: { tags: 8 }, config: "parallel: 2\n", runDuration: { minMs: 300, maxMs: 400 } });
  hooks = await webhookReceiver(sb.env.WEBHOOK_SECRET);
  sb.setWebhookTarget(hooks.url);
  const o = appOctokit(sb);
  const r = ownerRepo(sb);
  const issue = await sb.openIssue({ user: "alice", title: "Broken", body: "/locate v0.1.0..v0.8.0" });
  const userComment = await sb.postComment({ issue, user: "alice", body: "/locate v0.1.0..v0.8.0" });
  await o.repos.get(r);
  await o.repos.listTags({ ...r, per_page: 3 });
  await o.repos.compareCommitsWithBasehead({ ...r, basehead: "v0.1.0...v0.8.0" });
  await o.repos.getCommit({ ...r, ref: "v0.2.0" });
  for (const t of sb.tags) await o.repos.listPullRequestsAssociatedWithCommit({ ...r, commit_sha: t.sha });
  await o.repos.getContent({ ...r, path: ".github/locate.yml" });
  await o.repos.getCollaboratorPermissionLevel({ ...r, username: "alice" });
  await o.issues.get({ ...r, issue_number: issue });
  const { data: mine } = await o.issues.createComment({ ...r, issue_number: issue, body: "- [ ] x <!-- locate:auto -->" });
  await o.issues.updateComment({ ...r, comment_id: mine.id, body: "- [ ] y <!-- locate:auto -->" });
  await o.issues.getComment({ ...r, comment_id: mine.id });
  await o.issues.listComments({ ...r, issue_number: issue });
  await o.reactions.createForIssueComment({ ...r, comment_id: userComment, content: "eyes" });
  await o.reactions.createForIssue({ ...r, issue_number: issue, content: "eyes" });
  await sb.tick({ commentId: mine.id, user: "alice", marker: "locate:auto", force: true });
  const dispatch = () => o.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
    ...r,
    workflow_id: "locate.yml",
    ref: "main",
    inputs: { ref: sb.tags[2]!.sha, tag: sb.tags[2]!.name, locate_id: "t" },
    return_run_details: true,
  } as never) as Promise<{ data: { workflow_run_id: number } }>;
  await dispatch();
  const { data: run } = await dispatch();
  await o.actions.getWorkflowRun({ ...r, run_id: run.workflow_run_id });
  await o.actions.listWorkflowRuns({ ...r, workflow_id: "locate.yml" });
  await o.actions.listWorkflowRunsForRepo(r);
  await o.actions.cancelWorkflowRun({ ...r, run_id: run.workflow_run_id });
  await sb.waitFor(() => sb.runs.every((x) => x.status === "completed"));
  for (const finished of sb.runs) {
    const { data } = await o.actions.listJobsForWorkflowRun({ ...r, run_id: finished.id, filter: "latest", per_page: 100 });
    for (const job of data.jobs) await o.checks.listAnnotations({ ...r, check_run_id: job.id, per_page: 50 });
  }
  await o.issues.deleteComment({ ...r, comment_id: userComment });
  await sb.idle();
});
afterAll(async () => {
  await sb.close();
  await hooks.close();
});

describe("fidelity to GitHub's OpenAPI description", () => {
  it("every modelled route was exercised", () => {
    const seen = new Set(sb.requests.map((r) => r.route));
    const modelled = [
      "POST /app/installations/{installation_id}/access_tokens",
      "GET /repos/{owner}/{repo}",
      "GET /repos/{owner}/{repo}/tags",
      "GET /repos/{owner}/{repo}/compare/{basehead}",
      "GET /repos/{owner}/{repo}/commits/{ref}",
      "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls",
      "GET /repos/{owner}/{repo}/contents/{path}",
      "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
      "GET /repos/{owner}/{repo}/issues/{issue_number}",
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      "GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
      "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
      "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
      "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
      "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions",
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      "GET /repos/{owner}/{repo}/actions/runs/{run_id}",
      "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
      "GET /repos/{owner}/{repo}/actions/runs",
      "POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel",
      "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
      "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
    ];
    expect(modelled.filter((m) => !seen.has(m))).toEqual([]);
  });

  it("every JSON response satisfies its response schema", () => {
    const api = openApi();
    const problems: string[] = [];
    for (const req of sb.requests) {
      if (req.status >= 300 || req.response === undefined || typeof req.response === "string") continue;
      const [method, template] = req.route.split(" ") as [string, string];
      const op = api.operation(method, template)!;
      const schema = api.responseSchema(op, req.status);
      expect(schema, `${req.route} ${req.status} has a schema`).toBeDefined();
      for (const p of validate(req.response, schema!, api, { rejectUnknown: false })) problems.push(`${req.route}: ${p.at.join(".")}: ${p.message}`);
    }
    expect(problems).toEqual([]);
  });

  it("every webhook payload satisfies its webhook schema, and carries installation and sender", () => {
    const api = openApi();
    const problems: string[] = [];
    const kinds = new Set<string>();
    for (const e of hooks.events) {
      const name = `webhook-${e.event.replace(/_/g, "-")}-${String(e.action).replace(/_/g, "-")}`;
      kinds.add(name);
      const schema = api.schema(name);
      expect(schema, name).toBeDefined();
      for (const p of validate(e.payload, schema!, api, { rejectUnknown: false })) problems.push(`${name}: ${p.at.join(".")}: ${p.message}`);
      expect(e.payload.installation).toEqual({ id: sb.installationId, node_id: expect.any(String) });
    }
    expect([...kinds].sort()).toEqual([
      "webhook-issue-comment-created",
      "webhook-issue-comment-deleted",
      "webhook-issue-comment-edited",
      "webhook-issues-opened",
      "webhook-workflow-run-completed",
      "webhook-workflow-run-in-progress",
      "webhook-workflow-run-requested",
    ].sort());
    expect(problems).toEqual([]);
  });
});
