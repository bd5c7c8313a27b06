// Telling people (issue 14): GitHub notifies on new comments, not on edits, so when a hunt ends or waits for a person
// Locate posts one short comment that mentions the starter and links the hunt comment. At most one per change: each
// change has a key, stored with the post in the write outbox (see db/queries/notifications.ts).
import type { HuntSnapshot } from "../db/queries/hunts.js";
import type { Db } from "../db/client.js";
import { claimNotification } from "../db/queries/notifications.js";
import { enqueueWrite } from "../db/queries/writes.js";
import type { HuntRow } from "../db/schema.js";
import { percent } from "../render/index.js";
import { escapeMarkdown, safeUrl } from "../render/escape.js";
import type { SearchView } from "../search/types.js";
import { analyzeHunt, isInFlight, runsUsed } from "./snapshot.js";

export interface DueNotification {
  /** One notification per key and hunt. */
  readonly key: string;
  /** What happened, as markdown (names escaped). */
  readonly summary: string;
}

function nameAt(snapshot: HuntSnapshot, position: number | undefined): string {
  const version = position === undefined ? undefined : snapshot.versions[position];
  return `\`${escapeMarkdown(version?.names[0] ?? "?", 80).replace(/`/g, "")}\``;
}

/** The newest verdict came from CI, not from a person: only then is someone waiting on Locate. */
function newestVerdictFromCi(snapshot: HuntSnapshot): boolean {
  let newest: HuntSnapshot["runs"][number] | undefined;
  for (const run of snapshot.runs) {
    if (run.verdictSeq !== null && (newest?.verdictSeq ?? -1) < run.verdictSeq) newest = run;
  }
  return newest !== undefined && newest.token !== null;
}

/**
 * The change worth a notification in this state, or null. Ends: found, failed, cancelled, out of runs. Waits: in
 * manual mode a round whose runs all reported (the next candidates are up to a person), or contradicting verdicts
 * with nothing left running. Pure.
 */
export function notificationDue(snapshot: HuntSnapshot, search: SearchView): DueNotification | null {
  const { hunt } = snapshot;
  const unit = hunt.mode === "commits" ? "commit" : "tag";
  switch (hunt.state) {
    case "found": {
      const possible = search.possibleFirstBad.length > 0 ? search.possibleFirstBad : [search.firstBad];
      // How sure the answer is, as the hunt comment says it (answers named before issue 12 carry no probability).
      const sure = hunt.result?.probability === undefined ? "" : `, ${percent(hunt.result.probability)} sure`;
      const summary =
        possible.length > 1
          ? `🎯 The hunt ended: the first bad ${unit} is one of ${possible.length}, from ${nameAt(snapshot, possible[0])} to ${nameAt(snapshot, possible.at(-1))}.`
          : `🎯 The hunt found the first bad ${unit}: ${nameAt(snapshot, possible[0])} (last good ${nameAt(snapshot, search.lastGood)}${sure}).`;
      return { key: "found", summary };
    }
    case "failed":
      return { key: "failed", summary: `💥 The hunt stopped: ${escapeMarkdown(hunt.notice ?? "see the hunt comment", 300)}` };
    case "cancelled":
      return { key: "cancelled", summary: "🚫 The hunt was cancelled." };
  }
  if (snapshot.runs.some(isInFlight) || search.done) return null;
  if (hunt.state === "paused") {
    return runsUsed(snapshot) >= hunt.maxRuns ? { key: "out-of-runs", summary: `⏸️ The hunt used its budget of ${hunt.maxRuns} runs and is paused.` } : null;
  }
  if (!newestVerdictFromCi(snapshot)) return null;
  if (search.contradictions.length > 0) {
    const names = search.contradictions.slice(0, 5).map((position) => nameAt(snapshot, position));
    return {
      key: `contradiction:${[...search.contradictions].sort((a, b) => a - b).join(",")}`,
      summary: `⚠️ Verdicts contradict each other (${names.join(", ")} passed after an earlier ${unit} failed): \`/locate retry <tag>\` or a verdict by hand settles it.`,
    };
  }
  if (!hunt.autopilot && hunt.round > 0) {
    return { key: `round:${hunt.round}`, summary: `👉 The runs of round ${hunt.round} are done: tick the next candidates (⭐ marks the suggested picks).` };
  }
  return null;
}

/** A GitHub login as a mention; anything that is not a login character is dropped. */
function mention(login: string): string {
  return `@${login.replace(/[^A-Za-z0-9-]/g, "")}`;
}

export function notificationMarker(huntId: number, key: string): string {
  return `<!-- locate:notify:${huntId}:${encodeURIComponent(key).replace(/--/g, "-%2D")} -->`;
}

export function renderNotification(hunt: HuntRow, due: DueNotification, huntCommentUrl: string | null): string {
  const url = safeUrl(huntCommentUrl);
  const link = url ? ` [See the hunt](${url}).` : "";
  return `${mention(hunt.createdBy)} ${due.summary}${link}\n\n${notificationMarker(hunt.id, due.key)}`;
}

/**
 * Schedules the notification the hunt's state calls for, once: the notification's row (unique per hunt and change)
 * and its comment are stored together, and the write scheduler posts it (src/outbox/perform.ts). Called after each
 * write of the hunt comment, with the state just written and the comment's id.
 */
export async function queueNotificationWhenDue(db: Db, snapshot: HuntSnapshot, commentId: number | null): Promise<void> {
  const { hunt } = snapshot;
  if (!hunt.notify) return;
  const due = notificationDue(snapshot, analyzeHunt(snapshot));
  if (!due) return;
  const url = commentId === null ? null : `${hunt.repoUrl}/issues/${hunt.issueNumber}#issuecomment-${commentId}`;
  await db.transaction(async (tx) => {
    const id = await claimNotification(tx, hunt.id, due.key);
    if (id === null) return;
    const marker = notificationMarker(hunt.id, due.key);
    await enqueueWrite(tx, {
      installationId: hunt.installationId,
      huntId: hunt.id,
      request: { kind: "reply", repo: { owner: hunt.owner, repo: hunt.repo }, issueNumber: hunt.issueNumber, body: renderNotification(hunt, due, url), notificationId: id, marker },
    });
  });
}
