// workflow_run webhooks: a run of ours was queued, started or finished; its conclusion becomes a verdict (§4).
import type { Context } from "probot";
import { getHunt } from "../db/queries/hunts.js";
import type { RunObservation } from "../db/queries/runs.js";
import { findRunByRunId, findRunByToken } from "../db/queries/runs.js";
import { actOnHunt, advanceHunt, recordRunObservation } from "../hunt/engine.js";
import { runStatusOf, tokenFromTitle, verdictOf } from "../hunt/runs.js";
import { alreadyCompleted, withRunReason } from "../hunt/verdict-reasons.js";
import { markIgnored } from "../observability/metrics.js";
import { type Runtime, depsOf } from "./runtime.js";

export function onWorkflowRun(runtime: Runtime) {
  return async (context: Context<"workflow_run">): Promise<void> => {
    const { workflow_run: run, repository, installation } = context.payload;
    const { db } = runtime.store;
    // By run id once known; before that by the token the workflow put in its run-name.
    const token = tokenFromTitle((run as { display_title?: string | null }).display_title);
    const row = (await findRunByRunId(db, run.id)) ?? (token ? await findRunByToken(db, token) : undefined);
    if (!row) {
      context.log.debug({ runId: run.id }, "workflow run is not one of Locate's");
      return markIgnored(context);
    }
    const hunt = await getHunt(db, row.huntId);
    if (!hunt || hunt.installationId !== installation?.id || hunt.repoId !== repository.id) {
      context.log.warn({ runId: run.id, huntId: row.huntId }, "workflow run matches a hunt of another installation or repository; ignored");
      return markIgnored(context);
    }
    const status = runStatusOf(run.status);
    const deps = depsOf(runtime, context);
    const attempt = run.run_attempt ?? 1;
    let seen: RunObservation = {
      runId: run.id,
      attempt,
      status,
      verdict: status === "completed" ? verdictOf(run.conclusion) : null,
      conclusion: run.conclusion ?? null,
      url: run.html_url,
    };
    // Why a run failed, read outside the hunt's lock, once per attempt (a redelivery costs nothing): issue 14.
    if (!alreadyCompleted(row, run.id, attempt)) seen = await withRunReason(deps.gh, hunt, seen, context.log);
    // A run that merely started is not worth a comment edit of its own, unless the comment has no link to it yet;
    // a verdict is progress, shown with the round's next edit (src/outbox/requests.ts, CommentUrgency).
    const shown = status === "completed" || (row.url === null && Boolean(run.html_url));
    await actOnHunt(deps, hunt.id, async () => {
      const changed = await recordRunObservation(deps, row.id, seen);
      // Only a verdict can change what the hunt does next; queued and running just update the comment.
      if (changed && status === "completed") await advanceHunt(deps, hunt.id);
    }, { urgency: shown ? "progress" : null });
  };
}
