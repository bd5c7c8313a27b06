// Queries on hunts and their versions; each takes the database or a transaction first.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { type HuntRow, type NewHunt, type RunRow, type VersionRow, events, hunts, runs, versions } from "../schema.js";

export const ACTIVE_STATES = ["searching", "paused"] as const;

/** Everything a decision about one hunt needs, read in one go. */
export interface HuntSnapshot {
  readonly hunt: HuntRow;
  readonly versions: readonly VersionRow[];
  readonly runs: readonly RunRow[];
}

export class ActiveHuntExists extends Error {
  constructor() {
    super("an active hunt already exists on this issue");
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

export async function insertHunt(
  db: Db,
  hunt: NewHunt,
  huntVersions: readonly { names: string[]; sha: string; title?: string | null }[],
): Promise<HuntRow> {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(hunts).values(hunt).returning();
      if (!row) throw new Error("insert into hunts returned no row");
      // Large ranges insert in slices to stay under the bind-parameter limit.
      for (let start = 0; start < huntVersions.length; start += 1000) {
        await tx.insert(versions).values(
          huntVersions.slice(start, start + 1000).map((v, i) => ({
            huntId: row.id,
            position: start + i,
            names: v.names,
            sha: v.sha,
            title: v.title ?? null,
          })),
        );
      }
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ActiveHuntExists();
    throw error;
  }
}

export async function getHunt(db: Db, id: number): Promise<HuntRow | undefined> {
  const [row] = await db.select().from(hunts).where(eq(hunts.id, id));
  return row;
}

/** Locks the hunt row for the rest of the transaction: events for one hunt apply one at a time across replicas. */
export async function lockHunt(tx: Db, id: number): Promise<HuntRow | undefined> {
  const [row] = await tx.select().from(hunts).where(eq(hunts.id, id)).for("update");
  return row;
}

export async function findActiveHunt(db: Db, repoId: number, issueNumber: number): Promise<HuntRow | undefined> {
  const [row] = await db
    .select()
    .from(hunts)
    .where(and(eq(hunts.repoId, repoId), eq(hunts.issueNumber, issueNumber), inArray(hunts.state, [...ACTIVE_STATES])));
  return row;
}

export async function updateHunt(db: Db, id: number, patch: Partial<NewHunt>): Promise<void> {
  await db
    .update(hunts)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(hunts.id, id));
}

export async function loadSnapshot(db: Db, id: number, lock = false): Promise<HuntSnapshot | undefined> {
  const hunt = lock ? await lockHunt(db, id) : await getHunt(db, id);
  if (!hunt) return undefined;
  const [versionRows, runRows] = await Promise.all([
    db.select().from(versions).where(eq(versions.huntId, id)).orderBy(asc(versions.position)),
    db.select().from(runs).where(eq(runs.huntId, id)).orderBy(asc(runs.id)),
  ]);
  return { hunt, versions: versionRows, runs: runRows };
}

export async function recordEvent(db: Db, huntId: number, actor: string, action: string, detail?: Record<string, unknown>) {
  await db.insert(events).values({ huntId, actor, action, detail: detail ?? null });
}

/** The newest hunt on an issue, whatever its state (for `status` and `commits` after the end). */
export async function findLatestHunt(db: Db, repoId: number, issueNumber: number): Promise<HuntRow | undefined> {
  const [row] = await db
    .select()
    .from(hunts)
    .where(and(eq(hunts.repoId, repoId), eq(hunts.issueNumber, issueNumber)))
    .orderBy(desc(hunts.id))
    .limit(1);
  return row;
}

/** The newest commit-level hunt started from a tag-level one. */
export async function findChildHunt(db: Db, parentHuntId: number): Promise<HuntRow | undefined> {
  const [row] = await db.select().from(hunts).where(eq(hunts.parentHuntId, parentHuntId)).orderBy(desc(hunts.id)).limit(1);
  return row;
}

/** One version of a hunt, by position (a dispatch needs only its own). */
export async function getVersion(db: Db, huntId: number, position: number): Promise<VersionRow | undefined> {
  const [row] = await db.select().from(versions).where(and(eq(versions.huntId, huntId), eq(versions.position, position)));
  return row;
}
