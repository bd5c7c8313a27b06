// Queries on the GitHub write outbox and its per-installation pacing (issue 13). Every replica's scheduler claims
// writes through here, so "one write at a time per installation, at least the interval apart" holds across them.
import { and, eq, sql } from "drizzle-orm";
import { type CommentUrgency, PRIORITY, type WriteRequest, commentPriority, createsContent, writeKey } from "../../outbox/requests.js";
import { outboxSettings } from "../../outbox/settings.js";
import type { Db } from "../client.js";
import { type GitHubWriteRow, githubWrites, installationPacing } from "../schema.js";

/** GitHub's content-creation limits: a burst of 80, refilled at 500 an hour. */
const CREATION_BURST = 80;
const CREATIONS_PER_SECOND = 500 / 3600;

function priorityOf(request: WriteRequest): number {
  if (request.kind === "dispatch" || request.kind === "cancel") return PRIORITY.ci;
  return PRIORITY.people;
}

/**
 * Stores a write for the scheduler. A write with the same key still waiting is replaced by this one: it keeps the
 * earlier due time and the higher priority of the two, and its revision moves on so a scheduler writing the older
 * request knows to write again.
 */
export async function enqueueWrite(
  db: Db,
  write: { installationId: number; huntId?: number | null; request: WriteRequest; priority?: number; delayMs?: number },
): Promise<void> {
  const priority = write.priority ?? priorityOf(write.request);
  const dueAt = sql`now() + make_interval(secs => ${(write.delayMs ?? 0) / 1000})`;
  const inFlight = sql`coalesce(${githubWrites.claimedUntil} > now(), false)`;
  await db
    .insert(githubWrites)
    .values({ installationId: write.installationId, huntId: write.huntId ?? null, key: writeKey(write.request), priority, dueAt, request: write.request })
    .onConflictDoUpdate({
      target: githubWrites.key,
      // While the waiting write is being made, it already serves its own due time: the newer request keeps its own.
      set: {
        request: sql`excluded.request`,
        priority: sql`case when ${inFlight} then excluded.priority else least(${githubWrites.priority}, excluded.priority) end`,
        dueAt: sql`case when ${inFlight} then excluded.due_at else least(${githubWrites.dueAt}, excluded.due_at) end`,
        revision: sql`${githubWrites.revision} + 1`,
      },
    });
}

/** Schedules an edit of the hunt's comment; several changes before it is written cost one edit (see CommentUrgency). */
export async function markCommentDue(db: Db, hunt: { id: number; installationId: number }, urgency: CommentUrgency): Promise<void> {
  await enqueueWrite(db, {
    installationId: hunt.installationId,
    huntId: hunt.id,
    request: { kind: "comment", huntId: hunt.id },
    priority: commentPriority(urgency),
    delayMs: urgency === "progress" ? outboxSettings().progressDelayMs : 0,
  });
}

export interface ClaimOptions {
  readonly intervalMs: number;
  /** How long a claim holds before another scheduler may assume this one died. */
  readonly leaseMs: number;
  /** Tests and shutdown: take writes waiting for their due time or for the installation's pace as if they were due. */
  readonly ignoreDelays?: boolean;
}

const secs = (ms: number) => sql`make_interval(secs => ${ms / 1000})`;

/**
 * Claims the most urgent due write of an installation that is free to write: no other write of it in flight, its
 * interval since the last write passed, and no slow-down from GitHub pending. Returns null when nothing can go now.
 */
export async function claimNextWrite(db: Db, options: ClaimOptions): Promise<GitHubWriteRow | null> {
  const ignore = options.ignoreDelays === true;
  const free = ignore
    ? sql`(p.busy_until is null or p.busy_until < now())`
    : sql`(p.busy_until is null or p.busy_until < now()) and p.next_at <= now()`;
  const candidates = await db.execute<{ id: number; installation_id: number }>(sql`
    select w.id, w.installation_id from github_writes w
    left join installation_pacing p on p.installation_id = w.installation_id
    where (w.claimed_until is null or w.claimed_until < now())
      and (${ignore} or w.due_at <= now())
      and (p.installation_id is null or (${free}))
    order by w.priority, w.due_at, w.id
    limit 20`);
  const tried = new Set<number>();
  for (const candidate of rowsOf<{ id: number; installation_id: number }>(candidates)) {
    const installationId = Number(candidate.installation_id);
    if (tried.has(installationId)) continue;
    const claimed = await db.transaction(async (tx): Promise<GitHubWriteRow | "held" | null> => {
      const [slot] = await tx
        .insert(installationPacing)
        .values({ installationId, busyUntil: sql`now() + ${secs(options.leaseMs)}` })
        .onConflictDoUpdate({
          target: installationPacing.installationId,
          set: { busyUntil: sql`now() + ${secs(options.leaseMs)}` },
          setWhere: ignore
            ? sql`(${installationPacing.busyUntil} is null or ${installationPacing.busyUntil} < now())`
            : sql`(${installationPacing.busyUntil} is null or ${installationPacing.busyUntil} < now()) and ${installationPacing.nextAt} <= now()`,
        })
        .returning();
      if (!slot) return null;
      const [write] = await tx
        .update(githubWrites)
        .set({ claimedUntil: sql`now() + ${secs(options.leaseMs)}`, attempts: sql`${githubWrites.attempts} + 1` })
        .where(and(eq(githubWrites.id, Number(candidate.id)), sql`(${githubWrites.claimedUntil} is null or ${githubWrites.claimedUntil} < now())`))
        .returning();
      if (!write) {
        await tx.update(installationPacing).set({ busyUntil: null }).where(eq(installationPacing.installationId, installationId));
        return null;
      }
      if (createsContent(write.request)) {
        // Token bucket for content creation: refill by the time passed, take one, or wait until one is back.
        const elapsed = (Date.now() - slot.tokensAt.getTime()) / 1000;
        const tokens = Math.min(CREATION_BURST, slot.creationTokens + Math.max(0, elapsed) * CREATIONS_PER_SECOND);
        if (tokens < 1 && !ignore) {
          const waitMs = ((1 - tokens) / CREATIONS_PER_SECOND) * 1000;
          await tx.update(githubWrites).set({ claimedUntil: null, attempts: sql`${githubWrites.attempts} - 1`, dueAt: sql`now() + ${secs(waitMs)}` }).where(eq(githubWrites.id, write.id));
          await tx.update(installationPacing).set({ busyUntil: null }).where(eq(installationPacing.installationId, installationId));
          return "held";
        }
        await tx.update(installationPacing).set({ creationTokens: Math.max(0, tokens - 1), tokensAt: sql`now()` }).where(eq(installationPacing.installationId, installationId));
      }
      return write;
    });
    // A new comment held for the creation budget leaves the installation free for its other writes.
    if (claimed === "held") continue;
    if (claimed) return claimed;
    tried.add(installationId);
  }
  return null;
}

