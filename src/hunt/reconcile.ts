// The reconciler (§8 "Durable"): asks GitHub about runs in flight whose webhooks may have been missed, gives up on
// runs past `timeout-minutes`, and repairs dispatches a crash interrupted. Runs at start-up, periodically, and on
// `/locate status`.
import type { Logger } from "pino";
import { eq, gt, inArray, or, sql } from "drizzle-orm";
import type { Store } from "../db/client.js";
import { pruneDeliveries } from "../db/queries/deliveries.js";
import { ACTIVE_STATES, type HuntSnapshot, loadSnapshot } from "../db/queries/hunts.js";
import { type RunObservation, applyRunObservation, markDispatchFailed, markInconclusive } from "../db/queries/runs.js";
import { githubWrites, hunts, runs } from "../db/schema.js";
import type { RunRow } from "../db/schema.js";
import type { GitHub } from "../github/client.js";
import { type RunInfo, findRunByToken, getRun } from "../github/workflows.js";
import { metrics } from "../observability/metrics.js";
import { type HuntDeps, actOnHunt, advanceHunt, repoOf } from "./engine.js";
import type { HuntQueue } from "./queue.js";
import { runStatusOf, verdictOf } from "./runs.js";
import { isInFlight } from "./snapshot.js";
import { withRunReason } from "./verdict-reasons.js";

/** By default a dispatch still unconfirmed after two minutes was interrupted (its process died around the call). */
export const DEFAULT_DISPATCH_GRACE_MS = 2 * 60_000;

/** How far back the reconciler re-renders hunts that are no longer active. */
const RECENT = sql`interval '2 hours'`;

function observationOf(run: RunInfo): RunObservation {
  const status = runStatusOf(run.status);
  return {
    runId: run.id,
    attempt: run.attempt,
    status,
    verdict: status === "completed" ? verdictOf(run.conclusion) : null,
    conclusion: run.conclusion,
    url: run.url,
  };
}

async function reconcileRun(deps: HuntDeps, snapshot: HuntSnapshot, row: RunRow, now: Date, dispatchGraceMs: number, quietMs: number): Promise<boolean> {
  const { hunt } = snapshot;
  const repo = repoOf(hunt);
  const age = now.getTime() - row.createdAt.getTime();
  // A dispatch still waiting in the outbox (behind the installation's pace) has no run to look for yet.
  if (row.status === "dispatching" && (await dispatchWaiting(deps.store.db, row.id))) return false;
  let run: RunInfo | null = null;
  // A run whose webhooks keep arriving needs no polling: only runs quiet for a while cost a request.
  const quiet = now.getTime() - row.updatedAt.getTime() >= quietMs;
  if (quiet && row.runId !== null) run = await getRun(deps.gh, repo, row.runId);
  else if (quiet && row.token) run = await findRunByToken(deps.gh, repo, hunt.workflow, row.token, row.createdAt);
  if (run) {
    // A run found finished by polling gets its reason too (issue 14); only in-flight rows get here, so once per attempt.
    const seen = await withRunReason(deps.gh, hunt, observationOf(run), deps.log);
    if (metrics.countRunObservation(row, seen, await applyRunObservation(deps.store.db, row, seen))) return true;
  } else if (quiet && row.status === "dispatching" && age > dispatchGraceMs) {
    // No run carries the token: the dispatch never reached GitHub. The version counts as untested again.
    await markDispatchFailed(deps.store.db, row.id, "dispatch was interrupted; the version can be run again");
    return true;
  }
  if (age > hunt.timeoutMinutes * 60_000) {
    await markInconclusive(deps.store.db, row.id, "locate_timeout", `no verdict after ${hunt.timeoutMinutes} minutes`);
    metrics.countVerdict("inconclusive");
    return true;
  }
  return false;
}

