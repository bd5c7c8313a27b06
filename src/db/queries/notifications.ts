// Queries on notifications (issue 14): a claim per hunt and change, so each is posted at most once across
// redeliveries, replicas and crashes.
import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { type NotificationRow, notifications } from "../schema.js";

export type Claim = { readonly kind: "claimed"; readonly id: number } | { readonly kind: "taken-over"; readonly row: NotificationRow } | { readonly kind: "done" };

/**
 * Claims the notification `key` of a hunt. A claim left pending longer than `staleMs` belongs to a process that died
 * around its post: it is taken over, and the caller checks whether that post reached GitHub before posting again.
 */
export async function claimNotification(db: Db, huntId: number, key: string, staleMs: number): Promise<Claim> {
  const [inserted] = await db.insert(notifications).values({ huntId, key }).onConflictDoNothing().returning({ id: notifications.id });
  if (inserted) return { kind: "claimed", id: inserted.id };
  const [stale] = await db
    .update(notifications)
    .set({ updatedAt: sql`now()` })
    .where(
      and(
        eq(notifications.huntId, huntId),
        eq(notifications.key, key),
        eq(notifications.status, "pending"),
        lt(notifications.updatedAt, sql`now() - make_interval(secs => ${staleMs / 1000})`),
      ),
    )
    .returning();
  return stale ? { kind: "taken-over", row: stale } : { kind: "done" };
}

export async function markNotificationSent(db: Db, id: number, commentId: number): Promise<void> {
  await db.update(notifications).set({ status: "sent", commentId, updatedAt: sql`now()` }).where(eq(notifications.id, id));
}

/** A post that failed: the claim goes, so the next event for the hunt tries again. */
export async function releaseNotification(db: Db, id: number): Promise<void> {
  await db.delete(notifications).where(and(eq(notifications.id, id), eq(notifications.status, "pending")));
}

export async function listNotifications(db: Db, huntId: number): Promise<NotificationRow[]> {
  return db.select().from(notifications).where(eq(notifications.huntId, huntId)).orderBy(notifications.id);
}
