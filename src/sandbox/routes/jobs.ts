// Why a run failed (issue 14): a run's jobs with their steps, and the annotations of a job's check run.
import { notFound, ok, paginate } from "../http.js";
import type { RouteDef } from "../router.js";
import { runAnnotations, runIdOfCheckRun, runJobs } from "../shapes/jobs.js";
import type { World } from "../world.js";

export function jobRoutes(world: World): RouteDef[] {
  const engine = world.engine;
  const byId = (raw: string | undefined) => (raw && /^\d+$/.test(raw) ? Number(raw) : undefined);
  return [
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
      auth: "installation",
      handler: (req) => {
        const id = byId(req.params.run_id);
        const run = id === undefined ? undefined : engine.get(id);
        if (!run) return notFound();
        const jobs = runJobs(world, run, engine.workflow?.name ?? "locate");
        const page = paginate(jobs, req, world.api);
        return ok({ total_count: jobs.length, jobs: page.items }, 200, page.headers);
      },
    },
    {
      method: "GET",
      template: "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
      auth: "installation",
      handler: (req) => {
        const id = byId(req.params.check_run_id);
        const run = id === undefined ? undefined : engine.get(runIdOfCheckRun(id));
        if (!run || run.conclusion === "startup_failure") return notFound();
        const page = paginate(runAnnotations(world, run), req, world.api);
        return ok(page.items, 200, page.headers);
      },
    },
  ];
}
