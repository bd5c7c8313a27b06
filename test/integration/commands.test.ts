// Every command's effect on a hunt (§2), through probot.receive() against the nock GitHub.
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/commands/registry.js";
import { parseResultMarker } from "../../src/render/markers.js";
import { useTestApp } from "../helpers/app.js";
import { HuntDriver, suggestedPicks } from "../helpers/hunt-driver.js";
import { NockGitHub, closeExpectingAllMatched } from "../helpers/nock-github.js";
import { issueCommentEdited, issuesOpened, workflowRun } from "../helpers/payloads.js";

const ctx = useTestApp();
let gh: NockGitHub;
let hunt: HuntDriver;

function setUp(options: { tags?: number; firstBad?: number } = {}) {
  gh = new NockGitHub({ tags: options.tags ?? 20, firstBad: options.firstBad ?? 11, roles: { alice: "write", rita: "read" } });
  hunt = new HuntDriver(ctx.app, gh);
}

afterEach(() => closeExpectingAllMatched(gh));

const lastReply = () => gh.replies().at(-1) ?? "";

describe("manual verdicts", () => {
  it("`bad` and `good` move the range and show who gave them, with the note", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    await hunt.comment("alice", "/locate bad v1.14.0 crashes on start\n/locate good v1.8.0");
    const body = gh.huntComment().body;
    expect(body).toMatch(/v1\.14\.0.*❌.*alice.*crashes on start/);
    expect(body).toMatch(/v1\.8\.0.*✅/);
    const candidates = body.match(/<!-- locate:tag:(v1\.\d+\.0) -->/g)?.map((m) => Number(m.split(".")[1])) ?? [];
    expect(candidates.length).toBeGreaterThan(0);
    for (const minor of candidates) expect(minor > 8 && minor < 14).toBe(true);
    expect(gh.dispatches).toHaveLength(0);
  });

  it("manual verdicts alone can find the answer", async () => {
    setUp({ tags: 6, firstBad: 3 });
    await hunt.comment("alice", "/locate v1.0.0..v1.5.0");
    await hunt.comment("alice", "/locate good v1.1.0\n/locate good v1.2.0\n/locate bad v1.3.0");
    const body = gh.huntComment().body;
    expect(parseResultMarker(body)).toMatchObject({ firstBad: "v1.3.0", lastGood: "v1.2.0" });
  });

  it("`skip` leaves an ambiguous answer between inconclusive versions", async () => {
    setUp({ tags: 5, firstBad: 2 });
    await hunt.comment("alice", "/locate v1.0.0..v1.4.0");
    await hunt.comment("alice", "/locate good v1.1.0\n/locate skip v1.2.0 flaky build\n/locate bad v1.3.0");
    const result = parseResultMarker(gh.huntComment().body);
    expect(result?.candidates).toEqual(["v1.2.0", "v1.3.0"]);
  });

  it("a tag outside the hunt is answered, not guessed", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.9.0");
    await hunt.comment("alice", "/locate bad v1.15.0");
    expect(lastReply()).toContain("not one of the");
  });
});

describe("auto-pilot, pause and resume", () => {
  it("`auto` dispatches the picks; `pause` stops new rounds while verdicts land; `resume` continues", async () => {
    setUp({ tags: 30, firstBad: 20 });
    await hunt.comment("alice", "/locate v1.0.0..v1.29.0 parallel=2");
    await hunt.comment("alice", "/locate auto");
    expect(gh.dispatches).toHaveLength(2);
    await hunt.comment("alice", "/locate pause");
    await hunt.reportRuns();
    expect(gh.dispatches).toHaveLength(2);
    expect(gh.huntComment().body).toContain("<!-- locate:state:paused -->");
    expect(gh.huntComment().body).toMatch(/✅|❌/);
    await hunt.comment("alice", "/locate resume");
    expect(gh.dispatches).toHaveLength(4);
    await hunt.comment("alice", "/locate manual");
    await hunt.reportRuns();
    expect(gh.dispatches).toHaveLength(4);
  });

  it("answers a pause of a paused hunt and a resume of a running one", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    await hunt.comment("alice", "/locate resume");
    expect(lastReply()).toContain("not paused");
    await hunt.comment("alice", "/locate pause\n/locate pause");
    expect(lastReply()).toContain("already paused");
  });
});

