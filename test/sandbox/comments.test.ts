// Sandbox issues and comments: user actions and app calls both produce signed webhooks; edits carry changes.body.from; ticks; limits.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { appOctokit, failure, ownerRepo, webhookReceiver } from "./support.js";
import type { Receiver } from "./support.js";

let sb: Sandbox;
let hooks: Receiver;
beforeAll(async () => {
  sb = await startSandbox({ history: { tags: 6 }, permissions: { maint: "write", reader: "read" } });
  hooks = await webhookReceiver(sb.env.WEBHOOK_SECRET);
  sb.setWebhookTarget(hooks.url);
});
afterAll(async () => {
  await sb.close();
  await hooks.close();
});
afterEach(() => sb.idle());

const CANDIDATES = [
  "### Candidates",
  "- [ ] `v0.2.0` abc1234 2 / 6 <!-- locate:tag:v0.2.0 -->",
  "- [ ] `create-vite@1.0.0` def5678 3 / 6 <!-- locate:tag:create-vite%401.0.0 -->",
  "",
  "- [ ] 🤖 Auto-pilot: run the suggested candidates each round until found <!-- locate:auto -->",
].join("\n");

describe("issues and comments", () => {
  it("delivers issues.opened and issue_comment.created from users, signed, with installation and sender", async () => {
    const issue = await sb.openIssue({ user: "maint", title: "Regression", body: "/locate v0.1.0..v0.6.0" });
    const commentId = await sb.postComment({ issue, user: "maint", body: "/locate status" });
    const created = await sb.waitFor(() => hooks.events.find((e) => e.event === "issue_comment" && e.payload.comment.id === commentId));
    const opened = hooks.events.find((e) => e.event === "issues" && e.action === "opened")!;
    for (const e of [opened, created]) {
      expect(e.signatureValid).toBe(true);
      expect(e.headers["user-agent"]).toBe("GitHub-Hookshot/sandbox");
      expect(e.payload.installation).toEqual({ id: sb.installationId, node_id: expect.any(String) });
      expect(e.payload.sender).toMatchObject({ login: "maint", type: "User" });
      expect(e.payload.repository.full_name).toBe(`${sb.repo.owner}/${sb.repo.name}`);
    }
    expect(opened.payload.issue).toMatchObject({ number: issue, body: "/locate v0.1.0..v0.6.0", user: { login: "maint" } });
    expect(created.payload.comment).toMatchObject({ id: commentId, body: "/locate status", author_association: "COLLABORATOR" });
    expect(created.payload.issue.number).toBe(issue);
    // Opened before the comment: one source, in order.
    expect(hooks.events.indexOf(opened)).toBeLessThan(hooks.events.indexOf(created));
  });

  it("app comments and edits come back as webhooks from the bot, edits with changes.body.from", async () => {
    const octokit = appOctokit(sb);
    const issue = await sb.openIssue({ user: "maint", title: "t" });
    const { data: posted } = await octokit.issues.createComment({ ...ownerRepo(sb), issue_number: issue, body: CANDIDATES });
    expect(posted.id).toBeGreaterThan(2 ** 31);
    expect(posted.performed_via_github_app?.slug).toBe("locate");
    await octokit.issues.updateComment({ ...ownerRepo(sb), comment_id: posted.id, body: `${CANDIDATES}\nround 2` });
    const edited = await sb.waitFor(() => hooks.events.find((e) => e.action === "edited" && e.payload.comment.id === posted.id));
    expect(edited.payload.sender).toMatchObject({ login: sb.botLogin, type: "Bot" });
    expect(edited.payload.changes).toEqual({ body: { from: CANDIDATES } });
    expect(edited.payload.comment.body).toBe(`${CANDIDATES}\nround 2`);
    const createdHook = hooks.events.find((e) => e.action === "created" && e.payload.comment.id === posted.id)!;
    expect(createdHook.payload.sender.type).toBe("Bot");

    const before = hooks.events.length;
    await octokit.issues.updateComment({ ...ownerRepo(sb), comment_id: posted.id, body: `${CANDIDATES}\nround 2` });
    await sb.idle();
    expect(hooks.events.length).toBe(before); // unchanged body: no webhook
  });

  it("tick toggles the marked task line and delivers the edit from the ticker", async () => {
    const octokit = appOctokit(sb);
    const issue = await sb.openIssue({ user: "maint", title: "t" });
    const { data: posted } = await octokit.issues.createComment({ ...ownerRepo(sb), issue_number: issue, body: CANDIDATES });
    expect(await sb.tick({ commentId: posted.id, user: "maint", tag: "create-vite@1.0.0" })).toBe(true);
    expect(await sb.tick({ commentId: posted.id, user: "maint", marker: "locate:auto" })).toBe(true);
    const body = sb.getComment(posted.id)!.body;
    expect(body).toContain("- [x] `create-vite@1.0.0`");
    expect(body).toContain("- [x] 🤖 Auto-pilot");
    expect(body).toContain("- [ ] `v0.2.0`");
    const ticks = await sb.waitFor(() => {
      const found = hooks.events.filter((e) => e.action === "edited" && e.payload.comment.id === posted.id);
      return found.length === 2 && found;
    });
    expect(ticks[0]!.payload.sender.login).toBe("maint");
    expect(ticks[0]!.payload.changes.body.from).toBe(CANDIDATES);
    expect(ticks[1]!.payload.changes.body.from).toContain("- [x] `create-vite@1.0.0`");
    expect(await sb.tick({ commentId: posted.id, user: "maint", marker: "locate:auto" })).toBe(false);
    expect(await sb.tick({ commentId: posted.id, user: "maint", marker: "locate:auto", checked: false })).toBe(true);
    await expect(sb.tick({ commentId: posted.id, user: "maint", tag: "v9.9.9" })).rejects.toThrow(/markers present: locate:tag:v0.2.0/);
    await expect(sb.tick({ commentId: posted.id, user: "reader", marker: "locate:auto" })).rejects.toThrow(/may not edit/);
    expect(await sb.tick({ commentId: posted.id, user: "reader", marker: "locate:auto", force: true })).toBe(true);
  });

  it("rejects bodies over 65,536 characters and empty ones with 422", async () => {
    const octokit = appOctokit(sb);
    const issue = await sb.openIssue({ user: "maint", title: "t" });
    const tooLong = await failure(octokit.issues.createComment({ ...ownerRepo(sb), issue_number: issue, body: "x".repeat(65_537) }));
    expect(tooLong.status).toBe(422);
    expect(tooLong.data.errors[0].message).toMatch(/too long/);
    const exact = await octokit.issues.createComment({ ...ownerRepo(sb), issue_number: issue, body: "x".repeat(65_536) });
    expect(exact.status).toBe(201);
    const patch = await failure(octokit.issues.updateComment({ ...ownerRepo(sb), comment_id: exact.data.id, body: "y".repeat(70_000) }));
    expect(patch.status).toBe(422);
    expect((await failure(octokit.issues.createComment({ ...ownerRepo(sb), issue_number: issue, body: "" }))).status).toBe(422);
  });

  it("lists comments with pagination, 404s deleted ones and unknown issues", async () => {
    const octokit = appOctokit(sb);
    const issue = await sb.openIssue({ user: "maint", title: "t" });
    for (let i = 0; i < 5; i++) await sb.postComment({ issue, user: "maint", body: `c${i}` });
    const page = await octokit.issues.listComments({ ...ownerRepo(sb), issue_number: issue, per_page: 2 });
    expect(page.data.map((c) => c.body)).toEqual(["c0", "c1"]);
    expect(page.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.issues.listComments, { ...ownerRepo(sb), issue_number: issue, per_page: 2 });
    expect(all).toHaveLength(5);
    await octokit.issues.deleteComment({ ...ownerRepo(sb), comment_id: all[0]!.id });
    expect((await failure(octokit.issues.getComment({ ...ownerRepo(sb), comment_id: all[0]!.id }))).status).toBe(404);
    expect((await failure(octokit.issues.updateComment({ ...ownerRepo(sb), comment_id: all[0]!.id, body: "z" }))).status).toBe(404);
    expect(sb.listComments(issue)).toHaveLength(4);
    expect((await failure(octokit.issues.get({ ...ownerRepo(sb), issue_number: 999_999 }))).status).toBe(404);
    expect((await octokit.issues.get({ ...ownerRepo(sb), issue_number: issue })).data.comments).toBe(4);
  });

  it("adds reactions: 201 the first time, 200 when it exists; bad content is 422", async () => {
    const octokit = appOctokit(sb);
    const issue = await sb.openIssue({ user: "maint", title: "t" });
    const id = await sb.postComment({ issue, user: "maint", body: "/locate help" });
    const first = await octokit.reactions.createForIssueComment({ ...ownerRepo(sb), comment_id: id, content: "eyes" });
    const again = await octokit.reactions.createForIssueComment({ ...ownerRepo(sb), comment_id: id, content: "eyes" });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.data.id).toBe(first.data.id);
    expect(sb.getComment(id)!.reactions).toEqual([{ user: sb.botLogin, content: "eyes" }]);
    expect((await octokit.reactions.createForIssue({ ...ownerRepo(sb), issue_number: issue, content: "rocket" })).status).toBe(201);
    expect(sb.issueReactions(issue)).toEqual([{ user: sb.botLogin, content: "rocket" }]);
    const bad = await failure(octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...ownerRepo(sb), comment_id: id, content: "party" as never }));
    expect(bad.status).toBe(422);
    expect(bad.message).toMatch(/"party" is not a member/);
  });

  it("locks issues: users without write cannot comment, collaborators and the app can", async () => {
    const issue = await sb.openIssue({ user: "maint", title: "t" });
    sb.lockIssue(issue, "resolved");
    await expect(sb.postComment({ issue, user: "reader", body: "hi" })).rejects.toThrow(/locked/);
    await sb.postComment({ issue, user: "maint", body: "ok" });
    const { status } = await appOctokit(sb).issues.createComment({ ...ownerRepo(sb), issue_number: issue, body: "bot" });
    expect(status).toBe(201);
    await sb.waitFor(() => hooks.events.find((e) => e.event === "issues" && e.action === "locked" && e.payload.issue.number === issue));
  });

  it("fault injection fails the next matching call once", async () => {
    const octokit = appOctokit(sb);
    const issue = await sb.openIssue({ user: "maint", title: "t" });
    sb.inject({ route: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", status: 502 });
    expect((await failure(octokit.issues.createComment({ ...ownerRepo(sb), issue_number: issue, body: "a" }))).status).toBe(502);
    expect((await octokit.issues.createComment({ ...ownerRepo(sb), issue_number: issue, body: "a" })).status).toBe(201);
  });
});
