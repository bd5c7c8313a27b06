// The hunt use cases: start, ticks, verdicts. Each reads stored state, decides with pure functions, then applies
// the side effects (dispatches, the comment) from committed state, so a crash between steps loses nothing.
import type { Logger } from "pino";
import type { Store } from "../db/client.js";
import { type HuntSnapshot, findChildHunt, getHunt, loadSnapshot, recordEvent, updateHunt } from "../db/queries/hunts.js";
import { addFlakeEvidence } from "../db/queries/flakes.js";
import {
  type RunObservation,
  applyRunObservation,
  failWaitingRuns,
  getRun,
  insertRun,
  markDispatchFailed,
  markDispatched,
  startWaitingRuns,
} from "../db/queries/runs.js";
import type { HuntRow } from "../db/schema.js";
import { type GitHub, type RepoRef, githubMessage, httpStatus } from "../github/client.js";
import { createComment, updateComment } from "../github/comments.js";
import { WorkflowProblem, cancelRun, dispatchWorkflow } from "../github/workflows.js";
import { withLogContext } from "../observability/logging.js";
import { metrics } from "../observability/metrics.js";
import { type HuntView, percent, renderHuntComment } from "../render/index.js";
import type { SearchView } from "../search/types.js";
import type { HuntQueue } from "./queue.js";
import { type DispatchPlan, type DispatchRequest, planDispatch, readyToDeclare } from "./decide.js";
import { lookupFoundDetails } from "./found-details.js";
import { notifyWhenDue } from "./notify.js";
import { workflowProblemReply } from "./replies.js";
import { newRunToken } from "./runs.js";
import { analyzeHunt, commentUrl, huntViewOf, isInFlight } from "./snapshot.js";

export interface HuntDeps {
  readonly store: Store;
  readonly queue: HuntQueue;
  readonly gh: GitHub;
  readonly log: Logger;
}

/**
 * Runs a use case on one hunt under its lock, then brings the comment up to date from what got committed.
 * Every entry point goes through here, so each event is applied alone and the comment follows the state.
 * `render: false` is for events the comment need not show at once (a run started): the next render includes them.
 */
export async function actOnHunt<T>(deps: HuntDeps, huntId: number, fn: () => Promise<T>, options: { render?: boolean } = {}): Promise<T> {
  if (options.render === false) return deps.queue.run(huntId, () => withLogContext({ huntId }, fn));
  let rendered = false;
  const result = await deps.queue.run(huntId, () =>
    withLogContext({ huntId }, async () => {
      const value = await fn();
      // Nothing waits behind this event: render now, under the lock already held, instead of queueing a render
      // that takes the lock again. When events are waiting, one coalesced render after them does for all.
      if (deps.queue.waiting(huntId) === 0) {
        await refreshComment(deps, huntId);
        rendered = true;
      }
      return value;
    }),
  );
  if (!rendered) await deps.queue.render(huntId, () => withLogContext({ huntId }, () => refreshComment(deps, huntId)));
  return result;
}

const FOUND_COMMITS_SHOWN = 30;

export function repoOf(hunt: HuntRow): RepoRef {
  return { owner: hunt.owner, repo: hunt.repo };
}

function isActive(hunt: HuntRow): boolean {
  return hunt.state === "searching" || hunt.state === "paused";
}

/**
 * Moves a hunt forward from its stored state: names the answer (or stops on an end) once the search is done, and
 * dispatches what waiting runs, ticks, a retry or auto-pilot ask for. Callers hold the hunt's lock (see actOnHunt).
 */
export async function advanceHunt(deps: HuntDeps, huntId: number, options: DispatchRequest = {}): Promise<void> {
  const { db } = deps.store;
  const snapshot = await loadSnapshot(db, huntId);
  if (!snapshot) return;
  if (!isActive(snapshot.hunt)) return;
  const search = analyzeHunt(snapshot);
  if (readyToDeclare(snapshot, search)) {
    if (search.outcome === "older-than-good" || search.outcome === "bad-passes") await failOnEnd(deps, snapshot, search);
    else await declareFound(deps, snapshot, search);
    return;
  }
  const plan = planDispatch(snapshot, search, options);
  if (plan.start.length + plan.positions.length + plan.waiting.length > 0) await dispatchVersions(deps, snapshot, plan);
  if (plan.budgetExhausted && !search.done) {
    await updateHunt(db, huntId, {
      state: "paused",
      notice:
        `The budget of ${snapshot.hunt.maxRuns} runs is used up. ${bestAnswerSoFar(snapshot, search)} ` +
        "Raise `max-runs` in .github/locate.yml, or give verdicts by hand with `/locate good <tag>` / `/locate bad <tag>`.",
    });
  }
}

function bestAnswerSoFar(snapshot: HuntSnapshot, search: SearchView): string {
  const position = search.possibleFirstBad[0];
  const name = position === undefined ? null : (snapshot.versions[position]?.names[0] ?? null);
  if (name === null) return "";
  return `The most likely first bad version so far is ${name} (${percent(search.probability)}).`;
}

