// issue_comment and issues webhooks: commands in comments and issue bodies, and ticks in Locate's own comment.
import type { Context } from "probot";
import { newCommandLines, parseCommands } from "../commands/index.js";
import { getHunt, recordEvent, updateHunt } from "../db/queries/hunts.js";
import type { HuntRow } from "../db/schema.js";
import type { GitHub } from "../github/client.js";
import { enqueueWrite } from "../db/queries/writes.js";
import { getRole, roleAtLeast } from "../github/permissions.js";
import { actOnHunt, advanceHunt, repoOf } from "../hunt/engine.js";
import { permissionReply } from "../hunt/replies.js";
import { markIgnored } from "../observability/metrics.js";
import { findHuntId, parseCommentMarks } from "../render/index.js";
import { type CommandSource, runCommands } from "./commands.js";
import { type Runtime, depsOf } from "./runtime.js";

type RepositoryPayload = Context<"issue_comment">["payload"]["repository"];

function sourceOf(
  context: Context<"issue_comment" | "issues">,
  repository: RepositoryPayload,
  issueNumber: number,
  commentId: number | null,
  texts: Pick<CommandSource, "body" | "issueBody">,
): CommandSource {
  return {
    ...texts,
    installationId: context.payload.installation?.id ?? 0,
    repo: {
      owner: repository.owner.login,
      repo: repository.name,
      id: repository.id,
      htmlUrl: repository.html_url,
      defaultBranch: repository.default_branch,
    },
    issueNumber,
    sender: context.payload.sender.login,
    commentId,
  };
}

function isBot(context: Context<"issue_comment" | "issues">): boolean {
  // Locate's own edits come back as webhooks too; bots never command Locate (§2).
  return context.payload.sender.type === "Bot";
}

export function onIssueComment(runtime: Runtime) {
  return async (context: Context<"issue_comment.created" | "issue_comment.edited">): Promise<void> => {
    if (isBot(context)) return markIgnored(context);
    const { comment, issue, repository } = context.payload;
    const huntId = findHuntId(comment.body);
    if (context.payload.action === "edited" && huntId !== null) {
      const hunt = await getHunt(runtime.store.db, huntId);
      // The marker alone proves nothing: the comment must be the one this hunt owns, in this installation and
      // repository. A hunt whose comment id is not stored yet has its comment being created right now: onTick
      // checks again under the hunt's lock.
      const mayOwn = hunt !== undefined && (hunt.commentId === null || hunt.commentId === comment.id);
      if (mayOwn && hunt.installationId === context.payload.installation?.id && hunt.repoId === repository.id) {
        await onTick(runtime, context as Context<"issue_comment.edited">, hunt);
        return;
      }
    }
    const lines =
      context.payload.action === "edited"
        ? newCommandLines((context.payload as Context<"issue_comment.edited">["payload"]).changes.body?.from ?? "", comment.body)
        : parseCommands(comment.body);
    await runCommands(runtime, context, sourceOf(context, repository, issue.number, comment.id, { body: comment.body, issueBody: issue.body ?? null }), lines);
  };
}

export function onIssueOpened(runtime: Runtime) {
  return async (context: Context<"issues.opened">): Promise<void> => {
    if (isBot(context)) return markIgnored(context);
    const { issue, repository } = context.payload;
    await runCommands(runtime, context, sourceOf(context, repository, issue.number, null, { body: issue.body ?? "", issueBody: issue.body ?? null }), parseCommands(issue.body ?? ""));
  };
}

/** A human edited Locate's comment: ticked candidates and the auto-pilot item become dispatches (§3 "Ticks"). */
async function onTick(runtime: Runtime, context: Context<"issue_comment.edited">, hunt: HuntRow): Promise<void> {
  const { comment, sender, changes } = context.payload;
  const huntId = hunt.id;
  const marks = parseCommentMarks(comment.body);
  const before = changes.body?.from !== undefined ? parseCommentMarks(changes.body.from) : null;
  const previousAutopilot = before?.autopilot ?? hunt.autopilot;
  const autopilotChanged = marks.autopilot !== null && marks.autopilot !== previousAutopilot;
  const wantsAction = autopilotChanged || marks.ticked.length > 0;
  const deps = depsOf(runtime, context);
  await actOnHunt(deps, huntId, async () => {
    const storedId = (await getHunt(runtime.store.db, huntId))?.commentId;
    if (storedId === null && comment.user?.type === "Bot") {
      // The write scheduler created this comment and has not stored its id yet: the app's own comment with this
      // hunt's marker is the hunt's (a person quoting the markers writes a comment of their own).
      await updateHunt(runtime.store.db, huntId, { commentId: comment.id });
    } else if (storedId !== comment.id) {
      context.log.info({ huntId, commentId: comment.id }, "edit of a comment that only quotes a hunt's markers; ignored");
      return;
    }
    // GitHub now holds the human's text: the next render compares against it, and rewrites it if it differs.
    await updateHunt(runtime.store.db, huntId, { commentBody: comment.body });
    if (wantsAction && !roleAtLeast(await getRole(deps.gh, hunt.installationId, repoOf(hunt), sender.login), hunt.permission)) {
      const reply = { kind: "reply", repo: repoOf(hunt), issueNumber: hunt.issueNumber, body: permissionReply(sender.login, hunt.permission) } as const;
      await enqueueWrite(runtime.store.db, { installationId: hunt.installationId, huntId, request: reply });
      // The render that follows takes the unauthorised ticks back out of the comment.
      return;
    }
    if (autopilotChanged) {
      await updateHunt(runtime.store.db, huntId, { autopilot: marks.autopilot === true });
      await recordEvent(runtime.store.db, huntId, sender.login, marks.autopilot ? "auto" : "manual");
    }
    if (marks.ticked.length > 0) await recordEvent(runtime.store.db, huntId, sender.login, "tick", { names: marks.ticked });
    await advanceHunt(deps, huntId, { ticked: marks.ticked });
  }, { urgency: "now" });
}
