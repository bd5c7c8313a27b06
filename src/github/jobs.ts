// A finished run's jobs and its check-run annotations: why a run failed (issue 14). One request each, no paging.
import { type GitHub, type RepoRef, repoParams } from "./client.js";

export interface JobStep {
  readonly name: string;
  readonly number: number;
  readonly conclusion: string | null;
}

export interface RunJob {
  readonly name: string;
  readonly conclusion: string | null;
  /** The job's page on GitHub: where a person reads the failed step's log. */
  readonly url: string | null;
  /** The check run behind the job, whose annotations hold the workflow's `::error::`/`::notice::` lines. */
  readonly checkRunId: number | null;
  readonly steps: readonly JobStep[];
}

export interface Annotation {
  readonly level: string | null;
  readonly title: string | null;
  readonly message: string | null;
}

/** Enough for any reproduction workflow: the first failed job is what matters, and it is nearly always on page one. */
const JOBS_PER_PAGE = 100;
const ANNOTATIONS_PER_PAGE = 50;

/** `…/check-runs/123` → 123; the job's own id is the same number today, but the URL is what GitHub promises. */
export function checkRunIdOf(checkRunUrl: string | null | undefined): number | null {
  const match = /\/check-runs\/(\d+)$/.exec(checkRunUrl ?? "");
  return match ? Number(match[1]) : null;
}

/** The jobs of a run's latest attempt, in GitHub's order. */
export async function listRunJobs(gh: GitHub, repo: RepoRef, runId: number): Promise<RunJob[]> {
  const { data } = await gh.rest.actions.listJobsForWorkflowRun({ ...repoParams(repo), run_id: runId, filter: "latest", per_page: JOBS_PER_PAGE });
  return data.jobs.map((job) => ({
    name: job.name,
    conclusion: job.conclusion ?? null,
    url: job.html_url ?? null,
    checkRunId: checkRunIdOf(job.check_run_url),
    steps: (job.steps ?? []).map((step) => ({ name: step.name, number: step.number, conclusion: step.conclusion ?? null })),
  }));
}

export async function listAnnotations(gh: GitHub, repo: RepoRef, checkRunId: number): Promise<Annotation[]> {
  const { data } = await gh.rest.checks.listAnnotations({ ...repoParams(repo), check_run_id: checkRunId, per_page: ANNOTATIONS_PER_PAGE });
  return data.map((annotation) => ({ level: annotation.annotation_level ?? null, title: annotation.title ?? null, message: annotation.message ?? null }));
}