describe("retry and cancel", () => {
  it("`retry` runs a tested version again, and both runs count", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    await hunt.tick("alice", suggestedPicks(gh.huntComment().body).slice(0, 1));
    await hunt.reportRuns();
    const tag = gh.dispatches[0]!.inputs.tag!;
    await hunt.comment("alice", `/locate retry ${tag}`);
    expect(gh.dispatches).toHaveLength(2);
    expect(gh.dispatches[1]!.inputs.tag).toBe(tag);
    expect(gh.dispatches[1]!.inputs.locate_id).not.toBe(gh.dispatches[0]!.inputs.locate_id);
    await hunt.comment("alice", `/locate retry ${tag}`);
    expect(lastReply()).toContain("already in flight");
    await hunt.reportRuns();
    // Both runs of the version are shown and weighed: its row lists them both.
    const row = gh.huntComment().body.split("\n").find((line) => line.startsWith("|") && line.includes(`<code>${tag}</code>`)) ?? "";
    expect(row).toMatch(/(✅✅ 2\/2|❌❌ 0\/2) passed/);
  });

  it("`cancel` ends the hunt and cancels its runs in flight through the API", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 auto");
    expect(gh.dispatches).toHaveLength(3);
    await hunt.comment("alice", "/locate cancel");
    expect(gh.cancelled.sort()).toEqual(gh.dispatches.map((d) => d.runId).sort());
    expect(gh.huntComment().body).toContain("<!-- locate:state:cancelled -->");
    expect(lastReply()).toContain("3 runs in flight");
    await hunt.comment("alice", "/locate auto");
    expect(lastReply()).toContain("no hunt");
  });
});

describe("status and help", () => {
  it("`status` asks GitHub about runs in flight and applies what it missed", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 auto");
    const [first] = gh.dispatches;
    gh.runState.set(first!.runId, { status: "completed", conclusion: gh.truthFor(first!.inputs.ref!) });
    await hunt.comment("rita", "/locate status");
    expect(gh.requests.filter((r) => /GET .*\/actions\/runs\/\d+$/.test(r))).toHaveLength(3);
    expect(gh.huntComment().body).toMatch(new RegExp(`${first!.inputs.tag!.replace(/\./g, "\\.")}.*(✅|❌)`));
  });

  it("`help` is generated from the registry and anyone may ask", async () => {
    setUp();
    await hunt.comment("rita", "/locate help");
    for (const spec of COMMANDS) expect(lastReply()).toContain(spec.usage.replace(/\|/g, "\\|"));
  });

  it("commands that need a hunt say how to start one", async () => {
    setUp();
    await hunt.comment("alice", "/locate pause");
    expect(lastReply()).toContain("no hunt");
  });

  it("a second start while a hunt is active asks to cancel first", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    await hunt.comment("alice", "/locate v1.2.0..v1.9.0");
    expect(lastReply()).toContain("/locate cancel");
  });
});

describe("who may run what", () => {
  it("a reader may ask for status but not pause", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    await hunt.comment("rita", "/locate pause");
    expect(lastReply()).toContain("only people with **write** access");
    expect(gh.huntComment().body).toContain("<!-- locate:state:searching -->");
  });
});

describe("where commands come from", () => {
  it("an edited comment runs only its new command lines", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    const replies = gh.replies().length;
    await ctx.app.receive("issue_comment.edited", issueCommentEdited({ body: "/locate v1.0.0..v1.19.0\n/locate bad v1.12.0", from: "/locate v1.0.0..v1.19.0", login: "alice" }));
    expect(gh.replies().length).toBe(replies);
    expect(gh.huntComment().body).toMatch(/v1\.12\.0.*❌/);
  });

  it("starts a hunt from the body of a new issue", async () => {
    setUp();
    await ctx.app.receive("issues.opened", issuesOpened({ body: "It broke.\n\n/locate v1.0.0..v1.19.0\n\n```\n/locate cancel\n```" }));
    expect(gh.huntComment().body).toContain("<!-- locate:state:searching -->");
    expect(gh.reactions.some((r) => r.includes("/issues/8/reactions"))).toBe(true);
  });

  it("a bad command line gets the parser's answer and the others still run", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 paralel=3\n/locate help");
    expect(gh.replies()[0]).toContain("paralel");
    expect(gh.replies()[1]).toContain("Locate commands");
  });

  it("a run event for someone else's run changes nothing", async () => {
    setUp();
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    const before = gh.requests.length;
    await ctx.app.receive("workflow_run", workflowRun("completed", { id: 123, status: "completed", conclusion: "success", displayTitle: "CI on main" }));
    await ctx.app.receive("workflow_run", workflowRun("completed", { id: 124, status: "completed", conclusion: "success", displayTitle: "locate v1.1.0 [loc-1-000000000000]" }));
    expect(gh.requests.length).toBe(before);
  });
});
