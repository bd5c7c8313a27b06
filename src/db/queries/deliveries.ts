// Webhook deliveries by X-GitHub-Delivery (§8: a redelivery has effect once, even when two replicas get it at once).
import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { deliveries } from "../schema.js";

/** A claim not finished after this long belongs to a process that died; a redelivery may take it over. */
const STALE_CLAIM = sql`interval '5 minutes'`;

/**
 * Claims a delivery for this process: true when it is new, or when an earlier claim was abandoned long ago.
 * False for a delivery that is handled already or being handled right now, by this replica or another.
 */
export async function claimDelivery(db: Db, id: string, event: string): Promise<boolean> {
  const rows = await db
    .insert(deliveries)
    .values({ id, event, done: false })
    .onConflictDoUpdate({
      target: deliveries.id,
      set: { receivedAt: sql`now()` },
      setWhere: and(eq(deliveries.done, false), lt(deliveries.receivedAt, sql`now() - ${STALE_CLAIM}`)),
    })
    .returning({ id: deliveries.id });
  return rows.length > 0;
}

/** Whether a claimed delivery's effects are stored; false while it is (or was, before a crash) being handled. */
export async function isDeliveryDone(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ done: deliveries.done }).from(deliveries).where(eq(deliveries.id, id));
  return row?.done === true;
}

/** Takes over a claim whose handler did not finish in time (its process most likely died). */
export async function takeOverDelivery(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(deliveries)
    .set({ receivedAt: sql`now()` })
    .where(and(eq(deliveries.id, id), eq(deliveries.done, false)))
    .returning({ id: deliveries.id });
  return rows.length > 0;
}

/** The delivery's effects are stored: a redelivery is now a duplicate. */
export async function finishDelivery(db: Db, id: string): Promise<void> {
  await db.update(deliveries).set({ done: true }).where(eq(deliveries.id, id));
}

/** Handling failed: forget the claim, so a redelivery can try again. */
export async function releaseDelivery(db: Db, id: string): Promise<void> {
  await db.delete(deliveries).where(and(eq(deliveries.id, id), eq(deliveries.done, false)));
}

/** Deliveries older than GitHub's redelivery window are dropped, so the table stays small. */
export async function pruneDeliveries(db: Db, olderThanDays = 14): Promise<void> {
  await db.delete(deliveries).where(lt(deliveries.receivedAt, sql`now() - make_interval(days => ${olderThanDays})`));
}