/** The write is still being made: its claim and its installation's slot hold for another lease. */
export async function renewClaim(db: Db, write: Pick<GitHubWriteRow, "id" | "installationId">, leaseMs: number): Promise<void> {
  await db.update(githubWrites).set({ claimedUntil: sql`now() + ${secs(leaseMs)}` }).where(eq(githubWrites.id, write.id));
  await db.update(installationPacing).set({ busyUntil: sql`now() + ${secs(leaseMs)}` }).where(eq(installationPacing.installationId, write.installationId));
}

/**
 * The installation's write is over: free it for the next one. A write that reached GitHub starts the interval;
 * `slowUntil` (a secondary rate limit's retry-after) holds every write of the installation until then.
 */
export async function releaseInstallation(db: Db, installationId: number, outcome: { wrote: boolean; intervalMs: number; slowUntil?: Date }): Promise<void> {
  const next = outcome.slowUntil
    ? sql`greatest(${installationPacing.nextAt}, ${outcome.slowUntil.toISOString()}::timestamptz)`
    : outcome.wrote
      ? sql`greatest(${installationPacing.nextAt}, now() + ${secs(outcome.intervalMs)})`
      : installationPacing.nextAt;
  await db.update(installationPacing).set({ busyUntil: null, nextAt: next }).where(eq(installationPacing.installationId, installationId));
}

/** The write is done: it goes, unless a newer request replaced it meanwhile (then it waits to be written again). */
export async function finishWrite(db: Db, write: Pick<GitHubWriteRow, "id" | "revision">): Promise<void> {
  const deleted = await db
    .delete(githubWrites)
    .where(and(eq(githubWrites.id, write.id), eq(githubWrites.revision, write.revision)))
    .returning({ id: githubWrites.id });
  if (deleted.length === 0) await db.update(githubWrites).set({ claimedUntil: null, attempts: 0 }).where(eq(githubWrites.id, write.id));
}

/** The write failed for now: try again after `delayMs`; `penalty: false` when the failure was not the write's (a rate limit). */
export async function retryWrite(db: Db, id: number, delayMs: number, error: string, penalty = true): Promise<void> {
  await db
    .update(githubWrites)
    .set({
      claimedUntil: null,
      dueAt: sql`now() + ${secs(delayMs)}`,
      lastError: error.slice(0, 500),
      ...(penalty ? {} : { attempts: sql`greatest(${githubWrites.attempts} - 1, 0)` }),
    })
    .where(eq(githubWrites.id, id));
}

/**
 * When the next write could go (for the scheduler's sleep), or null when none waits. An installation busy with a
 * write counts as free when its claim runs out; the scheduler that makes the write wakes the others of its process.
 */
export async function nextWriteAt(db: Db): Promise<Date | null> {
  const result = await db.execute<{ at: string | Date | null }>(sql`
    select min(greatest(w.due_at, coalesce(p.next_at, w.due_at), coalesce(p.busy_until, w.due_at), coalesce(w.claimed_until, w.due_at))) as at
    from github_writes w left join installation_pacing p on p.installation_id = w.installation_id`);
  const at = rowsOf<{ at: string | Date | null }>(result)[0]?.at ?? null;
  return at === null ? null : new Date(at);
}

/** Writes still waiting, for the reconciler (dispatches it must not give up on) and for tests. */
export async function pendingWrites(db: Db, huntId?: number): Promise<GitHubWriteRow[]> {
  return huntId === undefined ? db.select().from(githubWrites).orderBy(githubWrites.id) : db.select().from(githubWrites).where(eq(githubWrites.huntId, huntId)).orderBy(githubWrites.id);
}

/** PGlite answers `execute` with `{ rows }`, postgres.js with the rows themselves. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
