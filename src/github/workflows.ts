// Workflow dispatch and runs (§4): dispatch with run details where the server supports them, plain dispatch where it does not.
import { type GitHub, type RepoRef, repoParams, githubMessage, httpStatus } from "./client.js";

export interface DispatchRequest {
  readonly workflow: string;
  readonly ref: string;
  readonly inputs: Readonly<Record<string, string>>;
}

/** runId is null when the server could not say (older GitHub Enterprise Server): the run is then found by its token. */
export interface DispatchResult {
  readonly runId: number | null;
  readonly url: string | null;
}

/** The workflow cannot be dispatched as configured (missing, no workflow_dispatch trigger, unknown input): a user problem, not a transient one. */
export class WorkflowProblem extends Error {
  constructor(
    readonly status: number,
    readonly githubMessage: string,
  ) {
    super(`workflow dispatch rejected (${status}): ${githubMessage}`);
  }
}

// Servers known to reject `return_run_details`, so later dispatches skip the doomed first attempt.
const serversWithoutRunDetails = new Set<string>();

function serverOf(gh: GitHub): string {
  return String(gh.request.endpoint.DEFAULTS.baseUrl);
}

export async function dispatchWorkflow(gh: GitHub, repo: RepoRef, request: DispatchRequest): Promise<DispatchResult> {
  const route = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches" as const;
  const params = { ...repoParams(repo), workflow_id: request.workflow, ref: request.ref, inputs: { ...request.inputs } };
  const server = serverOf(gh);
  if (!serversWithoutRunDetails.has(server)) {
    try {
      const response = await gh.request(route, { ...params, return_run_details: true });
      const data = response.data as unknown as { workflow_run_id?: number; html_url?: string } | undefined;
      if (response.status === 200 && data && typeof data.workflow_run_id === "number") {
        return { runId: data.workflow_run_id, url: data.html_url ?? null };
      }
      // 204: the server accepted the dispatch but ignored the field.
      return { runId: null, url: null };
    } catch (error) {
      const status = httpStatus(error);
      if ((status === 400 || status === 422) && /return_run_details/i.test(githubMessage(error))) {
        serversWithoutRunDetails.add(server);
      } else {
        throw asWorkflowProblem(error);
      }
    }
  }
  try {
    await gh.request(route, params);
    return { runId: null, url: null };
  } catch (error) {
    throw asWorkflowProblem(error);
  }
}

function asWorkflowProblem(error: unknown): unknown {
  const status = httpStatus(error);
  return status === 404 || status === 422 ? new WorkflowProblem(status, githubMessage(error)) : error;
}

export interface RunInfo {
  readonly id: number;
  readonly attempt: number;
  readonly status: string;
  readonly conclusion: string | null;
  readonly url: string;
  readonly displayTitle: string;
}

type WorkflowRunData = Awaited<ReturnType<GitHub["rest"]["actions"]["getWorkflowRun"]>>["data"];

function runInfoOf(run: WorkflowRunData): RunInfo {
  return {
    id: run.id,
    attempt: run.run_attempt ?? 1,
    status: run.status ?? "queued",
    conclusion: run.conclusion ?? null,
    url: run.html_url,
    displayTitle: run.display_title,
  };
}

export async function getRun(gh: GitHub, repo: RepoRef, runId: number): Promise<RunInfo | null> {
  try {
    const { data } = await gh.rest.actions.getWorkflowRun({ ...repoParams(repo), run_id: runId });
    return runInfoOf(data);
  } catch (error) {
    if (httpStatus(error) === 404) return null;
    throw error;
  }
}

export async function cancelRun(gh: GitHub, repo: RepoRef, runId: number): Promise<void> {
  try {
    await gh.rest.actions.cancelWorkflowRun({ ...repoParams(repo), run_id: runId });
  } catch (error) {
    // 409: the run already finished, which is what cancelling wanted anyway.
    if (httpStatus(error) !== 409) throw error;
  }
}

/** Tests start every case from a server that has not been seen to reject run details. */
export function forgetServerCapabilities(): void {
  serversWithoutRunDetails.clear();
}

/**
 * The run whose display title carries this token, among the workflow's dispatched runs created since `since`:
 * how a run is found when its dispatch returned no id and its webhooks were missed.
 */
export async function findRunByToken(gh: GitHub, repo: RepoRef, workflow: string, token: string, since: Date): Promise<RunInfo | null> {
  const { data } = await gh.rest.actions.listWorkflowRuns({
    ...repoParams(repo),
    workflow_id: workflow,
    event: "workflow_dispatch",
    created: `>=${new Date(since.getTime() - 60_000).toISOString()}`,
    per_page: 100,
  });
  const run = data.workflow_runs.find((candidate) => candidate.display_title.includes(`[${token}]`));
  return run ? runInfoOf(run) : null;
}
