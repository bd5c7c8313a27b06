// Sandbox jobs and annotations (issue 14): step names and conclusions follow the run's outcome, a version that does
// not build fails at "Install dependencies", and a bad run's annotation names the reproduction it was given.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { appOctokit, failure, ownerRepo } from "./support.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({
    history: { tags: 8 },
    firstBad: "v0.5.0",
    doesNotBuild: ["v0.2.0"],
    workflowInputs: ["ref", "tag", "locate_id", "repro", "repro_lang"],
    runDuration: { minMs: 5_000, maxMs: 5_000 },
  });
});
afterAll(() => sb.close());

async function finishedRun(tag: string, inputs: Record<string, string> = {}) {
  const t = sb.tags.find((x) => x.name === tag)!;
  const { data } = (await appOctokit(sb).request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
    ...ownerRepo(sb),
    workflow_id: "locate.yml",
    ref: sb.repo.defaultBranch,
    inputs: { ref: t.sha, tag, locate_id: `j-${tag}`, ...inputs },
    return_run_details: true,
  } as never)) as { data: { workflow_run_id: number } };
  sb.finishRun(data.workflow_run_id);
  return data.workflow_run_id;
}

async function explain(runId: number) {
  const o = appOctokit(sb);
  const { data } = await o.actions.listJobsForWorkflowRun({ ...ownerRepo(sb), run_id: runId });
  const job = data.jobs[0]!;
  const { data: annotations } = await o.checks.listAnnotations({ ...ownerRepo(sb), check_run_id: Number(job.check_run_url.split("/").pop()) });
  return { job, steps: (job.steps ?? []).map((s) => `${s.name}:${s.conclusion}`), annotations };
}

describe("jobs and annotations", () => {
  it("a good run passes every step and has no annotations", async () => {
    const { job, steps, annotations } = await explain(await finishedRun("v0.3.0"));
    expect(job.conclusion).toBe("success");
    expect(steps.every((s) => s.endsWith(":success"))).toBe(true);
    expect(annotations).toEqual([]);
  });

  it("a bad run fails at Reproduce, and its notice names the reproduction it was given", async () => {
    const { job, steps, annotations } = await explain(await finishedRun("v0.6.0", { repro: "node -e 'boom()'\nsecond", repro_lang: "js" }));
    expect(job.conclusion).toBe("failure");
    expect(job.html_url).toBe(`${sb.repo.htmlUrl}/actions/runs/${job.run_id}/job/${job.id}`);
    expect(steps).toEqual([
      "Set up job:success",
      "Run actions/checkout@v4:success",
      "Install dependencies:success",
      "Build:success",
      "Reproduce:failure",
      "Post Run actions/checkout@v4:success",
      "Complete job:success",
    ]);
    expect(annotations.map((a) => [a.annotation_level, a.title, a.message])).toEqual([
      ["notice", "locate", "the js reproduction `node -e 'boom()'` failed on v0.6.0\nexit status 1"],
      ["failure", null, "Process completed with exit code 1."],
    ]);
  });

  it("a version that does not build fails at Install dependencies, whatever its truth", async () => {
    const runId = await finishedRun("v0.2.0");
    const { steps, annotations } = await explain(runId);
    expect(sb.runs.find((r) => r.id === runId)).toMatchObject({ conclusion: "failure", outcome: "does-not-build", verdictTruth: "good" });
    expect(steps.slice(2, 5)).toEqual(["Install dependencies:failure", "Build:skipped", "Reproduce:skipped"]);
    expect(annotations[0]!.message).toMatch(/^npm ERR! ERESOLVE could not resolve the dependencies of v0\.2\.0/);
  });

  it("404s for an unknown run or check run", async () => {
    const o = appOctokit(sb);
    expect((await failure(o.actions.listJobsForWorkflowRun({ ...ownerRepo(sb), run_id: 42 }))).status).toBe(404);
    expect((await failure(o.checks.listAnnotations({ ...ownerRepo(sb), check_run_id: 42 }))).status).toBe(404);
  });
});

describe("stopped runs", () => {
  it("a cancelled run's Reproduce step is cancelled, with GitHub's own annotation", async () => {
    const t = sb.tags.find((x) => x.name === "v0.4.0")!;
    const { data } = (await appOctokit(sb).request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
      ...ownerRepo(sb),
      workflow_id: "locate.yml",
      ref: sb.repo.defaultBranch,
      inputs: { ref: t.sha, tag: "v0.4.0", locate_id: "j-cancel" },
      return_run_details: true,
    } as never)) as { data: { workflow_run_id: number } };
    sb.finishRun(data.workflow_run_id, "cancelled");
    const { job, steps, annotations } = await explain(data.workflow_run_id);
    expect(job.conclusion).toBe("cancelled");
    expect(steps).toContain("Reproduce:cancelled");
    expect(annotations.map((a) => a.message)).toEqual(["The operation was canceled."]);
  });
});