/** The run's dispatch is still in the outbox: not interrupted, just not made yet. */
async function dispatchWaiting(db: Store["db"], runRowId: number): Promise<boolean> {
  const [row] = await db.select({ id: githubWrites.id }).from(githubWrites).where(eq(githubWrites.key, `dispatch:${runRowId}`));
  return row !== undefined;
}

/**
 * Polls the hunt's runs in flight that heard nothing for `quietMs` (all of them for `/locate status`, where quietMs
 * is 0); returns how many changed. Callers hold the hunt's lock.
 */
export async function reconcileRuns(
  deps: HuntDeps,
  snapshot: HuntSnapshot,
  now = new Date(),
  dispatchGraceMs = DEFAULT_DISPATCH_GRACE_MS,
  quietMs = 0,
): Promise<number> {
  let changed = 0;
  for (const row of snapshot.runs) {
    if (isInFlight(row) && (await reconcileRun(deps, snapshot, row, now, dispatchGraceMs, quietMs))) changed++;
  }
  return changed;
}

export interface ReconcilerDeps {
  readonly store: Store;
  readonly queue: HuntQueue;
  readonly log: Logger;
  /** An Octokit authenticated as the installation. */
  readonly authFor: (installationId: number) => Promise<GitHub>;
  /** How long a dispatch may stay unconfirmed before it counts as interrupted. */
  readonly dispatchGraceMs?: number;
  /** Runs that heard from GitHub more recently than this are not polled (default: none are skipped). */
  readonly quietMs?: number;
}

/**
 * One pass over every active hunt: runs in flight are checked against GitHub, and every hunt is advanced and its
 * comment scheduled (written only if its text changed), which repairs a process that died after committing a
 * verdict but before acting on it.
 */
export async function reconcileAll(deps: ReconcilerDeps, now = new Date()): Promise<{ hunts: number; changed: number }> {
  const { db } = deps.store;
  await pruneDeliveries(db);
  // Active hunts, and hunts that changed lately: a process that died between storing "found" (or a late verdict)
  // and editing the comment leaves a stale comment that only a render can fix.
  const rows = await db
    .select({ id: hunts.id, installationId: hunts.installationId, commentId: hunts.commentId })
    .from(hunts)
    .where(
      or(
        inArray(hunts.state, [...ACTIVE_STATES]),
        gt(hunts.updatedAt, sql`now() - ${RECENT}`),
        sql`exists (select 1 from ${runs} where ${runs.huntId} = ${hunts.id} and ${runs.updatedAt} > now() - ${RECENT})`,
      ),
    );
  let changed = 0;
  for (const { id, installationId, commentId } of rows) {
    try {
      const gh = await deps.authFor(installationId);
      const huntDeps: HuntDeps = { store: deps.store, queue: deps.queue, gh, log: deps.log.child({ huntId: id }) };
      changed += await actOnHunt(huntDeps, id, async () => {
        const snapshot = await loadSnapshot(db, id);
        if (!snapshot) return 0;
        const count = await reconcileRuns(huntDeps, snapshot, now, deps.dispatchGraceMs, deps.quietMs);
        await advanceHunt(huntDeps, id);
        return count;
        // A hunt whose first comment was never scheduled (a process died right after storing it) gets it at once.
      }, { urgency: commentId === null ? "now" : "progress" });
    } catch (error) {
      deps.log.error({ err: error, huntId: id }, "reconciling the hunt failed; the next pass retries");
    }
  }
  if (changed > 0) deps.log.info({ hunts: rows.length, changed }, "reconciler applied missed run updates");
  metrics.countReconcilerPass(changed);
  return { hunts: rows.length, changed };
}

/** Runs reconcileAll now and then every `intervalMs`, one pass at a time; `stop()` ends it. */
export function startReconciler(deps: ReconcilerDeps, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const pass = () => {
    if (busy) return;
    busy = true;
    running = reconcileAll(deps)
      .catch((error: unknown) => deps.log.error({ err: error }, "reconciler pass failed"))
      .finally(() => {
        busy = false;
      });
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
