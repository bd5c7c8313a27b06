// Issue comments and reactions: the only places Locate writes on an issue.
import { type GitHub, type RepoRef, repoParams, httpStatus } from "./client.js";

export async function createComment(gh: GitHub, repo: RepoRef, issueNumber: number, body: string): Promise<number> {
  const { data } = await gh.rest.issues.createComment({ ...repoParams(repo), issue_number: issueNumber, body });
  return data.id;
}

/** Edits a comment; "missing" when someone deleted it, so the caller can post it again. */
export async function updateComment(gh: GitHub, repo: RepoRef, commentId: number, body: string): Promise<"updated" | "missing"> {
  try {
    await gh.rest.issues.updateComment({ ...repoParams(repo), comment_id: commentId, body });
    return "updated";
  } catch (error) {
    if (httpStatus(error) === 404 || httpStatus(error) === 410) return "missing";
    throw error;
  }
}

/** 👀 on the comment (or the issue body) that held a command: "seen". */
export async function reactSeen(gh: GitHub, repo: RepoRef, target: { commentId: number } | { issueNumber: number }): Promise<void> {
  if ("commentId" in target) {
    await gh.rest.reactions.createForIssueComment({ ...repoParams(repo), comment_id: target.commentId, content: "eyes" });
  } else {
    await gh.rest.reactions.createForIssue({ ...repoParams(repo), issue_number: target.issueNumber, content: "eyes" });
  }
}
