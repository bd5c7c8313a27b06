// Telling people (issue 14): GitHub notifies on new comments, not on edits, so when a hunt ends or waits for a person
// Locate posts one short comment that mentions the starter and links the hunt comment. At most one per change: each
// change has a key, claimed in the database before the post (see db/queries/notifications.ts).
import type { HuntSnapshot } from "../db/queries/hunts.js";
import { claimNotification, markNotificationSent, releaseNotification } from "../db/queries/notifications.js";
import type { HuntRow } from "../db/schema.js";
import { type GitHub, type RepoRef, repoParams } from "../github/client.js";
import { createComment } from "../github/comments.js";
import { percent } from "../render/index.js";
import { escapeMarkdown, safeUrl } from "../render/escape.js";
import type { SearchView } from "../search/types.js";
import type { HuntDeps } from "./engine.js";
import { analyzeHunt, isInFlight, runsUsed } from "./snapshot.js";

export interface DueNotification {
  /** One notification per key and hunt. */
  readonly key: string;
  /** What happened, as markdown (names escaped). */
  readonly summary: string;
}

/** A claim still pending after this long belongs to a process that died around its post. */
export const STALE_CLAIM_MS = 5 * 60_000;

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

/** Whether a comment with this notification's marker already made it to the issue (a crash after the post). */
async function alreadyPosted(gh: GitHub, repo: RepoRef, issueNumber: number, marker: string, since: Date): Promise<number | null> {
  const { data } = await gh.rest.issues.listComments({ ...repoParams(repo), issue_number: issueNumber, since: new Date(since.getTime() - 60_000).toISOString(), per_page: 100 });
  return data.find((comment) => comment.body?.includes(marker))?.id ?? null;
}

/**
 * Posts the notification the hunt's state calls for, once. Called after each render, under the hunt's lock, with the
 * state just rendered and the hunt comment's id. Never throws: a failed post releases its claim and the next event
 * for the hunt tries again; the hunt itself goes on either way.
 */
export async function notifyWhenDue(deps: HuntDeps, snapshot: HuntSnapshot, commentId: number | null): Promise<void> {
  const { hunt } = snapshot;
  if (!hunt.notify) return;
  const due = notificationDue(snapshot, analyzeHunt(snapshot));
  if (!due) return;
  const repo = { owner: hunt.owner, repo: hunt.repo };
  const url = commentId === null ? null : `${hunt.repoUrl}/issues/${hunt.issueNumber}#issuecomment-${commentId}`;
  const body = renderNotification(hunt, due, url);
  let claimId: number | null = null;
  try {
    const claim = await claimNotification(deps.store.db, hunt.id, due.key, STALE_CLAIM_MS);
    if (claim.kind === "done") return;
    if (claim.kind === "taken-over") {
      claimId = claim.row.id;
      const posted = await alreadyPosted(deps.gh, repo, hunt.issueNumber, notificationMarker(hunt.id, due.key), claim.row.createdAt);
      if (posted !== null) {
        await markNotificationSent(deps.store.db, claimId, posted);
        return;
      }
    } else claimId = claim.id;
    const id = await createComment(deps.gh, repo, hunt.issueNumber, body);
    await markNotificationSent(deps.store.db, claimId, id);
    deps.log.info({ huntId: hunt.id, key: due.key }, "notified the starter");
  } catch (error) {
    deps.log.warn({ err: error, huntId: hunt.id, key: due.key }, "could not post the notification; the next event tries again");
    if (claimId !== null) await releaseNotification(deps.store.db, claimId).catch(() => undefined);
  }
}
