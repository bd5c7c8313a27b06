// Queries on notifications (issue 14): a row per hunt and change, stored with its post in the write outbox, so each
// is posted once across redeliveries, replicas and crashes.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { type NotificationRow, notifications } from "../schema.js";

/** Claims the notification `key` of a hunt: its id when it is new, null when it was posted or scheduled before. */
export async function claimNotification(db: Db, huntId: number, key: string): Promise<number | null> {
  const [inserted] = await db.insert(notifications).values({ huntId, key }).onConflictDoNothing().returning({ id: notifications.id });
  return inserted?.id ?? null;
}

export async function markNotificationSent(db: Db, id: number, commentId: number): Promise<void> {
  await db.update(notifications).set({ status: "sent", commentId, updatedAt: sql`now()` }).where(eq(notifications.id, id));
}

export async function listNotifications(db: Db, huntId: number): Promise<NotificationRow[]> {
  return db.select().from(notifications).where(eq(notifications.huntId, huntId)).orderBy(notifications.id);
}
