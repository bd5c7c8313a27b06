// Carries out one stored GitHub write (issue 13). With src/outbox/scheduler.ts this is the only code that writes to
// GitHub: use cases decide and store, and what a write needs (the comment's text, a run's inputs) is read from the
// state as it is when the write is made, so a comment edit always shows the latest state.
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Store } from "../db/client.js";
import { findChildHunt, getHunt, getVersion, loadSnapshot, updateHunt } from "../db/queries/hunts.js";
import { markNotificationSent } from "../db/queries/notifications.js";
import { failWaitingRuns, getRun, markDispatchFailed, markDispatched } from "../db/queries/runs.js";
import { enqueueWrite, markCommentDue } from "../db/queries/writes.js";
import { type GitHubWriteRow, type HuntRow, hunts, runs } from "../db/schema.js";
import { type GitHub, type RepoRef, githubMessage, httpStatus, repoParams } from "../github/client.js";
import { createComment, reactSeen, updateComment } from "../github/comments.js";
import { WorkflowProblem, cancelRun, dispatchWorkflow, findRunByToken } from "../github/workflows.js";
import { cancelRunsInFlight, repoOf } from "../hunt/engine.js";
import { queueNotificationWhenDue } from "../hunt/notify.js";
import type { HuntQueue } from "../hunt/queue.js";
import { workflowProblemReply } from "../hunt/replies.js";
import { commentUrl, huntViewOf } from "../hunt/snapshot.js";
import { metrics } from "../observability/metrics.js";
import { type HuntView, renderHuntComment } from "../render/index.js";
import type { WriteRequest } from "./requests.js";

export interface WriteDeps {
  readonly store: Store;
  readonly queue: HuntQueue;
  readonly gh: GitHub;
  readonly log: Logger;
}

/** Makes the write; resolves to whether a request reached GitHub (an unchanged comment costs none). */
export async function performWrite(deps: WriteDeps, write: GitHubWriteRow): Promise<boolean> {
  const request = write.request;
  switch (request.kind) {
    case "comment":
      return writeHuntComment(deps, request.huntId);
    case "dispatch":
      return dispatchRun(deps, request.runRowId, write.attempts > 1);
    case "reply":
      return postReply(deps, request, write.attempts > 1);
    case "reaction":
      await reactSeen(deps.gh, request.repo, request.target);
      return true;
    case "cancel":
      await cancelRun(deps.gh, request.repo, request.runId);
      return true;
  }
}

/**
 * A write that failed for good (a 4xx other than a rate limit, or out of attempts): what the hunt should know.
 * A dispatch that never got through frees its version, which can be run again.
 */
export async function abandonWrite(deps: Pick<WriteDeps, "store" | "log">, write: GitHubWriteRow, error: unknown): Promise<void> {
  const request: WriteRequest = write.request;
  // A 👀 or a cancel that cannot be made changes nothing for the hunt; anything else is worth an operator's look.
  const level = request.kind === "reaction" || request.kind === "cancel" ? "warn" : "error";
  deps.log[level]({ err: error, writeId: write.id, kind: request.kind, huntId: write.huntId, status: httpStatus(error) }, "GitHub write abandoned");
  if (request.kind === "dispatch") {
    const row = await getRun(deps.store.db, request.runRowId);
    if (row?.status !== "dispatching") return;
    await markDispatchFailed(deps.store.db, row.id, "dispatch failed; tick the version again to retry");
    const hunt = await getHunt(deps.store.db, row.huntId);
    if (hunt) await markCommentDue(deps.store.db, hunt, "round");
  }
}

/**
 * Renders the hunt's comment from stored state and writes it when the text differs from what GitHub holds (the
 * stored copy, which a person's edit replaces); posts it again if it was deleted.
 */
async function writeHuntComment(deps: WriteDeps, huntId: number): Promise<boolean> {
  const { db } = deps.store;
  const snapshot = await loadSnapshot(db, huntId);
  if (!snapshot) return false;
  const { hunt } = snapshot;
  const body = renderHuntComment(huntViewOf(snapshot, undefined, await relatedLink(deps, hunt)));
  let commentId = hunt.commentId;
  let wrote = false;
  if (commentId === null || body !== hunt.commentBody) {
    try {
      if (commentId === null || (await updateComment(deps.gh, repoOf(hunt), commentId, body)) === "missing") {
        commentId = await createComment(deps.gh, repoOf(hunt), hunt.issueNumber, body);
      }
      wrote = true;
    } catch (error) {
      if (!(await issueGone(deps, hunt, error))) throw error;
      return true;
    }
    await db.update(hunts).set({ commentId }).where(eq(hunts.id, hunt.id));
    // What GitHub now holds, unless a person's edit was stored meanwhile: then the next write compares with theirs.
    await db
      .update(hunts)
      .set({ commentBody: body })
      .where(and(eq(hunts.id, hunt.id), hunt.commentBody === null ? isNull(hunts.commentBody) : eq(hunts.commentBody, hunt.commentBody)));
  }
  await queueNotificationWhenDue(db, snapshot, commentId); // issue 14: one comment mentioning the starter per end or wait
  return wrote;
}

/**
 * A locked (403 "…locked…") or deleted (404/410) issue cannot show the hunt any more: stop it rather than spend CI
 * unseen. Anything else is not this: the scheduler retries it.
 */
