// The whole hunt loop through probot.receive(): start, ticks, verdicts, found — against a nock GitHub with no network.
import { afterEach, describe, expect, it } from "vitest";
import { encodeMarkerName } from "../../src/render/escape.js";
import { parseResultMarker } from "../../src/render/markers.js";
import { useTestApp } from "../helpers/app.js";
import { NockGitHub } from "../helpers/nock-github.js";
import { HuntDriver, huntState, suggestedPicks, tick } from "../helpers/hunt-driver.js";
import { BOT_LOGIN, issueCommentCreated, issueCommentEdited, workflowRun } from "../helpers/payloads.js";

const ctx = useTestApp();
let gh: NockGitHub;

afterEach(async () => {
  const unmatched = gh?.unmatched ?? [];
  gh?.close();
  await ctx.app.close();
  expect(unmatched).toEqual([]);
});

async function tickAsUser(login: string, markers: readonly string[]) {
  await new HuntDriver(ctx.app, gh).tick(login, markers);
}

async function reportRuns(reported: Set<number>) {
  const driver = new HuntDriver(ctx.app, gh);
  for (const id of reported) driver.reported.add(id);
  await driver.reportRuns();
  for (const id of driver.reported) reported.add(id);
}

const state = huntState;

describe("a full hunt", () => {
  it("finds the first bad tag of 40 by ticking the suggested picks", async () => {
    gh = new NockGitHub({ tags: 40, firstBad: 23, roles: { alice: "write" } });
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.39.0" }));
    expect(gh.reactions).toHaveLength(1);
    expect(state(gh.huntComment().body)).toBe("searching");

    const reported = new Set<number>();
    for (let round = 0; round < 10 && state(gh.huntComment().body) === "searching"; round++) {
      const picks = suggestedPicks(gh.huntComment().body);
      expect(picks.length).toBeGreaterThan(0);
      await tickAsUser("alice", picks);
      await reportRuns(reported);
    }

    const body = gh.huntComment().body;
    expect(state(body)).toBe("found");
    expect(parseResultMarker(body)).toMatchObject({ firstBad: "v1.23.0", lastGood: "v1.22.0" });
    expect(body).toContain("https://github.com/acme/widgets/compare/v1.22.0...v1.23.0");
    expect(body).toContain("Change number 45");
    expect(parseResultMarker(body)?.confidence).toBeGreaterThanOrEqual(0.99);
    // Three picks a round over 38 inner versions: bisection needs ⌈log4 39⌉ = 3 rounds, 9 runs. Weighing runs as
    // evidence, the answer needs two agreeing runs on each side of the boundary: at most a round more.
    const tested = gh.dispatches.map((d) => d.inputs.tag);
    expect(tested.length).toBeLessThanOrEqual(9 + 3);
    expect(tested.filter((tag) => tag === "v1.23.0").length).toBeGreaterThanOrEqual(2);
    expect(tested.filter((tag) => tag === "v1.22.0").length).toBeGreaterThanOrEqual(2);
    for (const d of gh.dispatches) {
      expect(d.ref).toBe("main");
      expect(Object.keys(d.inputs).sort()).toEqual(["locate_id", "ref", "tag"]);
      expect(d.inputs.ref).toMatch(/^[0-9a-f]{40}$/);
      expect(d.inputs.locate_id!.length).toBeLessThanOrEqual(64);
      expect(d.returnRunDetails).toBe(true);
    }
  });

  it("runs to the answer on auto-pilot once the item is ticked", async () => {
    gh = new NockGitHub({ tags: 33, firstBad: 5, roles: { alice: "admin" } });
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.32.0 parallel=2" }));
    await tickAsUser("alice", ["locate:auto"]);
    const reported = new Set<number>();
    for (let i = 0; i < 20 && gh.dispatches.length > reported.size; i++) await reportRuns(reported);
    const body = gh.huntComment().body;
    expect(state(body)).toBe("found");
    expect(parseResultMarker(body)).toMatchObject({ firstBad: "v1.5.0", lastGood: "v1.4.0" });
    expect(gh.replies()).toEqual([]);
    // ⌈log3 32⌉ = 4 rounds of 2 for bisection; the answer needs two agreeing runs on each side of the boundary.
    expect(gh.dispatches.length).toBeLessThanOrEqual(8 + 4);
    const runsOf = (tag: string) => gh.dispatches.filter((d) => d.inputs.tag === tag).length;
    expect(runsOf("v1.5.0")).toBeGreaterThanOrEqual(2);
    expect(runsOf("v1.4.0")).toBeGreaterThanOrEqual(2);
    // `parallel=2` is a cap: never more than two runs of the hunt in flight.
    expect(gh.maxInFlight).toBeLessThanOrEqual(2);
  });

  it("names bad at once when no version lies between the ends", async () => {
    gh = new NockGitHub({ tags: 5, firstBad: 3, roles: { alice: "write" } });
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.2.0..v1.3.0" }));
    const body = gh.huntComment().body;
    expect(state(body)).toBe("found");
    expect(parseResultMarker(body)).toMatchObject({ firstBad: "v1.3.0", lastGood: "v1.2.0" });
    expect(gh.dispatches).toHaveLength(0);
  });
});

