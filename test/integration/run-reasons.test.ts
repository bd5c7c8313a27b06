// Issue 14, the reason behind each verdict and build failures as skips: the first failed step linked to its job and
// the workflow's annotation in the runs table, at most two requests per finished run and none for passing runs, and
// `skip-steps`. Through probot.receive() against the nock GitHub.
import { afterEach, describe, expect, it } from "vitest";
import { parseResultMarker } from "../../src/render/markers.js";
import { useTestApp } from "../helpers/app.js";
import { type HuntDriver, huntOnNock } from "../helpers/hunt-driver.js";
import { type NockGitHub, closeExpectingAllMatched } from "../helpers/nock-github.js";
import { REPO } from "../helpers/payloads.js";

const ctx = useTestApp();
let gh: NockGitHub;
let hunt: HuntDriver;

afterEach(() => closeExpectingAllMatched(gh));

function setUp(tags: number, firstBad: number, config?: string) {
  ({ gh, hunt } = huntOnNock(ctx.app, { tags, firstBad, roles: { alice: "write" }, config }));
}

const body = () => gh.huntComment().body;
const rowOf = (tag: string) => body().split("\n").find((line) => line.startsWith(`| <code>${tag}</code>`)) ?? "";
/** The job of the tag's newest run: the one its row shows. */
const jobUrl = (tag: string) => {
  const run = gh.dispatches.filter((d) => d.inputs.tag === tag).at(-1)!.runId;
  return `${REPO.htmlUrl}/actions/runs/${run}/job/${run + 1_000_000_000}`;
};
const lookups = () => gh.requests.filter((r) => r.endsWith("/jobs") || r.endsWith("/annotations"));

describe("the reason behind a verdict", () => {
  it("shows the first failed step linked to its job, and the workflow's annotation escaped", async () => {
    setUp(6, 3);
    gh.annotations.set("v1.4.0", [
      { level: "warning", message: "Node 16 is deprecated" },
      { level: "notice", title: "locate", message: "render() returned <b>nothing</b> | cc @maintainers #12\nsecond line, not shown" },
    ]);
    await hunt.comment("alice", "/locate v1.0.0..v1.5.0");
    await hunt.tick("alice", ["locate:tag:v1.2.0", "locate:tag:v1.4.0"]);
    await hunt.reportRuns();
    const row = rowOf("v1.4.0");
    expect(row).toContain("❌ bad");
    expect(row).toContain(`failed at [Reproduce](${jobUrl("v1.4.0")})`);
    expect(row).toContain("“render\\(\\) returned &lt;b&gt;nothing&lt;/b&gt; \\| cc @\u200Dmaintainers #\u200D12”");
    expect(row).not.toContain("second line");
    // Passing runs cost nothing; the failing one, its jobs and its annotations.
    expect(rowOf("v1.2.0")).toContain("✅ good");
    expect(rowOf("v1.2.0")).not.toContain("failed at");
    expect(lookups()).toEqual([
      `GET /repos/${REPO.owner}/${REPO.repo}/actions/runs/${gh.dispatches.find((d) => d.inputs.tag === "v1.4.0")!.runId}/jobs`,
      `GET /repos/${REPO.owner}/${REPO.repo}/check-runs/${gh.dispatches.find((d) => d.inputs.tag === "v1.4.0")!.runId + 1_000_000_000}/annotations`,
    ]);
  });

  it("shows an ::error:: annotation when there is no locate notice, but not GitHub's own exit-code line", async () => {
    setUp(6, 3);
    gh.annotations.set("v1.4.0", [{ level: "failure", message: "TypeError: widgets.render is not a function" }]);
    await hunt.comment("alice", "/locate v1.0.0..v1.5.0");
    await hunt.tick("alice", ["locate:tag:v1.2.0", "locate:tag:v1.4.0"]);
    await hunt.reportRuns();
    expect(rowOf("v1.4.0")).toContain("“TypeError: widgets.render is not a function”");
    expect(body()).not.toContain("Process completed with exit code");
  });

  it("reads a redelivered completion once: no second lookup", async () => {
    setUp(6, 3);
    await hunt.comment("alice", "/locate v1.0.0..v1.5.0");
    await hunt.tick("alice", ["locate:tag:v1.2.0", "locate:tag:v1.4.0"]);
    await hunt.reportRuns();
    const before = lookups().length;
    const bad = gh.dispatches.find((d) => d.inputs.tag === "v1.4.0")!;
    hunt.reported.delete(bad.runId);
    await hunt.reportRuns();
    expect(lookups()).toHaveLength(before);
  });

  it("goes on when the jobs cannot be read, and says what is missing", async () => {
    setUp(6, 3);
    gh.faults.set("jobs", 404);
    await hunt.comment("alice", "/locate v1.0.0..v1.5.0 auto");
    for (let i = 0; i < 8 && gh.dispatches.length > hunt.reported.size; i++) await hunt.reportRuns();
    expect(parseResultMarker(body())).toMatchObject({ firstBad: "v1.3.0", lastGood: "v1.2.0" });
    expect(rowOf("v1.3.0")).toMatch(/❌.*the failed step could not be read \\\(GitHub answered 404\\\)/);
    expect(gh.requests.some((r) => r.endsWith("/annotations"))).toBe(false);
  });

  it("shows the step without an annotation when the annotations endpoint fails (older GHES)", async () => {
    setUp(6, 3);
    gh.faults.set("annotations", 500);
    await hunt.comment("alice", "/locate v1.0.0..v1.5.0 auto");
    for (let i = 0; i < 8 && gh.dispatches.length > hunt.reported.size; i++) await hunt.reportRuns();
    expect(parseResultMarker(body())).toMatchObject({ firstBad: "v1.3.0" });
    expect(rowOf("v1.3.0")).toContain(`failed at [Reproduce](${jobUrl("v1.3.0")}) · the workflow's annotations could not be read \\(GitHub answered 500\\)`);
  });

  it("reads the reason of a run the reconciler finds finished, when its webhook was lost", async () => {
    setUp(6, 3);
    await hunt.comment("alice", "/locate v1.0.0..v1.5.0");
    await hunt.tick("alice", ["locate:tag:v1.4.0"]);
    const run = gh.dispatches.find((d) => d.inputs.tag === "v1.4.0")!;
    // GitHub finished the run, but no workflow_run webhook ever arrived.
    gh.runState.set(run.runId, { status: "completed", conclusion: "failure" });
    gh.concluded.set(run.runId, "failure");
    await hunt.comment("alice", "/locate status");
    expect(rowOf("v1.4.0")).toContain(`failed at [Reproduce](${jobUrl("v1.4.0")})`);
    expect(lookups()).toHaveLength(2);
  });

  it("names the step an inconclusive run stopped at", async () => {
    setUp(6, 3);
    gh.forced.set("v1.2.0", ["timed_out"]);
    await hunt.comment("alice", "/locate v1.0.0..v1.5.0");
    await hunt.tick("alice", ["locate:tag:v1.2.0"]);
    await hunt.reportRuns();
    expect(rowOf("v1.2.0")).toMatch(/⚠️ inconclusive.*failed at \[Reproduce\]/);
  });
});