/**
 * The evidence says the range cannot hold the answer: the good end fails too, or the bad end passes. Stop spending
 * CI and say which end, why, and how sure.
 */
async function failOnEnd(deps: HuntDeps, snapshot: HuntSnapshot, search: SearchView): Promise<void> {
  const { hunt, versions } = snapshot;
  const end = search.outcome === "older-than-good" ? "good" : "bad";
  const name = (end === "good" ? versions[0] : versions[versions.length - 1])?.names[0] ?? "?";
  const sure = percent(end === "good" ? search.olderThanGood : search.badPasses);
  const notice =
    end === "good"
      ? `The good end ${name} fails too (${sure} sure, from the runs of the versions near it), so the regression is older than this range, or the reproduction fails everywhere. Start again from an older good tag.`
      : `The bad end ${name} passes (${sure} sure, from the runs of the versions near it), so the reproduction does not show the bug in this range. Check the workflow, or start again with a bad tag that fails.`;
  await updateHunt(deps.store.db, hunt.id, { state: "failed", notice });
  await recordEvent(deps.store.db, hunt.id, "locate", "endpoint-check-failed", { end, tag: name, probability: end === "good" ? search.olderThanGood : search.badPasses });
  await addFlakeEvidence(deps.store.db, hunt.repoId, hunt.workflow, search.evidence);
  await cancelRunsInFlight(deps, snapshot);
  deps.log.info({ huntId: hunt.id, end }, "an end of the range does not hold; hunt stopped");
}

/** Cancels the hunt's runs that GitHub is still working on; returns how many were asked to stop. */
export async function cancelRunsInFlight(deps: HuntDeps, snapshot: HuntSnapshot): Promise<number> {
  await failWaitingRuns(deps.store.db, snapshot.hunt.id, "not dispatched: the hunt ended");
  const inFlight = snapshot.runs.filter((run) => isInFlight(run) && run.runId !== null);
  for (const run of inFlight) await cancelRun(deps.gh, repoOf(snapshot.hunt), run.runId as number);
  return inFlight.length;
}

/**
 * Stores the plan's runs, then dispatches the ones that fit. Rows and tokens are committed before any dispatch call:
 * `requested` may arrive before the call returns (§4), and a crash in between is repaired by the reconciler.
 */
async function dispatchVersions(deps: HuntDeps, snapshot: HuntSnapshot, plan: DispatchPlan): Promise<void> {
  const { db } = deps.store;
  const { hunt } = snapshot;
  const round = plan.positions.length + plan.waiting.length > 0 ? hunt.round + 1 : hunt.round;
  const rows = await db.transaction(async (tx) => {
    if (round !== hunt.round) await updateHunt(tx, hunt.id, { round });
    const toDispatch = await startWaitingRuns(tx, plan.start);
    for (const position of plan.positions) {
      toDispatch.push(await insertRun(tx, { huntId: hunt.id, position, token: newRunToken(hunt.id), round, status: "dispatching" }));
    }
    for (const position of plan.waiting) {
      await insertRun(tx, { huntId: hunt.id, position, token: newRunToken(hunt.id), round, status: "waiting" });
    }
    return toDispatch;
  });
  for (const [index, row] of rows.entries()) {
    const version = snapshot.versions[row.position];
    if (!version || !row.token) continue;
    const inputs = { ...hunt.inputs, ref: version.sha, tag: version.names[0] ?? version.sha, locate_id: row.token };
    try {
      const result = await dispatchWorkflow(deps.gh, repoOf(hunt), { workflow: hunt.workflow, ref: hunt.dispatchRef, inputs });
      await markDispatched(db, row.id, result);
      metrics.countDispatch();
      deps.log.info({ huntId: hunt.id, position: row.position, runId: result.runId }, "dispatched");
    } catch (error) {
      if (error instanceof WorkflowProblem) {
        // The workflow itself is wrong: every further dispatch would fail the same way, so stop and explain.
        for (const later of rows.slice(index)) await markDispatchFailed(db, later.id, "not dispatched: the workflow was rejected");
        await failWaitingRuns(db, hunt.id, "not dispatched: the workflow was rejected");
        await updateHunt(db, hunt.id, { state: "paused", notice: `GitHub rejected the workflow \`${hunt.workflow}\`: ${error.githubMessage}` });
        await createComment(deps.gh, repoOf(hunt), hunt.issueNumber, workflowProblemReply(hunt.workflow, hunt.dispatchRef, error));
        return;
      }
      deps.log.error({ err: error, huntId: hunt.id, position: row.position }, "dispatch failed");
      await markDispatchFailed(db, row.id, "dispatch failed; tick the version again to retry");
    }
  }
}

function compareUrl(repoUrl: string, base: string, head: string): string {
  // Tag names keep `/` and `@` readable in the URL; everything else that could break it is encoded.
  const part = (name: string) => encodeURIComponent(name).replace(/%2F/gi, "/").replace(/%40/gi, "@");
  return `${repoUrl}/compare/${part(base)}...${part(head)}`;
}

