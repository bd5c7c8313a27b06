// End to end: people without write access can neither start a hunt nor spend CI runs by ticking; they get a polite reply.
import { describe, expect, it } from "vitest";
import { findState } from "../../src/render/markers.js";
import { bodyOf, expectCleanRun, huntCommentOf, startE2E, startHunt, suggestedPicks } from "./harness.js";

const DENIED = /only people with \*\*write\*\* access/;

describe("who may act, over HTTP", () => {
  it("answers a reader's command and ticks with a reply, dispatching nothing", { timeout: 60_000 }, async () => {
    const e2e = await startE2E({ history: { tags: 16 }, seed: 17, permissions: { alice: "write", bob: "read" }, database: "postgres" });
    const { sb } = e2e;
    const first = sb.tags[0]!.name;
    const last = sb.tags[sb.tags.length - 1]!.name;

    // bob (read) asks for a hunt: a reply, no hunt comment, and not even the tags were read.
    const bobsIssue = await sb.openIssue({ user: "bob", title: "It broke" });
    await sb.postComment({ issue: bobsIssue, user: "bob", body: `/locate ${first}..${last}` });
    const reply = await sb.waitFor(() => sb.listComments(bobsIssue).find((c) => c.user === sb.botLogin), { timeoutMs: 15_000, message: "a reply to bob" });
    expect(reply.body).toMatch(DENIED);
    expect(reply.body).toContain("bob");
    expect(huntCommentOf(sb, bobsIssue)).toBeUndefined();
    expect(sb.requests.some((r) => r.route === "GET /repos/{owner}/{repo}/tags")).toBe(false);

    // alice starts one; bob then ticks a pick and the auto-pilot item. He could not edit the comment on GitHub, so this
    // is a forged edit (force), the worst case: Locate must check the sender, not trust the checkbox.
    const { issue, commentId } = await startHunt(sb, "alice", `/locate ${first}..${last}`);
    const [pick] = suggestedPicks(bodyOf(sb, commentId));
    expect(pick).toBeDefined();
    await sb.tick({ commentId, user: "bob", tag: pick!, force: true });
    await sb.waitFor(() => sb.listComments(issue).filter((c) => c.user === sb.botLogin && DENIED.test(c.body)).length === 1, {
      timeoutMs: 15_000,
      message: "a reply to bob's tick",
    });
    await sb.idle();
    await sb.tick({ commentId, user: "bob", marker: "locate:auto", force: true });
    await sb.waitFor(() => sb.listComments(issue).filter((c) => c.user === sb.botLogin && DENIED.test(c.body)).length === 2, {
      timeoutMs: 15_000,
      message: "a reply to bob's auto-pilot tick",
    });
    await sb.idle();

    expect(sb.runs).toHaveLength(0);
    expect(sb.requests.some((r) => r.route.endsWith("/dispatches"))).toBe(false);
    // Re-rendered from stored state: the forged ticks are gone and the hunt is still waiting.
    const body = await sb.waitFor(() => !/^- \[x\]/m.test(bodyOf(sb, commentId)) && bodyOf(sb, commentId), { timeoutMs: 10_000, message: "ticks taken back" });
    expect(findState(body)).toBe("searching");
    expect(body).toContain("Runs** · none yet");

    // The same tick by alice is honoured, so the refusal was about bob, not about the comment.
    await sb.tick({ commentId, user: "alice", tag: pick! });
    await sb.waitFor(() => sb.runs.some((run) => run.inputs.tag === pick), { timeoutMs: 10_000, message: `alice's run of ${pick}` });
    await sb.waitFor(() => sb.runs.every((run) => run.status === "completed"), { timeoutMs: 10_000 });
    await sb.idle();
    expectCleanRun(e2e);
  });
});
