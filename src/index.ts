// The Probot app function: wires webhooks to handlers. No logic lives here.
import type { ApplicationFunction } from "probot";
import { onIssueComment, onIssueOpened } from "./handlers/issue-comment.js";
import { commentConcernsLocate, issueConcernsLocate, workflowRunConcernsLocate } from "./handlers/relevance.js";
import { type Runtime, guarded } from "./handlers/runtime.js";
import { onWorkflowRun } from "./handlers/workflow-run.js";

export function locateApp(runtime: Runtime): ApplicationFunction {
  return (app) => {
    app.on(["issue_comment.created", "issue_comment.edited"], guarded(runtime, commentConcernsLocate, onIssueComment(runtime)));
    app.on("issues.opened", guarded(runtime, issueConcernsLocate, onIssueOpened(runtime)));
    app.on("workflow_run", guarded(runtime, workflowRunConcernsLocate, onWorkflowRun(runtime)));
  };
}
