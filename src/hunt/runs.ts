// What a workflow run means for a hunt: the correlation token (§4) and the verdict of a conclusion.
import { randomBytes } from "node:crypto";
import type { Verdict } from "../search/types.js";

/** `loc-<hunt id>-<12 hex>`: opaque to users, well under the 64-character limit, and unguessable. */
export function newRunToken(huntId: number): string {
  return `loc-${huntId}-${randomBytes(6).toString("hex")}`;
}

const TOKEN_IN_TITLE = /\[(loc-\d{1,19}-[0-9a-f]{12})\]/;

/** The token a run's `display_title` carries when the workflow sets `run-name` as the template asks. */
export function tokenFromTitle(displayTitle: string | null | undefined): string | null {
  return displayTitle ? (TOKEN_IN_TITLE.exec(displayTitle)?.[1] ?? null) : null;
}

/** §4: success is good, failure is bad, and every other conclusion, known today or not, is inconclusive. */
export function verdictOf(conclusion: string | null | undefined): Verdict {
  if (conclusion === "success") return "good";
  if (conclusion === "failure") return "bad";
  return "inconclusive";
}

export function runStatusOf(status: string | null | undefined): "queued" | "running" | "completed" {
  if (status === "completed") return "completed";
  if (status === "in_progress") return "running";
  return "queued";
}
