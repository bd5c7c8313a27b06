// Verdicts you can trust (§5): endpoint checks, contradictions, repeats and flaky versions, confirmation, and the
// commit-level drill-down, through probot.receive() against the nock GitHub.
import { afterEach, describe, expect, it } from "vitest";
import { encodeMarkerName } from "../../src/render/escape.js";
import { parseResultMarker } from "../../src/render/markers.js";
import { useTestApp } from "../helpers/app.js";
import { HuntDriver } from "../helpers/hunt-driver.js";
import { NockGitHub } from "../helpers/nock-github.js";

const ctx = useTestApp();
let gh: NockGitHub;
let hunt: HuntDriver;

afterEach(() => {
  const unmatched = gh.unmatched;
  gh.close();
  expect(unmatched).toEqual([]);
});

function setUp(tags: number, firstBad: number) {
  gh = new NockGitHub({ tags, firstBad, roles: { alice: "write" } });
  hunt = new HuntDriver(ctx.app, gh);
}

const body = () => gh.huntComment().body;

describe("endpoint check", () => {
  it("runs both ends with the first picks, and stops when the good end fails", async () => {
    setUp(20, 9);
    gh.forced.set("v1.0.0", ["failure"]);
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 auto");
    const first = gh.dispatches.map((d) => d.inputs.tag);
    expect(first).toEqual(expect.arrayContaining(["v1.0.0", "v1.19.0"]));
    expect(first).toHaveLength(3 + 2);
    await hunt.reportRuns({ only: (tag) => tag === "v1.0.0" });
    expect(body()).toContain("<!-- locate:state:failed -->");
    expect(body()).toMatch(/good end v1\.0\.0 fails too/);
    // The other runs of the round are cancelled, and no more are dispatched.
    expect(gh.cancelled).toHaveLength(4);
    await hunt.reportRuns();
    expect(gh.dispatches).toHaveLength(5);
  });

  it("stops when the bad end passes", async () => {
    setUp(20, 9);
    gh.forced.set("v1.19.0", ["success"]);
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 auto");
    await hunt.reportRuns();
    expect(body()).toContain("<!-- locate:state:failed -->");
    expect(body()).toMatch(/bad end v1\.19\.0 passes/);
  });

  it("waits for the ends before naming an answer the picks already reached", async () => {
    setUp(4, 2);
    await hunt.comment("alice", "/locate v1.0.0..v1.3.0");
    await hunt.tick("alice", [`locate:tag:${encodeMarkerName("v1.1.0")}`, `locate:tag:${encodeMarkerName("v1.2.0")}`]);
    await hunt.reportRuns({ only: (tag) => tag === "v1.1.0" || tag === "v1.2.0" });
    expect(body()).toContain("<!-- locate:state:searching -->");
    await hunt.reportRuns();
    expect(parseResultMarker(body())).toMatchObject({ firstBad: "v1.2.0", lastGood: "v1.1.0" });
  });
});

describe("contradictions", () => {
  it("shows a good after a bad, offers it for a retry, and the newest verdict wins", async () => {
    setUp(20, 6);
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 verify=false");
    await hunt.comment("alice", "/locate bad v1.8.0");
    // A broken run says a version after the bad one is good.
    gh.forced.set("v1.12.0", ["success"]);
    await hunt.comment("alice", "/locate retry v1.12.0");
    await hunt.reportRuns();
    expect(body()).toMatch(/Contradicting verdicts/);
    const retryLine = body().split("\n").find((line) => line.startsWith("- [ ]") && line.includes("locate:tag:v1.12.0"));
    expect(retryLine).toContain("🔁");
    await hunt.tick("alice", ["locate:tag:v1.12.0"]);
    expect(gh.dispatches.filter((d) => d.inputs.tag === "v1.12.0")).toHaveLength(2);
    await hunt.reportRuns();
    expect(body()).not.toMatch(/Contradicting verdicts/);
  });
});

describe("repeats", () => {
  it("runs each version `repeat` times; one failure in three makes it bad by default", async () => {
    setUp(10, 7);
    await hunt.comment("alice", "/locate v1.0.0..v1.9.0 repeat=3 verify=false");
    await hunt.tick("alice", ["locate:tag:v1.4.0"]);
    expect(gh.dispatches.map((d) => d.inputs.tag)).toEqual(["v1.4.0", "v1.4.0", "v1.4.0"]);
    gh.forced.set("v1.4.0", ["success", "failure", "success"]);
    await hunt.reportRuns();
    expect(body()).toMatch(/v1\.4\.0.*❌.*passed 2\/3/);
  });
});

describe("confirmation", () => {
  it("re-runs last good and first bad in auto-pilot, and keeps searching when the re-run disagrees", async () => {
    setUp(8, 4);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0 auto verify=false parallel=3");
    // The first run of v1.3.0 wrongly fails; its confirmation passes, so the answer moves up to v1.4.0.
    gh.forced.set("v1.3.0", ["failure"]);
    for (let i = 0; i < 10 && gh.dispatches.length > hunt.reported.size; i++) await hunt.reportRuns();
    expect(parseResultMarker(body())).toMatchObject({ firstBad: "v1.4.0", lastGood: "v1.3.0" });
    expect(gh.dispatches.filter((d) => d.inputs.tag === "v1.3.0").length).toBeGreaterThanOrEqual(2);
  });
});

describe("commit level", () => {
  it("drills from the first bad tag down to the first bad commit and its pull request", async () => {
    setUp(12, 6);
    await hunt.comment("alice", "/locate v1.3.0..v1.9.0 auto verify=false confirm=false");
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
