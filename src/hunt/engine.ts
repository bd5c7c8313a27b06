// The hunt use cases: start, ticks, verdicts. Each reads stored state, decides with pure functions, and stores the
// new state with the GitHub writes it implies (dispatches, cancels, the comment edit) in the write outbox; only the
// write scheduler (src/outbox/) talks to GitHub for writes, so a webhook never waits for GitHub's write pacing.
import type { Logger } from "pino";
import type { Store } from "../db/client.js";
import { type HuntSnapshot, getHunt, loadSnapshot, recordEvent, updateHunt } from "../db/queries/hunts.js";
import { addFlakeEvidence } from "../db/queries/flakes.js";
import { type RunObservation, applyRunObservation, failWaitingRuns, getRun, insertRun, startWaitingRuns } from "../db/queries/runs.js";
import { enqueueWrite, markCommentDue } from "../db/queries/writes.js";
import type { Db } from "../db/client.js";
import type { HuntRow } from "../db/schema.js";
import type { GitHub, RepoRef } from "../github/client.js";
import { withLogContext } from "../observability/logging.js";
import { metrics } from "../observability/metrics.js";
import type { CommentUrgency } from "../outbox/requests.js";
import { percent } from "../render/index.js";
import type { SearchView } from "../search/types.js";
import type { HuntQueue } from "./queue.js";
import { type DispatchPlan, type DispatchRequest, planDispatch, readyToDeclare } from "./decide.js";
import { lookupFoundDetails } from "./found-details.js";
import { newRunToken } from "./runs.js";
import { analyzeHunt, isInFlight } from "./snapshot.js";

export interface HuntDeps {
  readonly store: Store;
  readonly queue: HuntQueue;
  readonly gh: GitHub;
  readonly log: Logger;
}

export interface ActOptions {
  /** How soon the comment should show what fn changed (see CommentUrgency); null when fn changes nothing it shows. */
  readonly urgency?: CommentUrgency | null;
}

/**
 * Runs a use case on one hunt under its lock, then schedules the comment edit that shows what got committed. Every
 * entry point goes through here, so each event is applied alone and the comment follows the state. The edit itself
 * is the write scheduler's: several events before it is written cost one edit.
 */
export async function actOnHunt<T>(deps: HuntDeps, huntId: number, fn: () => Promise<T>, options: ActOptions = {}): Promise<T> {
  return deps.queue.run(huntId, () =>
    withLogContext({ huntId }, async () => {
      const asked = options.urgency === undefined ? "progress" : options.urgency;
      const before = asked === null ? undefined : (await getHunt(deps.store.db, huntId))?.state;
      const value = await fn();
      if (asked !== null) {
        const hunt = await getHunt(deps.store.db, huntId);
        if (hunt) await markCommentDue(deps.store.db, hunt, commentUrgency(hunt, asked, before));
      }
      return value;
    }),
  );
}

/**
 * A hunt that just stopped searching or started again (found, failed, paused, cancelled, resumed) is what people
 * wait for, as are the first comment and a person's command (their callers ask for `now`); in manual mode each
 * verdict is, since the next tick depends on it. Auto-pilot's progress waits for its round, and so does a late
 * verdict on a hunt that already ended, or a run's news while the first comment is still being posted.
 */
export function commentUrgency(hunt: HuntRow, asked: CommentUrgency, stateBefore?: HuntRow["state"]): CommentUrgency {
  if (stateBefore !== undefined && stateBefore !== hunt.state) return "now";
  if (!hunt.autopilot && hunt.state === "searching" && asked === "progress") return "round";
  return asked;
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
  // The new state and the cancels it implies commit together.
  await deps.store.db.transaction(async (tx) => {
    await updateHunt(tx, hunt.id, { state: "failed", notice });
    await recordEvent(tx, hunt.id, "locate", "endpoint-check-failed", { end, tag: name, probability: end === "good" ? search.olderThanGood : search.badPasses });
    await addFlakeEvidence(tx, hunt.repoId, hunt.workflow, search.evidence);
    await cancelRunsInFlight(tx, snapshot);
  });
  deps.log.info({ huntId: hunt.id, end }, "an end of the range does not hold; hunt stopped");
}

/** Asks GitHub to cancel the hunt's runs it is still working on; returns how many. Runs not dispatched yet never will be. */
export async function cancelRunsInFlight(db: Db, snapshot: HuntSnapshot): Promise<number> {
  const { hunt } = snapshot;
  await failWaitingRuns(db, hunt.id, "not dispatched: the hunt ended");
  const inFlight = snapshot.runs.filter((run) => isInFlight(run) && run.runId !== null);
  for (const run of inFlight) {
    await enqueueWrite(db, { installationId: hunt.installationId, huntId: hunt.id, request: { kind: "cancel", repo: repoOf(hunt), runId: run.runId as number } });
  }
  return inFlight.length;
}

/**
 * Stores the plan's runs with their dispatches, in one transaction. The rows and tokens exist before any dispatch
 * call (`requested` may arrive before the call returns, §4); the scheduler makes the calls in order.
 */
async function dispatchVersions(deps: HuntDeps, snapshot: HuntSnapshot, plan: DispatchPlan): Promise<void> {
  const { hunt } = snapshot;
  const round = plan.positions.length + plan.waiting.length > 0 ? hunt.round + 1 : hunt.round;
  await deps.store.db.transaction(async (tx) => {
    if (round !== hunt.round) await updateHunt(tx, hunt.id, { round });
    const toDispatch = await startWaitingRuns(tx, plan.start);
    for (const position of plan.positions) {
      toDispatch.push(await insertRun(tx, { huntId: hunt.id, position, token: newRunToken(hunt.id), round, status: "dispatching" }));
    }
    for (const position of plan.waiting) {
      await insertRun(tx, { huntId: hunt.id, position, token: newRunToken(hunt.id), round, status: "waiting" });
    }
    for (const row of toDispatch) {
      await enqueueWrite(tx, { installationId: hunt.installationId, huntId: hunt.id, request: { kind: "dispatch", runRowId: row.id } });
    }
  });
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
  await deps.store.db.transaction(async (tx) => {
    await updateHunt(tx, hunt.id, {
      state: "found",
      notice,
      result: {
        compareUrl: compareUrl(hunt.repoUrl, lastGood.names[0] ?? lastGood.sha, firstBad.names[0] ?? firstBad.sha),
        probability: search.probability,
        ...details,
      },
    });
    await recordEvent(tx, hunt.id, "locate", "found", { firstBad: firstBad.names[0], lastGood: lastGood.names[0], probability: search.probability });
    await addFlakeEvidence(tx, hunt.repoId, hunt.workflow, search.evidence);
    await failWaitingRuns(tx, hunt.id, "not dispatched: the answer was found");
  });
  deps.log.info({ huntId: hunt.id, firstBad: firstBad.names[0], probability: search.probability }, "first bad version found");
}

/** Stores what a workflow_run event says about one of our runs; returns whether anything changed. */
export async function recordRunObservation(deps: HuntDeps, runRowId: number, seen: RunObservation): Promise<boolean> {
  // Re-read under the hunt's lock: the row the caller found may have changed while it waited.
  const row = await getRun(deps.store.db, runRowId);
  if (!row) return false;
  return metrics.countRunObservation(row, seen, await applyRunObservation(deps.store.db, row, seen));
}