describe("skip-steps", () => {
  it("by default makes a version whose build fails inconclusive, and the answer stays right", async () => {
    setUp(8, 5);
    // v1.2.0 no longer installs: counted as bad, it would be named the first bad tag.
    gh.failingStep.set("v1.2.0", "Install dependencies");
    gh.forced.set("v1.2.0", ["failure"]);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0");
    await hunt.tick("alice", ["locate:tag:v1.2.0"]);
    await hunt.reportRuns();
    expect(rowOf("v1.2.0")).toMatch(/⚠️ inconclusive.*did not build: \[Install dependencies\]/);
    await hunt.comment("alice", "/locate auto");
    for (let i = 0; i < 12 && gh.dispatches.length > hunt.reported.size; i++) await hunt.reportRuns();
    expect(parseResultMarker(body())).toMatchObject({ firstBad: "v1.5.0", lastGood: "v1.4.0", candidates: ["v1.5.0"] });
  });

  it.each([
    ["follows the repository's globs, case-insensitively", 'skip-steps: ["compile *"]\n', "Compile the World", /⚠️ inconclusive.*did not build: \[Compile the World\]/],
    ["is off with an empty list: a failed build is bad", "skip-steps: []\n", "Install dependencies", /❌ bad.*failed at \[Install dependencies\]/],
  ])("%s", async (_name, config, step, row) => {
    setUp(8, 5, config);
    gh.failingStep.set("v1.4.0", step);
    gh.forced.set("v1.4.0", ["failure"]);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0");
    await hunt.tick("alice", ["locate:tag:v1.4.0"]);
    await hunt.reportRuns();
    expect(rowOf("v1.4.0")).toMatch(row);
  });

  it("rejects a glob that cannot match, naming the key", async () => {
    setUp(8, 5, 'skip-steps: ["[Build"]\n');
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0");
    expect(gh.dispatches).toHaveLength(0);
    expect(gh.replies().at(-1)).toMatch(/`skip-steps.0`: is not a valid glob/);
  });
});
