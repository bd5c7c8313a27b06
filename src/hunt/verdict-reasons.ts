// The reason behind a failed or inconclusive run (issue 14): its first failed step and the workflow's own annotation,
// read with at most two requests, and `skip-steps`, which turns a run that did not build into an inconclusive one.
import type { Logger } from "pino";
import { matchesSkipStep } from "../config/skip-steps.js";
import type { RunObservation } from "../db/queries/runs.js";
import type { RepoRef, GitHub } from "../github/client.js";
import { type Annotation, type RunJob, listAnnotations, listRunJobs } from "../github/jobs.js";
import { optionalLookup } from "../github/optional.js";
import type { Verdict } from "../search/types.js";

export interface RunReason {
  /** The job that failed first, and its page on GitHub. */
  readonly job: string | null;
  readonly jobUrl: string | null;
  /** The first step of that job that failed (or was cancelled or timed out); null when the job failed outside any step. */
  readonly step: string | null;
  /** First line of the workflow's `::notice title=locate::…` or `::error::…` annotation. */
  readonly annotation: string | null;
  /** The failed step matched `skip-steps`: the version did not build, so the run says nothing about the bug. */
  readonly didNotBuild: boolean;
  /** What GitHub would not tell, in plain text (escaped where shown). */
  readonly unavailable: string | null;
}

// A step or job that ended like this is where the run went wrong; `skipped` steps come after the failure.
const FAILED = new Set(["failure", "timed_out", "cancelled", "startup_failure", "action_required"]);

/** The first job that failed (a plain failure before a cancelled or timed-out one), and its first failed step. */
export function firstFailedStep(jobs: readonly RunJob[]): { job: RunJob; step: string | null } | null {
  const job = jobs.find((candidate) => candidate.conclusion === "failure") ?? jobs.find((candidate) => FAILED.has(candidate.conclusion ?? ""));
  if (!job) return null;
  const step = job.steps.find((candidate) => candidate.conclusion === "failure") ?? job.steps.find((candidate) => FAILED.has(candidate.conclusion ?? ""));
  return { job, step: step?.name ?? null };
}

// GitHub adds this to every failed `run:` step; it repeats what the failed step already says.
const GENERIC_FAILURE = /^Process completed with exit code \d+\.?$/;
const MAX_ANNOTATION_CHARS = 300;

/** The first line of the annotation to show: the workflow's `title=locate` one, else its first error. */
export function pickAnnotation(annotations: readonly Annotation[]): string | null {
  const firstLine = (message: string | null) => (message ?? "").split(/\r\n|\r|\n/).find((line) => line.trim() !== "")?.trim() ?? "";
  const chosen =
    annotations.find((annotation) => annotation.title?.trim().toLowerCase() === "locate" && firstLine(annotation.message) !== "") ??
    annotations.find((annotation) => annotation.level === "failure" && firstLine(annotation.message) !== "" && !GENERIC_FAILURE.test(firstLine(annotation.message)));
  if (!chosen) return null;
  return Array.from(firstLine(chosen.message)).slice(0, MAX_ANNOTATION_CHARS).join("");
}

/** A run that did not build is no evidence of the bug: inconclusive, whatever its conclusion. */
export function verdictWithReason(verdict: Verdict | null, reason: RunReason | null): Verdict | null {
  return verdict === "bad" && reason?.didNotBuild ? "inconclusive" : verdict;
}

/**
 * Reads why a finished run did not pass: the jobs (one request), then the failed job's annotations (one more).
 * Nothing for a run that passed. A refused lookup is noted in the reason, never thrown.
 */
export async function explainRun(gh: GitHub, repo: RepoRef, runId: number, conclusion: string | null, skipSteps: readonly string[], log: Logger): Promise<RunReason | null> {
  if (conclusion === "success") return null;
  const jobs = await optionalLookup("the failed step", log, () => listRunJobs(gh, repo, runId));
  if (!jobs.ok) return { job: null, jobUrl: null, step: null, annotation: null, didNotBuild: false, unavailable: jobs.problem };
  const failed = firstFailedStep(jobs.value);
  if (!failed) return null;
  let annotation: string | null = null;
  let unavailable: string | null = null;
  if (failed.job.checkRunId !== null) {
    const annotations = await optionalLookup("the workflow's annotations", log, () => listAnnotations(gh, repo, failed.job.checkRunId as number));
    if (annotations.ok) annotation = pickAnnotation(annotations.value);
    else unavailable = annotations.problem;
  }
  return {
    job: failed.job.name,
    jobUrl: failed.job.url,
    step: failed.step,
    annotation,
    didNotBuild: failed.step !== null && matchesSkipStep(failed.step, skipSteps),
    unavailable,
  };
}

/** A completed observation with its reason, and the verdict `skip-steps` gives it; others unchanged. */
export async function withRunReason(
  gh: GitHub,
  hunt: RepoRef & { readonly skipSteps: readonly string[] },
  seen: RunObservation,
  log: Logger,
): Promise<RunObservation> {
  if (seen.status !== "completed") return seen;
  const reason = await explainRun(gh, { owner: hunt.owner, repo: hunt.repo }, seen.runId, seen.conclusion, hunt.skipSteps, log);
  return reason ? { ...seen, reason, verdict: verdictWithReason(seen.verdict, reason) } : seen;
}

/** A redelivered `completed` for an attempt already stored costs no lookups. */
export function alreadyCompleted(row: { readonly status: string; readonly runId: number | null; readonly attempt: number }, runId: number, attempt: number): boolean {
  return row.status === "completed" && row.runId === runId && row.attempt >= attempt;
}
