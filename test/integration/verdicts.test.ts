// Verdicts you can trust (issue 12): the ends weighed with the rest, runs that disagree, flakiness remembered per
// workflow, parallel as a cap, and the commit-level drill-down, through probot.receive() against the nock GitHub.
import { afterEach, describe, expect, it } from "vitest";
import { encodeMarkerName } from "../../src/render/escape.js";
import { desc } from "drizzle-orm";
import { hunts, workflowFlakes } from "../../src/db/schema.js";
import { parseResultMarker } from "../../src/render/markers.js";
import { useTestApp } from "../helpers/app.js";
import { type HuntDriver, huntOnNock } from "../helpers/hunt-driver.js";
import { type NockGitHub, closeExpectingAllMatched } from "../helpers/nock-github.js";

const ctx = useTestApp();
let gh: NockGitHub;
let hunt: HuntDriver;

afterEach(() => closeExpectingAllMatched(gh));

function setUp(tags: number, firstBad: number) {
  ({ gh, hunt } = huntOnNock(ctx.app, { tags, firstBad, roles: { alice: "write" } }));
}

const body = () => gh.huntComment().body;

/** Every run of every tag reports `conclusion`, whatever the truth. */
function forceAll(tags: number, conclusion: string) {
  for (let t = 0; t < tags; t++) gh.forced.set(`v1.${t}.0`, Array.from({ length: 20 }, () => conclusion));
}


