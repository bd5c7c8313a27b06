// End to end (issue 14): a hunt whose reproduction comes from the start comment, where an old version does not build
// and is skipped rather than called bad, the failed steps shown in the runs table, and the starter mentioned once
// when the answer is named. Sandbox over HTTP, the real Locate process.
import { describe, expect, it } from "vitest";
import { encodeMarkerName } from "../../src/render/escape.js";
import { parseResultMarker } from "../../src/render/markers.js";
import { toggleTask } from "../../src/sandbox/index.js";
import { notifications } from "../helpers/resilience.js";
import { bodyOf, expectCleanRun, expectFound, huntCommentOf, settle, startE2E, waitForEnd, waitForVerdictsShown } from "./harness.js";

const REPRO = "widgets --version\nwidgets render --strict";

describe("the reproduction from the issue, over HTTP", () => {
  it("passes the code block to every run, skips the version that does not build, and tells the starter once", { timeout: 60_000 }, async () => {
    const e2e = await startE2E({
      history: { tags: 12 },
      firstBad: "v0.9.0",
      doesNotBuild: ["v0.3.0"],
      workflowInputs: ["ref", "tag", "locate_id", "repro", "repro_lang"],
      permissions: { alice: "write" },
    });
    const { sb } = e2e;
    const issue = await sb.openIssue({ user: "alice", title: "widgets --version crashes" });
    await sb.postComment({ issue, user: "alice", body: ["It crashes since some release:", "", "```sh", REPRO, "```", "", "/locate v0.1.0..v0.12.0"].join("\n") });
    const { id: commentId } = await sb.waitFor(() => huntCommentOf(sb, issue), { timeoutMs: 15_000, message: "the hunt comment" });

    // Tick the old v0.3.0 and auto-pilot in one edit, as a person ticking two boxes before saving would.
    const ticked = toggleTask(toggleTask(bodyOf(sb, commentId), `locate:tag:${encodeMarkerName("v0.3.0")}`, true)!, "locate:auto", true)!;
    await sb.editComment({ commentId, user: "alice", body: ticked });
    const body = await waitForEnd(sb, commentId);

    // The answer is right although v0.3.0 failed: it did not build, so it counted as inconclusive, not bad.
    const result = parseResultMarker(body);
    expect(result).toMatchObject({ firstBad: "v0.9.0", candidates: ["v0.9.0"] });
    expectFound(sb, body, result!);
    const old = sb.runs.find((run) => run.inputs.tag === "v0.3.0")!;
    expect(old).toMatchObject({ conclusion: "failure", outcome: "does-not-build" });

    // Every run got the reproduction and its language.
    expect(sb.runs.length).toBeGreaterThan(3);
    for (const run of sb.runs) expect(run.inputs).toMatchObject({ repro: REPRO, repro_lang: "sh" });

    await settle(sb);
    const final = await waitForVerdictsShown(sb, commentId);
    const row = (tag: string) => final.split("\n").find((line) => line.startsWith(`| <code>${tag}</code>`)) ?? "";
    expect(row("v0.3.0")).toMatch(new RegExp(`⚠️ inconclusive .*did not build: \\[Install dependencies\\]\\(${sb.repo.htmlUrl}/actions/runs/${old.id}/job/\\d+\\) · “npm ERR! ERESOLVE`));
    // A bad run names its failed step and what the reproduction printed; a good one needs no note.
    const bad = sb.runs.filter((run) => run.conclusion === "failure" && run.outcome === "truth").at(-1)!.inputs.tag!;
    expect(row(bad)).toMatch(new RegExp(`❌.*failed at \\[Reproduce\\]\\(.*\\) · “the sh reproduction \\\\\`widgets --version\\\\\` failed on ${bad.replace(/\./g, "\\.")}”`));
    const good = sb.runs.find((run) => run.conclusion === "success")!.inputs.tag!;
    expect(row(good)).toContain("✅");
    expect(row(good)).not.toContain("failed at");

    // One notification, at the end, mentioning the starter and linking the hunt comment.
    const notes = notifications(sb, issue);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^@alice 🎯 The hunt found the first bad tag: `v0\.9\.0`/);
    expect(notes[0]).toContain(`${sb.repo.htmlUrl}/issues/${issue}#issuecomment-${commentId}`);
    // Passing runs cost no lookup: jobs were read only for runs that did not pass, at most two requests each.
    const notPassing = new Set(sb.runs.filter((run) => run.conclusion !== "success").map((run) => run.id));
    const jobReads = sb.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs");
    expect(jobReads.every((r) => notPassing.has(Number(r.path.split("/actions/runs/")[1]!.split("/")[0])))).toBe(true);
    const annotationReads = sb.requests.filter((r) => r.route === "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations");
    expect(jobReads.length + annotationReads.length).toBeLessThanOrEqual(2 * notPassing.size);
    expectCleanRun(e2e);
  });
});
