// Issue 13: which deliveries can concern Locate, from the payload alone (GitHub's example payloads, with the fields
// that decide it set): everything else is left before any database query.
import { describe, expect, it } from "vitest";
import { commentConcernsLocate, issueConcernsLocate, workflowRunConcernsLocate } from "../../src/handlers/relevance.js";
import { newRunToken } from "../../src/hunt/runs.js";
import { huntMarker } from "../../src/render/markers.js";
import { issueCommentCreated, issueCommentEdited, workflowRun } from "../helpers/payloads.js";

const token = newRunToken(12);

describe("comments", () => {
  it("concern Locate when they may hold a command, from a person", () => {
    expect(commentConcernsLocate(issueCommentCreated({ body: "/locate v1.0.0..v1.2.0" }))).toBe(true);
    expect(commentConcernsLocate(issueCommentCreated({ body: "Thanks!\n\n- /locate status" }))).toBe(true);
    expect(commentConcernsLocate(issueCommentEdited({ body: "fixed a typo\n/locate auto", from: "fixed a typo" }))).toBe(true);
  });

  it("do not when no /locate appears, or a bot wrote them (Locate's own edits among them)", () => {
    expect(commentConcernsLocate(issueCommentCreated({ body: "Same here on 1.4.2, any news?" }))).toBe(false);
    expect(commentConcernsLocate(issueCommentCreated({ body: "/locate v1.0.0..v1.2.0", login: "renovate[bot]", senderType: "Bot" }))).toBe(false);
    const ownEdit = issueCommentEdited({ body: `${huntMarker(3)}\n- [ ] v1.1.0`, from: "", login: "locate[bot]", senderType: "Bot", author: "locate[bot]" });
    expect(commentConcernsLocate(ownEdit)).toBe(false);
    const comment = issueCommentCreated({ body: "" });
    comment.comment.body = null;
    expect(commentConcernsLocate(comment)).toBe(false);
  });

  it("a person's edit of a hunt comment (a tick) concerns Locate; a new comment quoting the marker does only for its commands", () => {
    const body = `${huntMarker(3)}\n- [x] v1.1.0`;
    expect(commentConcernsLocate(issueCommentEdited({ body, from: body.replace("[x]", "[ ]"), author: "locate[bot]" }))).toBe(true);
    expect(commentConcernsLocate(issueCommentCreated({ body }))).toBe(false);
  });
});

describe("issues", () => {
  it("only an issue opened with a command in its body, by a person", () => {
    const opened = issueCommentCreated({ body: "" });
    const issue = (action: string, body: string | null, type = "User") => ({ action, sender: { ...opened.sender, type }, issue: { ...opened.issue, body } });
    expect(issueConcernsLocate(issue("opened", "Broken since 1.3\n\n/locate v1.2.0..v1.3.0"))).toBe(true);
    expect(issueConcernsLocate(issue("opened", "Broken since 1.3"))).toBe(false);
    expect(issueConcernsLocate(issue("opened", null))).toBe(false);
    expect(issueConcernsLocate(issue("labeled", "/locate v1.2.0..v1.3.0"))).toBe(false);
    expect(issueConcernsLocate(issue("opened", "/locate v1.2.0..v1.3.0", "Bot"))).toBe(false);
  });
});

describe("workflow runs", () => {
  it("only runs dispatched by workflow_dispatch whose run-name carries a Locate token", () => {
    const ours = workflowRun("completed", { id: 1, status: "completed", conclusion: "failure", displayTitle: `locate v1.2.0 [${token}]` });
    expect(workflowRunConcernsLocate(ours)).toBe(true);
    const push = workflowRun("completed", { id: 2, status: "completed", conclusion: "success", displayTitle: "Merge pull request #12" });
    push.workflow_run.event = "push";
    expect(workflowRunConcernsLocate(push)).toBe(false);
    // A push whose commit message happens to quote a token is still not Locate's run.
    push.workflow_run.display_title = `revert [${token}]`;
    expect(workflowRunConcernsLocate(push)).toBe(false);
    const deploy = workflowRun("requested", { id: 3, status: "requested", displayTitle: "Deploy production" });
    deploy.workflow_run.path = ".github/workflows/deploy.yml";
    expect(workflowRunConcernsLocate(deploy)).toBe(false);
  });
});