async function declareFound(deps: HuntDeps, snapshot: HuntSnapshot, search: SearchView): Promise<void> {
  const { hunt, versions } = snapshot;
  const lastGood = versions[search.lastGood];
  const firstBad = versions[search.firstBad];
  if (!lastGood || !firstBad) throw new Error(`hunt ${hunt.id}: search positions outside the versions`);
  // Issue 14: the commits and the pull request are optional lookups; GitHub refusing them leaves a note, not a failure.
  const details = await lookupFoundDetails(deps, hunt, lastGood.sha, firstBad.sha, FOUND_COMMITS_SHOWN);
  // `stuck`: only versions that never gave a verdict separate the possibilities; the answer says how sure it is.
  const notice =
    search.outcome === "stuck"
      ? `No run can make this surer: the versions that could tell the possibilities apart gave no verdict. The answer is ${percent(search.probability)} likely; \`/locate retry <tag>\` or a verdict by hand can settle it.`
      : null;
  await updateHunt(deps.store.db, hunt.id, {
    state: "found",
    notice,
    result: {
      compareUrl: compareUrl(hunt.repoUrl, lastGood.names[0] ?? lastGood.sha, firstBad.names[0] ?? firstBad.sha),
      probability: search.probability,
      ...details,
    },
  });
  await recordEvent(deps.store.db, hunt.id, "locate", "found", { firstBad: firstBad.names[0], lastGood: lastGood.names[0], probability: search.probability });
  await addFlakeEvidence(deps.store.db, hunt.repoId, hunt.workflow, search.evidence);
  await failWaitingRuns(deps.store.db, hunt.id, "not dispatched: the answer was found");
  deps.log.info({ huntId: hunt.id, firstBad: firstBad.names[0], probability: search.probability }, "first bad version found");
}

/**
 * Renders the comment from stored state and writes it only when the text differs from what GitHub has (the
 * stored copy, which a human edit replaces); recreates it if it was deleted.
 */
export async function refreshComment(deps: HuntDeps, huntId: number): Promise<void> {
  const snapshot = await loadSnapshot(deps.store.db, huntId);
  if (!snapshot) return;
  const { hunt } = snapshot;
  const body = renderHuntComment(huntViewOf(snapshot, undefined, await relatedLink(deps, hunt)));
  let commentId = hunt.commentId;
  if (commentId !== null && body === hunt.commentBody) return notifyWhenDue(deps, snapshot, commentId); // issue 14
  try {
    if (commentId === null || (await updateComment(deps.gh, repoOf(hunt), commentId, body)) === "missing") {
      commentId = await createComment(deps.gh, repoOf(hunt), hunt.issueNumber, body);
    }
  } catch (error) {
    const status = httpStatus(error);
    const message = githubMessage(error);
    // A locked (403 "…locked…") or deleted (404/410) issue cannot show the hunt any more: stop it rather than spend
    // CI unseen. Anything else, rate limits included, is thrown: the next event or reconciler pass renders again.
    const locked = status === 403 && /locked/i.test(message);
    if (!locked && status !== 404 && status !== 410) throw error;
    deps.log.warn({ huntId: hunt.id, issue: hunt.issueNumber, status, githubMessage: message }, "the hunt's issue cannot be written to; hunt failed");
    if (isActive(hunt)) {
      await updateHunt(deps.store.db, hunt.id, { state: "failed", notice: `The issue could not be written to (HTTP ${status}).` });
      await cancelRunsInFlight(deps, snapshot);
    }
    return;
  }
  await updateHunt(deps.store.db, hunt.id, { commentId, commentBody: body });
  await notifyWhenDue(deps, snapshot, commentId); // issue 14: one comment mentioning the starter per end or wait
}

/** The commit-level hunt's comment for a tag-level hunt, and the other way round. */
async function relatedLink(deps: HuntDeps, hunt: HuntRow): Promise<HuntView["related"]> {
  // Only a found tag-level hunt can have a drill-down: no query for the rest.
  if (hunt.parentHuntId === null && (hunt.state !== "found" || hunt.mode !== "tags")) return null;
  if (hunt.parentHuntId !== null) {
    const parent = await getHunt(deps.store.db, hunt.parentHuntId);
    const url = parent ? commentUrl(parent) : null;
    return url ? { label: "Drill-down of the tag-level hunt", url } : null;
  }
  const child = await findChildHunt(deps.store.db, hunt.id);
  const url = child ? commentUrl(child) : null;
  return url ? { label: "Commit-level hunt between these two tags", url } : null;
}

/** Stores what a workflow_run event says about one of our runs; returns whether anything changed. */
export async function recordRunObservation(deps: HuntDeps, runRowId: number, seen: RunObservation): Promise<boolean> {
  // Re-read under the hunt's lock: the row the caller found may have changed while it waited.
  const row = await getRun(deps.store.db, runRowId);
  if (!row) return false;
  return metrics.countRunObservation(row, seen, await applyRunObservation(deps.store.db, row, seen));
}
