// Which deliveries can concern Locate, decided from the payload alone (issue 13). An installed app receives every
// comment, issue event and workflow run of its repositories, and almost none are Locate's: those are counted as
// ignored and cost no database query. Each test is a cheap superset of what the handler acts on; the handler
// decides the rest.
import { tokenFromTitle } from "../hunt/runs.js";

interface Sender {
  readonly type?: string;
}

/** Locate's own edits come back as webhooks, and bots never command Locate (§2). */
function fromBot(sender: Sender | undefined): boolean {
  return sender?.type === "Bot";
}

/** A `/locate` line can only be in a text that holds the word; the parser decides whether it is a command. */
function mayHoldCommand(body: string | null | undefined): boolean {
  return typeof body === "string" && body.includes("/locate");
}

/** Locate's hunt comment carries this marker (§3); a person's edit of it is a tick. */
function mayBeHuntComment(body: string | null | undefined): boolean {
  return typeof body === "string" && body.includes("<!-- locate:hunt:");
}

export function commentConcernsLocate(payload: { action: string; sender?: Sender; comment: { body?: string | null } }): boolean {
  if (fromBot(payload.sender)) return false;
  const body = payload.comment.body;
  return mayHoldCommand(body) || (payload.action === "edited" && mayBeHuntComment(body));
}

export function issueConcernsLocate(payload: { action: string; sender?: Sender; issue: { body?: string | null } }): boolean {
  return payload.action === "opened" && !fromBot(payload.sender) && mayHoldCommand(payload.issue.body);
}

/**
 * Locate dispatches its runs with `workflow_dispatch`, and the workflow contract (§4) puts the run's token in its
 * run-name: a run without both is not Locate's. (A workflow that drops the token is still followed by the
 * reconciler, which polls runs by the id the dispatch returned.)
 */
export function workflowRunConcernsLocate(payload: { workflow_run: { event?: string; display_title?: string | null } }): boolean {
  return payload.workflow_run.event === "workflow_dispatch" && tokenFromTitle(payload.workflow_run.display_title) !== null;
}
