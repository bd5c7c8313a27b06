// The reconciler (§8 "Durable"): asks GitHub about runs in flight, for when their webhooks were missed.
import type { HuntSnapshot } from "../db/queries/hunts.js";
import { applyRunObservation } from "../db/queries/runs.js";
import { getRun } from "../github/workflows.js";
import type { HuntDeps } from "./engine.js";
import { repoOf } from "./engine.js";
import { runStatusOf, verdictOf } from "./runs.js";
import { isInFlight } from "./snapshot.js";

/** Polls every run of the hunt that is in flight and has a run id; returns how many changed. */
export async function reconcileRuns(deps: HuntDeps, snapshot: HuntSnapshot): Promise<number> {
  let changed = 0;
  for (const row of snapshot.runs) {
    if (!isInFlight(row) || row.runId === null) continue;
    const run = await getRun(deps.gh, repoOf(snapshot.hunt), row.runId);
    if (!run) continue;
    const status = runStatusOf(run.status);
    const applied = await applyRunObservation(deps.store.db, row, {
      runId: run.id,
      attempt: run.attempt,
      status,
      verdict: status === "completed" ? verdictOf(run.conclusion) : null,
      conclusion: run.conclusion,
      url: run.url,
    });
    if (applied) changed++;
  }
  return changed;
}