describe("dispatch without run details (older GitHub Enterprise Server)", () => {
  it("retries without return_run_details and correlates the run by its display title", async () => {
    gh = new NockGitHub({ tags: 12, firstBad: 7, roles: { alice: "write" }, dispatchMode: "legacy" });
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.11.0" }));
    await tickAsUser("alice", [`locate:tag:${encodeMarkerName("v1.5.0")}`]);
    expect(gh.requests.filter((r) => r.endsWith("/dispatches"))).toHaveLength(2);
    expect(gh.dispatches).toHaveLength(1);
    const [d] = gh.dispatches;
    const displayTitle = `locate v1.5.0 [${d!.inputs.locate_id}]`;
    await ctx.app.receive("workflow_run", workflowRun("in_progress", { id: d!.runId, status: "in_progress", displayTitle }));
    expect(gh.huntComment().body).toContain(`/actions/runs/${d!.runId}`);
    await ctx.app.receive("workflow_run", workflowRun("completed", { id: d!.runId, status: "completed", conclusion: "success", displayTitle }));
    expect(gh.huntComment().body).toMatch(/v1\.5\.0.*✅/);

    // The server is now known to reject the field: the next dispatch costs one request.
    await tickAsUser("alice", [`locate:tag:${encodeMarkerName("v1.8.0")}`]);
    expect(gh.requests.filter((r) => r.endsWith("/dispatches"))).toHaveLength(3);
  });
});

describe("who may act", () => {
  it("answers a sender without write access politely and starts nothing", async () => {
    gh = new NockGitHub({ tags: 10, firstBad: 4, roles: { bob: "read" } });
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.9.0", login: "bob" }));
    expect(gh.replies()).toHaveLength(1);
    expect(gh.replies()[0]).toMatch(/only people with \*\*write\*\* access/);
    expect(gh.requests.some((r) => r.includes("/tags"))).toBe(false);
    expect(gh.dispatches).toHaveLength(0);
  });

  it("takes a tick by a reader back out of the comment without dispatching", async () => {
    gh = new NockGitHub({ tags: 10, firstBad: 4, roles: { alice: "write", bob: "read" } });
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.9.0" }));
    const before = gh.huntComment().body;
    await tickAsUser("bob", suggestedPicks(before));
    expect(gh.dispatches).toHaveLength(0);
    expect(gh.replies().some((r) => r.includes("only people with **write** access"))).toBe(true);
    expect(gh.huntComment().body).toBe(before);
  });

  it("ignores edits made by bots, Locate's own included", async () => {
    gh = new NockGitHub({ tags: 10, firstBad: 4, roles: { alice: "write" } });
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.9.0" }));
    const requests = gh.requests.length;
    const comment = gh.huntComment();
    const ticked = tick(comment.body, suggestedPicks(comment.body));
    await ctx.app.receive("issue_comment.edited", issueCommentEdited({ body: ticked, from: comment.body, login: BOT_LOGIN, senderType: "Bot", commentId: comment.id, author: BOT_LOGIN }));
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.9.0", login: "some-ci[bot]", senderType: "Bot" }));
    expect(gh.requests.length).toBe(requests);
    expect(gh.dispatches).toHaveLength(0);
  });
});

describe("ranges that cannot be searched", () => {
  it("suggests the closest names for an unknown tag", async () => {
    gh = new NockGitHub({ tags: 10, firstBad: 4, roles: { alice: "write" } });
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.9.1" }));
    expect(gh.replies()).toHaveLength(1);
    expect(gh.replies()[0]).toContain("v1.9.1");
    expect(gh.replies()[0]).toContain("v1.9.0");
    expect(() => gh.huntComment()).toThrow();
  });

  it("offers the swap for a reversed range", async () => {
    gh = new NockGitHub({ tags: 10, firstBad: 4, roles: { alice: "write" } });
    await ctx.app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.8.0..v1.2.0" }));
    expect(gh.replies()).toHaveLength(1);
    expect(gh.replies()[0]).toContain("v1.2.0..v1.8.0");
    expect(() => gh.huntComment()).toThrow();
  });
});
