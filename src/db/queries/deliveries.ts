// Webhook deliveries already applied, by X-GitHub-Delivery (§8: a redelivery has effect once).
import { eq } from "drizzle-orm";
import type { Db } from "../client.js";
import { deliveries } from "../schema.js";

export async function wasDelivered(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.id, id));
  return row !== undefined;
}

/** Records a delivery once its effects are stored; false when it was already recorded. */
export async function recordDelivery(db: Db, id: string, event: string): Promise<boolean> {
  const rows = await db.insert(deliveries).values({ id, event }).onConflictDoNothing().returning({ id: deliveries.id });
  return rows.length > 0;
}
