// Issue 14, optional lookups never block a hunt: GitHub refusing the pull request of the first bad commit or the
// commits of the answer leaves a note in the comment, and the hunt still ends as found. Through probot.receive().
import { afterEach, describe, expect, it } from "vitest";
import { parseResultMarker } from "../../src/render/markers.js";
import { useTestApp } from "../helpers/app.js";
import { HuntDriver } from "../helpers/hunt-driver.js";
import { NockGitHub, closeExpectingAllMatched } from "../helpers/nock-github.js";

const ctx = useTestApp();
let gh: NockGitHub;
let hunt: HuntDriver;

afterEach(() => closeExpectingAllMatched(gh));


describe("optional lookups", () => {
  it.each([422, 404, 500])("a commit-level hunt finishes when the pull request lookup answers %i", async (status) => {
    gh = new NockGitHub({ tags: 12, firstBad: 6, roles: { alice: "write" } });
    hunt = new HuntDriver(ctx.app, gh);
    await hunt.comment("alice", "/locate v1.3.0..v1.9.0 auto");
    await hunt.runToTheEnd();
    gh.faults.set("pulls", status);
    await hunt.comment("alice", "/locate commits");
    await hunt.runToTheEnd();
    const done = gh.huntComment().body;
    expect(done).toContain("<!-- locate:state:found -->");
    expect(parseResultMarker(done)).toMatchObject({ firstBad: "v1.6.0" });
    expect(done).not.toContain("**Pull request:**");
    expect(done).toContain(`⚠️ Not shown: the pull request of the first bad commit could not be read \\(GitHub answered ${status}\\).`);
    // No delivery failed on the way: the starter heard of both answers, and nobody saw an internal error.
    expect(gh.replies().filter((r) => /internal error/i.test(r))).toEqual([]);
    expect(gh.notifications()).toHaveLength(2);
  });

  it("a tag-level hunt finishes when the commits of the answer cannot be listed", async () => {
    gh = new NockGitHub({ tags: 8, firstBad: 5, roles: { alice: "write" } });
    hunt = new HuntDriver(ctx.app, gh);
    gh.faults.set("compare", 502);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0 auto");
    await hunt.runToTheEnd();
    const done = gh.huntComment().body;
    expect(parseResultMarker(done)).toMatchObject({ firstBad: "v1.5.0", lastGood: "v1.4.0" });
    expect(done).toMatch(/\[compare v1\.4\.0\.\.\.v1\.5\.0\]\([^)]+\)\n/);
    expect(done).not.toMatch(/· \d+ commits?/);
    expect(done).toContain("⚠️ Not shown: the commits between them could not be read \\(GitHub answered 502\\).");
  });
});
