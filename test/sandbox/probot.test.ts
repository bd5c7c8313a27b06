// A real Probot app configured only from sb.env (GHE_HOST/GHE_PROTOCOL) runs a tiny comment → tick → dispatch → verdict loop on the sandbox.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ProbotOctokit, createNodeMiddleware, createProbot } from "probot";
import type { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";

let sb: Sandbox;
let server: Server;

function miniApp(app: Probot): void {
  app.on("issue_comment.created", async (context) => {
    if (context.payload.sender.type === "Bot") return;
    await context.octokit.rest.reactions.createForIssueComment(context.repo({ comment_id: context.payload.comment.id, content: "eyes" }));
    const config = (await context.config<{ parallel?: number }>("locate.yml")) ?? {};
    await context.octokit.rest.issues.createComment(
      context.issue({ body: `parallel=${config.parallel}\n- [ ] v0.3.0 <!-- locate:tag:v0.3.0 -->\n<!-- locate:hunt:1 -->` }),
    );
  });
  app.on("issue_comment.edited", async (context) => {
    if (context.payload.sender.type === "Bot" || !/- \[x\] v0\.3\.0/.test(context.payload.comment.body)) return;
    const { data: perm } = await context.octokit.rest.repos.getCollaboratorPermissionLevel(context.repo({ username: context.payload.sender.login }));
    if (perm.role_name !== "write") return;
    const tag = await context.octokit.rest.repos.getCommit(context.repo({ ref: "v0.3.0" }));
    await context.octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
      ...(context.repo() as { owner: string; repo: string }),
      workflow_id: "locate.yml",
      ref: "main",
      inputs: { ref: tag.data.sha, tag: "v0.3.0", locate_id: `c${context.payload.comment.id}` },
      return_run_details: true,
    } as never);
  });
  app.on("workflow_run.completed", async (context) => {
    const commentId = Number(/\[c(\d+)\]/.exec(context.payload.workflow_run.display_title ?? "")?.[1]);
    const { data } = await context.octokit.rest.issues.getComment(context.repo({ comment_id: commentId }));
    await context.octokit.rest.issues.updateComment(context.repo({ comment_id: commentId, body: `${data.body}\nverdict: ${context.payload.workflow_run.conclusion}` }));
  });
}

beforeAll(async () => {
  sb = await startSandbox({ history: { tags: 6 }, firstBad: "v0.2.0", config: "parallel: 4\n", permissions: { dev: "write" }, runDuration: { minMs: 10, maxMs: 20 } });
  // Exactly what a person would export: no sandbox-specific code path in the app.
  // Throttling off only to keep this test fast: Probot spaces write calls a second apart per installation.
  const Octokit = ProbotOctokit.defaults((options: Record<string, any>) => ({ ...options, throttle: { ...options.throttle, enabled: false } }));
  const probot = createProbot({ env: { ...sb.env, LOG_LEVEL: "fatal" }, overrides: { Octokit } });
  const middleware = await createNodeMiddleware(miniApp, { probot });
  server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  sb.setWebhookTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`);
});
afterAll(async () => {
  await sb.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("a Probot app against the sandbox", () => {
  it("reacts, reads config, comments, dispatches on a tick and records the verdict", async () => {
    const issue = await sb.openIssue({ user: "dev", title: "Regression" });
    const command = await sb.postComment({ issue, user: "dev", body: "/locate v0.1.0..v0.6.0" });
    const own = await sb.waitFor(() => sb.listComments(issue).find((c) => c.user === sb.botLogin));
    expect(own.body).toContain("parallel=4");
    expect(sb.getComment(command)!.reactions).toEqual([{ user: sb.botLogin, content: "eyes" }]);

    await sb.tick({ commentId: own.id, user: "dev", tag: "v0.3.0" });
    const done = await sb.waitFor(() => sb.getComment(own.id)!.body.includes("verdict:") && sb.getComment(own.id)!.body);
    expect(done).toContain("verdict: failure"); // v0.3.0 descends from the hidden first bad v0.2.0
    expect(sb.runs).toHaveLength(1);
    expect(sb.runs[0]!.displayTitle).toBe(`locate v0.3.0 [c${own.id}]`);
    await sb.idle();
    expect(sb.deliveries.every((d) => d.outcome === "delivered")).toBe(true);
    // Probot fetched one installation token and then only modelled calls.
    expect(sb.requests.filter((r) => r.status >= 400)).toEqual([]);
  });
});
