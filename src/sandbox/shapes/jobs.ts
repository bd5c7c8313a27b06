// The jobs of a simulated run, and the annotations of their check runs (issue 14): one `repro` job whose steps follow
// the workflow template, failing where the run's outcome says (install for a version that does not build, the
// reproduction for a bad one), with the annotations the template's workflow writes.
import type { SandboxRun } from "../types.js";
import { iso, repoApiUrl, repoWebUrl } from "./common.js";
import type { ShapeContext } from "./common.js";

/** The template's steps, by the names GitHub shows. */
export const STEP_NAMES = ["Set up job", "Run actions/checkout@v4", "Install dependencies", "Build", "Reproduce", "Post Run actions/checkout@v4", "Complete job"] as const;
const INSTALL = STEP_NAMES.indexOf("Install dependencies");
const CHECKOUT = STEP_NAMES.indexOf("Run actions/checkout@v4");
const REPRODUCE = STEP_NAMES.indexOf("Reproduce");
/** Steps that run whatever happened before them. */
const ALWAYS = new Set<number>([STEP_NAMES.indexOf("Post Run actions/checkout@v4"), STEP_NAMES.indexOf("Complete job")]);

/** Job ids sit above run ids, as on GitHub; the check run behind a job has the job's id. */
export function jobIdOf(runId: number): number {
  return runId + 1_000_000_000;
}

export function runIdOfCheckRun(checkRunId: number): number {
  return checkRunId - 1_000_000_000;
}

/** Which step ends the run, and how; -1 when every step passed. */
function failure(run: SandboxRun): { step: number; conclusion: string } {
  if (run.conclusion === "success" || run.conclusion === null) return { step: -1, conclusion: "success" };
  if (run.outcome === "does-not-build") return { step: INSTALL, conclusion: "failure" };
  if (run.outcome === "bad-ref") return { step: CHECKOUT, conclusion: "failure" };
  return { step: REPRODUCE, conclusion: run.conclusion === "failure" ? "failure" : "cancelled" };
}

/** The run's jobs; none for a run that never started (startup_failure), as on GitHub. */
export function runJobs(ctx: ShapeContext, run: SandboxRun, workflowName: string): Record<string, unknown>[] {
  if (run.conclusion === "startup_failure") return [];
  const id = jobIdOf(run.id);
  const api = repoApiUrl(ctx);
  const started = run.startedAt ?? run.dispatchedAt;
  const completed = run.status === "completed";
  const { step: failedAt, conclusion: failedAs } = failure(run);
  const steps = completed
    ? STEP_NAMES.map((name, index) => ({
        name,
        status: "completed",
        conclusion: failedAt < 0 || index < failedAt || ALWAYS.has(index) ? "success" : index === failedAt ? failedAs : "skipped",
        number: index + 1,
        started_at: iso(started),
        completed_at: iso(run.completedAt ?? started),
      }))
    : [];
  return [
    {
      id,
      run_id: run.id,
      run_url: `${api}/actions/runs/${run.id}`,
      run_attempt: run.attempt,
      node_id: Buffer.from(`CR_${id}`).toString("base64"),
      head_sha: run.headSha,
      url: `${api}/actions/jobs/${id}`,
      html_url: `${repoWebUrl(ctx)}/actions/runs/${run.id}/job/${id}`,
      status: run.status === "completed" ? "completed" : run.status === "in_progress" ? "in_progress" : "queued",
      conclusion: completed ? (run.conclusion === "stale" ? "cancelled" : run.conclusion) : null,
      created_at: iso(run.dispatchedAt),
      started_at: iso(started),
      completed_at: completed ? iso(run.completedAt ?? started) : null,
      name: "repro",
      steps,
      check_run_url: `${api}/check-runs/${id}`,
      labels: ["ubuntu-latest"],
      runner_id: run.status === "queued" ? null : 1,
      runner_name: run.status === "queued" ? null : "GitHub Actions 1",
      runner_group_id: run.status === "queued" ? null : 1,
      runner_group_name: run.status === "queued" ? null : "GitHub Actions",
      workflow_name: workflowName,
      head_branch: run.headBranch,
    },
  ];
}

function annotation(ctx: ShapeContext, run: SandboxRun, level: "notice" | "failure", title: string | null, message: string): Record<string, unknown> {
  return {
    path: ".github",
    blob_href: `${repoWebUrl(ctx)}/blob/${run.headSha}/.github`,
    start_line: 1,
    end_line: 1,
    start_column: null,
    end_column: null,
    annotation_level: level,
    title,
    message,
    raw_details: null,
  };
}

/**
 * What the template's workflow writes: for a bad version, `::notice title=locate::` naming the reproduction's first
 * line (so a test can see the code block arrived); for one that does not build, the installer's error. GitHub adds
 * "Process completed with exit code 1." to every failed step, and its own line to a cancelled or timed-out job.
 */
export function runAnnotations(ctx: ShapeContext, run: SandboxRun): Record<string, unknown>[] {
  const { step } = failure(run);
  if (step < 0 || run.status !== "completed") return [];
  const exit = annotation(ctx, run, "failure", null, "Process completed with exit code 1.");
  const tag = run.inputs.tag ?? run.headSha.slice(0, 7);
  if (step === INSTALL) return [annotation(ctx, run, "failure", null, `npm ERR! ERESOLVE could not resolve the dependencies of ${tag}\nnpm ERR! see the full log`), exit];
  // GitHub's own words for a job that was stopped rather than failed.
  if (run.conclusion === "cancelled") return [annotation(ctx, run, "failure", null, "The operation was canceled.")];
  if (run.conclusion === "timed_out") return [annotation(ctx, run, "failure", null, "The job running on runner GitHub Actions 1 has exceeded the maximum execution time of 360 minutes.")];
  if (step !== REPRODUCE || run.conclusion !== "failure") return [exit];
  const repro = run.inputs.repro;
  const what = repro ? `the ${run.inputs.repro_lang || "sh"} reproduction \`${repro.split("\n", 1)[0]}\`` : "./scripts/repro.sh";
  return [annotation(ctx, run, "notice", "locate", `${what} failed on ${tag}\nexit status 1`), exit];
}
