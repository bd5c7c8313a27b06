// Queries on runs: dispatch bookkeeping and verdicts, idempotent per run attempt (§4, §8).
import { and, eq, inArray, sql } from "drizzle-orm";
import type { RunReason } from "../../hunt/verdict-reasons.js";
import type { Verdict } from "../../search/types.js";
import type { Db } from "../client.js";
import { type RunRow, runs } from "../schema.js";

const NEXT_VERDICT_SEQ = sql`nextval('verdict_seq')`;

export async function insertRun(
  db: Db,
  run: { huntId: number; position: number; token: string | null; round: number; status: RunRow["status"]; manualBy?: string; note?: string | null; verdict?: Verdict },
): Promise<RunRow> {
  const [row] = await db
    .insert(runs)
    .values({
      ...run,
      manualBy: run.manualBy ?? null,
      note: run.note ?? null,
      verdict: run.verdict ?? null,
      verdictSeq: run.verdict ? NEXT_VERDICT_SEQ : null,
    })
    .returning();
  if (!row) throw new Error("insert into runs returned no row");
  return row;
}

export async function getRun(db: Db, id: number): Promise<RunRow | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.id, id));
  return row;
}

export async function findRunByRunId(db: Db, runId: number): Promise<RunRow | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.runId, runId));
  return row;
}

export async function findRunByToken(db: Db, token: string): Promise<RunRow | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.token, token));
  return row;
}

/** After the dispatch call returned: never moves a run backwards if its webhook already arrived. */
export async function markDispatched(db: Db, id: number, result: { runId: number | null; url: string | null }) {
  await db
    .update(runs)
    .set({
      status: sql`case when ${runs.status} = 'dispatching' then 'queued' else ${runs.status} end`,
      runId: sql`coalesce(${runs.runId}, ${result.runId})`,
      url: sql`coalesce(${runs.url}, ${result.url})`,
      updatedAt: sql`now()`,
    })
    .where(eq(runs.id, id));
}

export async function markDispatchFailed(db: Db, id: number, note: string) {
  await db.update(runs).set({ status: "error", note, updatedAt: sql`now()` }).where(eq(runs.id, id));
}

export interface RunObservation {
  readonly runId: number;
  readonly attempt: number;
  readonly status: "queued" | "running" | "completed";
  /** Set when status is completed. */
  readonly verdict: Verdict | null;
  readonly conclusion: string | null;
  readonly url: string | null;
  /** Why a completed run failed or was inconclusive, when it was read (issue 14). */
  readonly reason?: RunReason | null;
}

const STATUS_RANK = { error: 0, waiting: 0, dispatching: 0, queued: 1, running: 2, completed: 3 } as const;

/**
 * Applies what GitHub says about a run. Returns false when it changes nothing: a duplicate, an older attempt,
 * or a status that would move the run backwards (in_progress arriving after completed).
 */
export async function applyRunObservation(db: Db, row: RunRow, seen: RunObservation): Promise<boolean> {
  if (row.runId !== null && row.runId !== seen.runId) return false;
  if (row.runId !== null && seen.attempt < row.attempt) return false;
  const newerAttempt = row.runId !== null && seen.attempt > row.attempt;
  const forward = newerAttempt || STATUS_RANK[seen.status] > STATUS_RANK[row.status];
  if (!forward) {
    // Nothing new about the verdict, but fill in what the dispatch call could not tell us.
    if (row.runId !== null && (row.url || !seen.url)) return false;
    await db
      .update(runs)
      .set({ runId: seen.runId, url: row.url ?? seen.url })
      .where(eq(runs.id, row.id));
    return true;
  }
  const completed = seen.status === "completed";
  await db
    .update(runs)
    .set({
      runId: seen.runId,
      attempt: seen.attempt,
      status: seen.status,
      conclusion: completed ? seen.conclusion : null,
      verdict: completed ? seen.verdict : null,
      verdictSeq: completed ? NEXT_VERDICT_SEQ : null,
      reason: completed ? (seen.reason ?? null) : null,
      url: seen.url ?? row.url,
      updatedAt: sql`now()`,
    })
    .where(eq(runs.id, row.id));
  return true;
}

/** Ends a run without a verdict from GitHub (timed out by Locate's own clock): inconclusive, with the reason. */
export async function markInconclusive(db: Db, id: number, conclusion: string, note: string) {
  await db
    .update(runs)
    .set({ status: "completed", verdict: "inconclusive", conclusion, note, verdictSeq: NEXT_VERDICT_SEQ, updatedAt: sql`now()` })
    .where(eq(runs.id, id));
}

/** Moves runs that waited for a slot to `dispatching`, restarting their clock: their timeout counts from now. */
export async function startWaitingRuns(db: Db, ids: readonly number[]): Promise<RunRow[]> {
  if (ids.length === 0) return [];
  return db
    .update(runs)
    .set({ status: "dispatching", createdAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(inArray(runs.id, [...ids]), eq(runs.status, "waiting")))
    .returning()
    .then((rows) => rows.sort((a, b) => a.id - b.id));
}

/** Runs that will never get a slot (the workflow was rejected, the hunt ended) stop waiting. */
export async function failWaitingRuns(db: Db, huntId: number, note: string): Promise<void> {
  await db
    .update(runs)
    .set({ status: "error", note, updatedAt: sql`now()` })
    .where(and(eq(runs.huntId, huntId), eq(runs.status, "waiting")));
}
