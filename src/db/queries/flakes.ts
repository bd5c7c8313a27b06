// Queries on what finished hunts learned about a workflow's flakiness, per repository and workflow (issue 12).
import { and, eq, sql } from "drizzle-orm";
import type { FlakeHistory } from "../../search/types.js";
import type { Db } from "../client.js";
import { workflowFlakes } from "../schema.js";

/** Earlier hunts' evidence for this repository's workflow, or undefined when none has finished yet. */
export async function readFlakeHistory(db: Db, repoId: number, workflow: string): Promise<FlakeHistory | undefined> {
  const [row] = await db
    .select()
    .from(workflowFlakes)
    .where(and(eq(workflowFlakes.repoId, repoId), eq(workflowFlakes.workflow, workflow)));
  return row ? { falseFailures: row.falseFailures, goodRuns: row.goodRuns, falsePasses: row.falsePasses, badRuns: row.badRuns } : undefined;
}

/** Adds a finished hunt's expected error counts to its workflow's history (one upsert, safe across replicas). */
export async function addFlakeEvidence(db: Db, repoId: number, workflow: string, evidence: FlakeHistory): Promise<void> {
  await db
    .insert(workflowFlakes)
    .values({ repoId, workflow, ...evidence, hunts: 1 })
    .onConflictDoUpdate({
      target: [workflowFlakes.repoId, workflowFlakes.workflow],
      set: {
        falseFailures: sql`${workflowFlakes.falseFailures} + ${evidence.falseFailures}`,
        goodRuns: sql`${workflowFlakes.goodRuns} + ${evidence.goodRuns}`,
        falsePasses: sql`${workflowFlakes.falsePasses} + ${evidence.falsePasses}`,
        badRuns: sql`${workflowFlakes.badRuns} + ${evidence.badRuns}`,
        hunts: sql`${workflowFlakes.hunts} + 1`,
        updatedAt: sql`now()`,
      },
    });
}
