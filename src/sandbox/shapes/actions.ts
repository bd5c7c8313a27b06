// Builders for GitHub Actions objects: the workflow and its runs.
import type { SandboxRun } from "../types.js";
import { iso, repoApiUrl, repoWebUrl, repository, user } from "./common.js";
import type { ShapeContext, UserRef } from "./common.js";
import { headCommit } from "./git.js";

export interface WorkflowModel {
  id: number;
  name: string;
  path: string;
  file: string;
  createdAt: number;
}

export function workflow(ctx: ShapeContext, w: WorkflowModel): Record<string, unknown> {
  return {
    id: w.id,
    node_id: Buffer.from(`W_${w.id}`).toString("base64"),
    name: w.name,
    path: w.path,
    state: "active",
    created_at: iso(w.createdAt),
    updated_at: iso(w.createdAt),
    url: `${repoApiUrl(ctx)}/actions/workflows/${w.id}`,
    html_url: `${repoWebUrl(ctx)}/blob/${ctx.repo.defaultBranch}/${w.path}`,
    badge_url: `${repoWebUrl(ctx)}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
  };
}

export function workflowRun(ctx: ShapeContext, run: SandboxRun, w: WorkflowModel, actor: UserRef): Record<string, unknown> {
  const api = repoApiUrl(ctx);
  const url = `${api}/actions/runs/${run.id}`;
  const headIndex = ctx.graph.indexOf(run.headSha);
  const checkSuiteId = 20_000_000_000 + run.id - 9_000_000_000;
  return {
    id: run.id,
    name: w.name,
    node_id: Buffer.from(`WFR_${run.id}`).toString("base64"),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: w.path,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: "workflow_dispatch",
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: w.id,
    check_suite_id: checkSuiteId,
    check_suite_node_id: Buffer.from(`CS_${checkSuiteId}`).toString("base64"),
    url,
    html_url: `${repoWebUrl(ctx)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: iso(run.dispatchedAt),
    updated_at: iso(run.completedAt ?? run.startedAt ?? run.dispatchedAt),
    actor: user(ctx, actor),
    run_attempt: run.attempt,
    referenced_workflows: [],
    run_started_at: iso(run.startedAt ?? run.dispatchedAt),
    triggering_actor: user(ctx, actor),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${api}/check-suites/${checkSuiteId}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: run.attempt > 1 ? `${url}/attempts/${run.attempt - 1}` : null,
    workflow_url: `${api}/actions/workflows/${w.id}`,
    head_commit: headIndex === undefined ? null : headCommit(ctx, headIndex),
    repository: repository(ctx),
    head_repository: repository(ctx),
  };
}
