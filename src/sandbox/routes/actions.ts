// GitHub Actions endpoints: workflow dispatch (both GHES behaviours), run lookup, run lists with filters, and cancel.
import { error, notFound, ok, paginate } from "../http.js";
import type { ApiRequest, ApiResponse, RouteDef } from "../router.js";
import { workflowRun } from "../shapes/actions.js";
import { repoApiUrl, repoWebUrl } from "../shapes/common.js";
import type { SandboxRun } from "../types.js";
import type { World } from "../world.js";

export function actionRoutes(world: World): RouteDef[] {
  const engine = world.engine;
  const runShape = (run: SandboxRun) => workflowRun(world, run, engine.workflow!, world.user(run.actor));

  const list = (req: ApiRequest, workflowId: number | undefined): ApiResponse => {
    const filter = runFilter(req.query);
    if (typeof filter === "string") return error(422, filter);
    const runs = engine.runs
      .filter((r) => workflowId === undefined || r.workflowId === workflowId)
      .filter(filter)
      .sort((a, b) => b.dispatchedAt - a.dispatchedAt || b.id - a.id);
    const page = paginate(runs, req, world.api);
    return ok({ total_count: runs.length, workflow_runs: page.items.map(runShape) }, 200, page.headers);
  };

  return [
    {
      method: "POST",
      template: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      auth: "installation",
      handler: (req) => {
        const body = req.body as { ref: string; inputs?: Record<string, unknown>; return_run_details?: boolean };
        // Older GHES has no such field and its schema check rejects unknown keys.
        if (world.dispatchMode === "legacy" && "return_run_details" in body) {
          return error(422, 'Invalid request.\n\n"return_run_details" is not a permitted key.');
        }
        const result = engine.dispatch(req.params.workflow_id!, body.ref, body.inputs, world.botLogin);
        if (!result.ok) return error(result.status, result.message);
        if (world.dispatchMode === "details" && body.return_run_details === true) {
          result.run.returnedToCaller = true;
          return ok({
            workflow_run_id: result.run.id,
            run_url: `${repoApiUrl(world)}/actions/runs/${result.run.id}`,
            html_url: `${repoWebUrl(world)}/actions/runs/${result.run.id}`,
          });
        }
        return { status: 204 };
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/actions/runs/{run_id}",
      auth: "installation",
      handler: (req) => {
        const run = /^\d+$/.test(req.params.run_id!) ? engine.get(Number(req.params.run_id)) : undefined;
        return run ? ok(runShape(run)) : notFound();
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
      auth: "installation",
      handler: (req) => {
        const w = engine.findWorkflow(req.params.workflow_id!);
        return w ? list(req, w.id) : notFound();
      },
    },
    { method: "GET", template: "/repos/{owner}/{repo}/actions/runs", auth: "installation", handler: (req) => list(req, undefined) },
    {
      method: "POST",
      template: "/repos/{owner}/{repo}/actions/runs/{run_id}/cancel",
      auth: "installation",
      handler: (req) => {
        const status = /^\d+$/.test(req.params.run_id!) ? engine.cancel(Number(req.params.run_id)) : 404;
        if (status === 404) return notFound();
        if (status === 409) return error(409, "Cannot cancel a workflow run that is completed.");
        return ok({}, 202);
      },
    },
  ];
}

type RunPredicate = (run: SandboxRun) => boolean;

/** Returns a predicate, or an error message for a filter GitHub would reject. */
export function runFilter(query: URLSearchParams): RunPredicate | string {
  const checks: RunPredicate[] = [];
  const actor = query.get("actor");
  if (actor) checks.push((r) => r.actor === actor);
  const branch = query.get("branch");
  if (branch) checks.push((r) => r.headBranch === branch);
  const event = query.get("event");
  if (event) checks.push(() => event === "workflow_dispatch");
  const headSha = query.get("head_sha");
  if (headSha) checks.push((r) => r.headSha === headSha);
  const status = query.get("status");
  if (status) checks.push((r) => r.status === status || r.conclusion === status);
  const created = query.get("created");
  if (created) {
    const range = createdRange(created);
    if (!range) return `Invalid value for 'created': ${created}`;
    checks.push((r) => r.dispatchedAt >= range.from && r.dispatchedAt <= range.to);
  }
  return (run) => checks.every((c) => c(run));
}

/** GitHub's search date syntax: `2024-01-01`, `>=…`, `>…`, `<=…`, `<…`, `a..b`, `*..b`, `a..*`; a bare date covers its whole day. */
export function createdRange(expr: string): { from: number; to: number } | undefined {
  const bound = (text: string): { start: number; end: number } | undefined => {
    if (text === "*") return { start: -Infinity, end: Infinity };
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
    const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
    if (Number.isNaN(ms)) return undefined;
    return { start: ms, end: dateOnly ? ms + 86_400_000 - 1 : ms };
  };
  const range = /^(.+?)\.\.(.+)$/.exec(expr);
  if (range) {
    const a = bound(range[1]!);
    const b = bound(range[2]!);
    return a && b ? { from: a.start, to: b.end } : undefined;
  }
  const op = /^(>=|<=|>|<)?(.+)$/.exec(expr)!;
  const b = bound(op[2]!);
  if (!b) return undefined;
  switch (op[1]) {
    case ">=":
      return { from: b.start, to: Infinity };
    case ">":
      return { from: b.end + 1, to: Infinity };
    case "<=":
      return { from: -Infinity, to: b.end };
    case "<":
      return { from: -Infinity, to: b.start - 1 };
    default:
      return { from: b.start, to: b.end };
  }
}