async function issueGone(deps: WriteDeps, hunt: HuntRow, error: unknown): Promise<boolean> {
  const status = httpStatus(error);
  const message = githubMessage(error);
  const locked = status === 403 && /locked/i.test(message);
  if (!locked && status !== 404 && status !== 410) return false;
  deps.log.warn({ huntId: hunt.id, issue: hunt.issueNumber, status, githubMessage: message }, "the hunt's issue cannot be written to; hunt failed");
  await deps.queue.run(hunt.id, async () => {
    const snapshot = await loadSnapshot(deps.store.db, hunt.id);
    if (!snapshot || (snapshot.hunt.state !== "searching" && snapshot.hunt.state !== "paused")) return;
    await deps.store.db.transaction(async (tx) => {
      await updateHunt(tx, hunt.id, { state: "failed", notice: `The issue could not be written to (HTTP ${status}).` });
      await cancelRunsInFlight(tx, snapshot);
    });
  });
  return true;
}

/** The commit-level hunt's comment for a tag-level hunt, and the other way round. */
async function relatedLink(deps: WriteDeps, hunt: HuntRow): Promise<HuntView["related"]> {
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

/**
 * Dispatches a stored run. A retry after a claim ran out (the process died around the call) first looks for a run
 * with the token, so a dispatch GitHub accepted is never made twice.
 */
async function dispatchRun(deps: WriteDeps, runRowId: number, retried: boolean): Promise<boolean> {
  const { db } = deps.store;
  const row = await getRun(db, runRowId);
  if (!row || row.status !== "dispatching" || row.runId !== null || !row.token) return false;
  const hunt = await getHunt(db, row.huntId);
  if (!hunt) return false;
  if (hunt.state !== "searching" && hunt.state !== "paused") {
    await markDispatchFailed(db, row.id, "not dispatched: the hunt ended");
    return false;
  }
  const version = await getVersion(db, hunt.id, row.position);
  if (!version) throw new Error(`hunt ${hunt.id}: run ${row.id} names a position outside the versions`);
  if (retried) {
    const found = await findRunByToken(deps.gh, repoOf(hunt), hunt.workflow, row.token, row.createdAt);
    if (found) {
      await markDispatched(db, row.id, { runId: found.id, url: found.url });
      return false;
    }
  }
  const inputs = { ...hunt.inputs, ref: version.sha, tag: version.names[0] ?? version.sha, locate_id: row.token };
  let result: Awaited<ReturnType<typeof dispatchWorkflow>>;
  try {
    result = await dispatchWorkflow(deps.gh, repoOf(hunt), { workflow: hunt.workflow, ref: hunt.dispatchRef, inputs });
  } catch (error) {
    if (!(error instanceof WorkflowProblem)) throw error;
    await rejectWorkflow(deps, hunt, error);
    return true;
  }
  await markDispatched(db, row.id, result);
  metrics.countDispatch();
  deps.log.info({ huntId: hunt.id, position: row.position, runId: result.runId }, "dispatched");
  // The round is on its way once its last dispatch is: one edit then shows all of its runs.
  const [another] = await db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.huntId, hunt.id), eq(runs.status, "dispatching"), ne(runs.id, row.id)))
    .limit(1);
  if (!another) await markCommentDue(db, hunt, "round");
  return true;
}

/** The workflow itself is wrong: every further dispatch would fail the same way, so the hunt pauses and says why. */
async function rejectWorkflow(deps: WriteDeps, hunt: HuntRow, problem: WorkflowProblem): Promise<void> {
  const { db } = deps.store;
  await deps.queue.run(hunt.id, () =>
    db.transaction(async (tx) => {
      await tx
        .update(runs)
        .set({ status: "error", note: "not dispatched: the workflow was rejected", updatedAt: sql`now()` })
        .where(and(eq(runs.huntId, hunt.id), eq(runs.status, "dispatching")));
      await failWaitingRuns(tx, hunt.id, "not dispatched: the workflow was rejected");
      await updateHunt(tx, hunt.id, { state: "paused", notice: `GitHub rejected the workflow \`${hunt.workflow}\`: ${problem.githubMessage}` });
      await enqueueWrite(tx, {
        installationId: hunt.installationId,
        huntId: hunt.id,
        request: { kind: "reply", repo: repoOf(hunt), issueNumber: hunt.issueNumber, body: workflowProblemReply(hunt.workflow, hunt.dispatchRef, problem) },
      });
      await markCommentDue(tx, hunt, "now");
    }),
  );
  deps.log.warn({ huntId: hunt.id, status: problem.status }, "the workflow was rejected; hunt paused");
}

/** A new comment. A notification retried after its claim ran out looks for its marker first: it is posted once. */
async function postReply(deps: WriteDeps, request: Extract<WriteRequest, { kind: "reply" }>, retried: boolean): Promise<boolean> {
  const { db } = deps.store;
  if (retried && request.marker) {
    const posted = await findMarkedComment(deps.gh, request.repo, request.issueNumber, request.marker);
    if (posted !== null) {
      if (request.notificationId !== undefined) await markNotificationSent(db, request.notificationId, posted);
      return false;
    }
  }
  const id = await createComment(deps.gh, request.repo, request.issueNumber, request.body);
  if (request.notificationId !== undefined) await markNotificationSent(db, request.notificationId, id);
  return true;
}

async function findMarkedComment(gh: GitHub, repo: RepoRef, issueNumber: number, marker: string): Promise<number | null> {
  // The newest comments are the ones to look at: a marker is only ever on a recent comment of Locate's.
  const since = new Date(Date.now() - 24 * 3600_000).toISOString();
  const { data } = await gh.rest.issues.listComments({ ...repoParams(repo), issue_number: issueNumber, since, per_page: 100 });
  return data.find((comment) => comment.body?.includes(marker))?.id ?? null;
}