describe("the ends of the range", () => {
  it("stops as failed once the good end fails beyond doubt, and says which end", async () => {
    setUp(20, 9);
    forceAll(20, "failure");
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 auto");
    await hunt.runToTheEnd();
    expect(body()).toContain("<!-- locate:state:failed -->");
    expect(body()).toMatch(/good end v1\.0\.0 fails too \\\(99(\.\d+)? % sure/);
    // One failing run of the good end never stops a hunt: it was run again before the hunt gave up.
    expect(gh.dispatches.filter((d) => d.inputs.tag === "v1.0.0").length).toBeGreaterThanOrEqual(2);
  });

  it("stops as failed once the bad end passes beyond doubt", async () => {
    setUp(20, 9);
    forceAll(20, "success");
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 auto");
    await hunt.runToTheEnd();
    expect(body()).toContain("<!-- locate:state:failed -->");
    expect(body()).toMatch(/bad end v1\.19\.0 passes/);
  });

  it("keeps searching after one failing run of the good end, and still names the right tag", async () => {
    setUp(20, 9);
    gh.forced.set("v1.0.0", ["failure"]);
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    await hunt.comment("alice", "/locate retry v1.0.0");
    await hunt.reportRuns();
    expect(body()).toContain("<!-- locate:state:searching -->");
    await hunt.comment("alice", "/locate auto");
    await hunt.runToTheEnd();
    expect(parseResultMarker(body())).toMatchObject({ firstBad: "v1.9.0", lastGood: "v1.8.0" });
  });
});

describe("runs that disagree", () => {
  it("shows a run against a verdict given by hand, offers it again, and counts both runs", async () => {
    setUp(20, 6);
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    await hunt.comment("alice", "/locate bad v1.8.0");
    // A broken run says a version after the bad one is good.
    gh.forced.set("v1.12.0", ["success"]);
    await hunt.comment("alice", "/locate retry v1.12.0");
    await hunt.reportRuns();
    expect(body()).toMatch(/🔁 Runs of <code>v1\.12\.0<\/code> disagree with the most likely answer/);
    const retryLine = body().split("\n").find((line) => line.startsWith("- [ ]") && line.includes("locate:tag:v1.12.0"));
    expect(retryLine).toContain("🔁");
    await hunt.tick("alice", ["locate:tag:v1.12.0"]);
    expect(gh.dispatches.filter((d) => d.inputs.tag === "v1.12.0")).toHaveLength(2);
    await hunt.reportRuns();
    expect(body()).toMatch(/v1\.12\.0.*✅❌ 1\/2 passed/);
  });

  it("runs a version again where a flipped run left doubt, and names the right tag", async () => {
    setUp(8, 4);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0 auto parallel=3");
    // The first run of v1.3.0 wrongly fails.
    gh.forced.set("v1.3.0", ["failure"]);
    await hunt.runToTheEnd();
    expect(parseResultMarker(body())).toMatchObject({ firstBad: "v1.4.0", lastGood: "v1.3.0" });
    expect(gh.dispatches.filter((d) => d.inputs.tag === "v1.3.0").length).toBeGreaterThanOrEqual(2);
    expect(body()).toMatch(/🎲 1 of \d+ runs disagreed with the others; estimated flake rate \d+(\.\d)? %/);
  });

  it("remembers a workflow's flakiness for the next hunt of the repository", async () => {
    setUp(8, 4);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0 auto");
    gh.forced.set("v1.3.0", ["failure"]);
    await hunt.runToTheEnd();
    const [row] = await ctx.app.store.db.select().from(workflowFlakes);
    expect(row).toMatchObject({ workflow: "locate.yml", hunts: 1 });
    expect(row!.falseFailures).toBeGreaterThan(0.5);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0");
    const [latest] = await ctx.app.store.db.select().from(hunts).orderBy(desc(hunts.id)).limit(1);
    expect(latest!.flakeHistory).toMatchObject({ falseFailures: row!.falseFailures, goodRuns: row!.goodRuns });
  });
});

describe("parallel is a cap", () => {
  it("dispatches ticks up to the cap and lets the rest wait for a free slot", async () => {
    setUp(20, 9);
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 parallel=2");
    const candidates = [...body().matchAll(/<!-- locate:tag:([^ ]+) -->/g)].map((match) => decodeURIComponent(match[1]!)).slice(0, 4);
    expect(candidates).toHaveLength(4);
    await hunt.tick("alice", candidates.map((tag) => `locate:tag:${encodeMarkerName(tag)}`));
    expect(gh.dispatches.map((d) => d.inputs.tag)).toEqual(candidates.slice(0, 2));
    const waiting = new RegExp(`${candidates[2]!.replace(/\./g, "\\.")}.*⏳ queued.*waiting for a free slot \\\\\\(parallel: 2\\\\\\)`);
    expect(body()).toMatch(waiting);
    await hunt.reportRuns();
    expect(gh.dispatches.map((d) => d.inputs.tag)).toEqual(candidates);
    expect(gh.maxInFlight).toBe(2);
  });

  it("answers an option that no longer exists with what replaced it", async () => {
    setUp(10, 4);
    await hunt.comment("alice", "/locate v1.0.0..v1.9.0 repeat=3");
    expect(gh.replies().at(-1)).toMatch(/`repeat` is no longer used/);
    expect(gh.dispatches).toHaveLength(0);
  });
});

describe("commit level", () => {
  it("drills from the first bad tag down to the first bad commit and its pull request", async () => {
    setUp(12, 6);
    await hunt.comment("alice", "/locate v1.3.0..v1.9.0 auto");
    for (let i = 0; i < 10 && gh.dispatches.length > hunt.reported.size; i++) await hunt.reportRuns();
    const tagComment = gh.huntComment();
    expect(parseResultMarker(tagComment.body)).toMatchObject({ firstBad: "v1.6.0", lastGood: "v1.5.0" });

    await hunt.comment("alice", "/locate commits");
    const commitComment = gh.huntComment();
    expect(commitComment.id).not.toBe(tagComment.id);
    // The tag-level comment now links to the commit-level one.
    expect(gh.comments.get(tagComment.id)!.body).toContain(`#issuecomment-${commitComment.id}`);
    // One commit lies between the two tags on the first-parent line; auto-pilot carried over from the tag level.
    expect(commitComment.body).toContain("Change number 11");
    expect(gh.dispatches.at(-1)!.inputs.tag).toMatch(/^[0-9a-f]{7}$/);
    for (let i = 0; i < 10 && gh.dispatches.length > hunt.reported.size; i++) await hunt.reportRuns();
    const done = gh.huntComment().body;
    expect(done).toContain("<!-- locate:state:found -->");
    // v1.6.0's commit is the first bad one: its first parent (Change number 11) passes.
    expect(parseResultMarker(done)).toMatchObject({ firstBad: "v1.6.0", lastGood: gh.commits[11]!.sha.slice(0, 7) });
    expect(done).toContain("/pull/1012");
  });
});
