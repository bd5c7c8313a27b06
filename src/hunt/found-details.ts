// What the found answer shows beyond the verdicts: the commits between last good and first bad, and in commit mode
// the pull request of the first bad commit. Both are optional (issue 14): GitHub refusing one leaves a note instead
// of a failed delivery, so the hunt still ends as found.
import type { HuntRow } from "../db/schema.js";
import { compareSummary, pullRequestOf } from "../github/history.js";
import { optionalLookup } from "../github/optional.js";
import type { HuntDeps } from "./engine.js";

export interface FoundDetails {
  /** Null when the commits could not be read. */
  readonly totalCommits: number | null;
  readonly commits: readonly { sha: string; title: string; author: string | null }[];
  readonly pullRequest: { readonly number: number; readonly title: string; readonly url: string } | null;
  readonly unavailable: readonly string[];
}

export async function lookupFoundDetails(deps: HuntDeps, hunt: HuntRow, lastGoodSha: string, firstBadSha: string, shown: number): Promise<FoundDetails> {
  const repo = { owner: hunt.owner, repo: hunt.repo };
  const unavailable: string[] = [];
  const summary = await optionalLookup("the commits between them", deps.log, () => compareSummary(deps.gh, repo, lastGoodSha, firstBadSha, shown));
  if (!summary.ok) unavailable.push(summary.problem);
  let pullRequest: FoundDetails["pullRequest"] = null;
  if (hunt.mode === "commits") {
    const pr = await optionalLookup("the pull request of the first bad commit", deps.log, () => pullRequestOf(deps.gh, repo, firstBadSha));
    if (pr.ok) pullRequest = pr.value;
    else unavailable.push(pr.problem);
  }
  return {
    totalCommits: summary.ok ? summary.value.totalCommits : null,
    commits: summary.ok ? summary.value.commits.map((c) => ({ sha: c.sha, title: c.title, author: c.author })) : [],
    pullRequest,
    unavailable,
  };
}
