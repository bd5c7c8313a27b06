// The Octokit Locate is handed per webhook (installation-authenticated, with Probot's retry and throttling), and a repository address.
import type { ProbotOctokit } from "probot";

export type GitHub = ProbotOctokit;

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

/** Exactly owner and repo: callers often hold richer objects, and Octokit would send any extra key to GitHub. */
export function repoParams(repo: RepoRef): { owner: string; repo: string } {
  return { owner: repo.owner, repo: repo.repo };
}

/** The HTTP status of an Octokit RequestError, or undefined for anything else. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's error message from a RequestError's response body, for matching and for replies. */
export function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  if (data && typeof data === "object" && "message" in data && typeof data.message === "string") return data.message;
  return error instanceof Error ? error.message : String(error);
}
