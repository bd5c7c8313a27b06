// The GitHub writes Locate makes, as data (issue 13): use cases commit these with the state that implies them, and
// only the write scheduler turns them into requests. Pure: no I/O here.
import type { RepoRef } from "../github/client.js";

export type WriteRequest =
  /** Dispatch the workflow for a stored run (the run row holds the version and the token). */
  | { readonly kind: "dispatch"; readonly runRowId: number }
  /** Bring the hunt's comment up to date with the stored state (create it if it does not exist yet). */
  | { readonly kind: "comment"; readonly huntId: number }
  /** A new comment on the issue: a reply to a command, or a notification (with the marker that proves it was posted). */
  | { readonly kind: "reply"; readonly repo: RepoRef; readonly issueNumber: number; readonly body: string; readonly notificationId?: number; readonly marker?: string }
  /** 👀 on the comment (or issue body) that held a command. */
  | { readonly kind: "reaction"; readonly repo: RepoRef; readonly target: { readonly commentId: number } | { readonly issueNumber: number } }
  /** Ask GitHub to stop a run the hunt no longer needs. */
  | { readonly kind: "cancel"; readonly repo: RepoRef; readonly runId: number };

/**
 * Order within an installation, lowest first: what people wait for (replies, the first comment, the answer), then
 * dispatches and cancels (CI time is the slow part of a hunt), then progress edits of hunt comments.
 */
export const PRIORITY = { people: 0, ci: 1, progress: 2 } as const;

/**
 * How soon a hunt's comment should show a change:
 * - `now`: someone is waiting (the first comment, the answer, a person's tick or command);
 * - `round`: progress worth an edit of its own (a round's runs were all dispatched, a manual hunt's verdict);
 * - `progress`: anything else (a verdict mid-round), shown with the next edit or after the progress delay.
 */
export type CommentUrgency = "now" | "round" | "progress";

export function commentPriority(urgency: CommentUrgency): number {
  return urgency === "now" ? PRIORITY.people : PRIORITY.progress;
}

/** Whether the write creates content GitHub counts against its content-creation limits (80 a minute, 500 an hour). */
export function createsContent(request: WriteRequest): boolean {
  return request.kind === "reply";
}

/** The key that keeps one waiting write per purpose: one comment edit per hunt, one dispatch per run. */
export function writeKey(request: WriteRequest): string | null {
  switch (request.kind) {
    case "comment":
      return `comment:${request.huntId}`;
    case "dispatch":
      return `dispatch:${request.runRowId}`;
    case "cancel":
      return `cancel:${request.repo.owner}/${request.repo.repo}:${request.runId}`;
    case "reply":
      return request.notificationId === undefined ? null : `notify:${request.notificationId}`;
    case "reaction":
      return null;
  }
}
