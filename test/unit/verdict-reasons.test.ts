// The reason behind a verdict (issue 14): the first failed step, the annotation shown, skip-steps globs, and how the
// reason is rendered in the runs table. Pure.
import { describe, expect, it } from "vitest";
import type { RunJob } from "../../src/github/jobs.js";
import { checkRunIdOf } from "../../src/github/jobs.js";
import { DEFAULT_SKIP_STEPS, matchesSkipStep, stepGlobProblem } from "../../src/config/skip-steps.js";
import { firstFailedStep, pickAnnotation, verdictWithReason } from "../../src/hunt/verdict-reasons.js";
import { renderFoundUnavailable, renderRunReason } from "../../src/render/run-reason.js";

const job = (name: string, conclusion: string | null, steps: [string, string | null][]): RunJob => ({
  name,
  conclusion,
  url: `https://github.com/o/r/actions/runs/1/job/${name.length}`,
  checkRunId: name.length,
  steps: steps.map(([stepName, stepConclusion], i) => ({ name: stepName, number: i + 1, conclusion: stepConclusion })),
});

describe("firstFailedStep", () => {
  it("takes the first failed job and its first failed step", () => {
    const jobs = [
      job("lint", "success", [["Run lint", "success"]]),
      job("repro", "failure", [["Set up job", "success"], ["Build", "failure"], ["Reproduce", "skipped"]]),
      job("other", "failure", [["Reproduce", "failure"]]),
    ];
    expect(firstFailedStep(jobs)).toMatchObject({ job: { name: "repro" }, step: "Build" });
  });
  it("prefers a plain failure to a job cancelled because of it", () => {
    const jobs = [job("a", "cancelled", [["Wait", "cancelled"]]), job("b", "failure", [["Reproduce", "failure"]])];
    expect(firstFailedStep(jobs)).toMatchObject({ job: { name: "b" }, step: "Reproduce" });
  });
  it("names a timed-out step of an inconclusive run, and no step for a job that failed outside its steps", () => {
    expect(firstFailedStep([job("a", "timed_out", [["Reproduce", "timed_out"]])])?.step).toBe("Reproduce");
    expect(firstFailedStep([job("a", "failure", [])])).toMatchObject({ job: { name: "a" }, step: null });
  });
  it("is null when nothing failed", () => {
    expect(firstFailedStep([job("a", "success", [["x", "success"]])])).toBeNull();
    expect(firstFailedStep([])).toBeNull();
  });
});

describe("pickAnnotation", () => {
  it("prefers the workflow's title=locate notice, first line only", () => {
    expect(
      pickAnnotation([
        { level: "failure", title: null, message: "Error: boom" },
        { level: "notice", title: "locate", message: "\n  render() printed nothing  \nmore" },
      ]),
    ).toBe("render() printed nothing");
  });
  it("falls back to the first error that is not GitHub's exit-code line; ignores warnings", () => {
    expect(
      pickAnnotation([
        { level: "failure", title: null, message: "Process completed with exit code 1." },
        { level: "warning", title: null, message: "deprecated" },
        { level: "failure", title: "Error", message: "TypeError: x is not a function" },
      ]),
    ).toBe("TypeError: x is not a function");
    expect(pickAnnotation([{ level: "failure", title: null, message: "Process completed with exit code 2." }])).toBeNull();
  });
  it("bounds its length", () => {
    expect(Array.from(pickAnnotation([{ level: "failure", title: null, message: "é".repeat(1000) }])!)).toHaveLength(300);
  });
});

describe("skip-steps", () => {
  it.each([
    ["Set up job", true],
    ["Run actions/checkout@v4", true],
    ["Run actions/setup-node@v4", true],
    ["Install dependencies", true],
    ["install deps", true],
    ["Run npm ci", true],
    ["Build", true],
    ["build the docs", true],
    ["Reproduce", false],
    ["Run ./scripts/repro.sh", false],
    ["Run tests", false],
  ])("by default, %s → %s", (step, skipped) => {
    expect(matchesSkipStep(step, DEFAULT_SKIP_STEPS)).toBe(skipped);
  });
  it("an empty list skips nothing", () => {
    expect(matchesSkipStep("Build", [])).toBe(false);
  });
  it("reports globs that cannot be used", () => {
    expect(stepGlobProblem("Build*")).toBeNull();
    expect(stepGlobProblem("[Build")).toMatch(/not a valid glob/);
    expect(stepGlobProblem("")).toMatch(/1 to 200/);
  });
  it("only turns bad into inconclusive", () => {
    const reason = { job: "j", jobUrl: null, step: "Build", annotation: null, didNotBuild: true, unavailable: null };
    expect(verdictWithReason("bad", reason)).toBe("inconclusive");
    expect(verdictWithReason("inconclusive", reason)).toBe("inconclusive");
    expect(verdictWithReason("bad", { ...reason, didNotBuild: false })).toBe("bad");
    expect(verdictWithReason("bad", null)).toBe("bad");
  });
});

describe("checkRunIdOf", () => {
  it("reads the id from the check run URL", () => {
    expect(checkRunIdOf("https://api.github.com/repos/o/r/check-runs/29679449")).toBe(29679449);
    expect(checkRunIdOf(null)).toBeNull();
    expect(checkRunIdOf("https://api.github.com/repos/o/r/check-runs/x")).toBeNull();
  });
});

describe("renderRunReason", () => {
  const base = { job: "repro", jobUrl: "https://github.com/o/r/actions/runs/1/job/2", step: "Reproduce", annotation: null, didNotBuild: false, unavailable: null };
  it("links the failed step to its job", () => {
    expect(renderRunReason(base)).toBe("failed at [Reproduce](https://github.com/o/r/actions/runs/1/job/2)");
    expect(renderRunReason({ ...base, didNotBuild: true, step: "Install" })).toBe("did not build: [Install](https://github.com/o/r/actions/runs/1/job/2)");
    expect(renderRunReason({ ...base, step: null })).toBe("failed at [job repro](https://github.com/o/r/actions/runs/1/job/2)");
  });
  it("escapes everything from the workflow: step names, annotations, unsafe URLs", () => {
    const shown = renderRunReason({ ...base, step: "a](javascript:x) | <img>", jobUrl: "javascript:alert(1)", annotation: "@team see #1 | `x` <b>" });
    expect(shown).toBe("failed at a\\]\\(javascript:x\\) \\| &lt;img&gt; · “@\u200Dteam see #\u200D1 \\| \\`x\\` &lt;b&gt;”");
    expect(shown).not.toContain("](javascript");
  });
  it("says what could not be read", () => {
    expect(renderRunReason({ ...base, step: null, job: null, jobUrl: null, unavailable: "the failed step could not be read (GitHub answered 404)" })).toBe(
      "the failed step could not be read \\(GitHub answered 404\\)",
    );
    expect(renderRunReason(null)).toBe("");
    expect(renderFoundUnavailable(["a (b)", "c"])).toBe("<sub>⚠️ Not shown: a \\(b\\); c.</sub>");
  });
});
