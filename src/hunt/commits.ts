// The commit-level drill-down (§5 "Commit level"): after a tag-level answer, the same search over the first-parent
// commits between the last good and the first bad tag.
import { readFlakeHistory } from "../db/queries/flakes.js";
import { ActiveHuntExists, type HuntSnapshot, insertHunt, recordEvent } from "../db/queries/hunts.js";
import type { RepoRef } from "../github/client.js";
import { GraphqlUnavailable, walkFirstParents } from "../github/graphql-history.js";
import { RangeTooLargeError, compareRange } from "../github/history.js";
import type { RangeCommit } from "../github/history.js";
import { versionsSourceFromEnv } from "../github/versions-source.js";
import { inlineCode } from "../render/escape.js";
import type { HuntDeps } from "./engine.js";
import { repoOf } from "./engine.js";
import { analyzeHunt } from "./snapshot.js";

export type CommitHuntOutcome = { readonly kind: "started"; readonly huntId: number } | { readonly kind: "rejected"; readonly reply: string };

/**
 * The first-parent chain from `bad` back to `good`, oldest first, without either end: the commits that landed on
 * the line one after another, which is what a commit-level bisection can dispatch one by one.
 */
export function firstParentChain(range: readonly RangeCommit[], goodSha: string, badSha: string): RangeCommit[] {
  const bySha = new Map(range.map((commit) => [commit.sha, commit]));
  const chain: RangeCommit[] = [];
  let current = bySha.get(badSha)?.parents[0];
  while (current !== undefined && current !== goodSha) {
    const commit = bySha.get(current);
    // A first parent outside the range means good was merged in from the side: the chain ends there.
    if (!commit) break;
    chain.push(commit);
    current = commit.parents[0];
  }
  return chain.reverse();
}

type Line =
  | { readonly kind: "line"; readonly chain: readonly { sha: string; title: string }[]; readonly badTitle: string | null }
  | { readonly kind: "too-large"; readonly totalCommits: number };

/**
 * The first-parent line between two tags: over GraphQL, 100 first parents per request whatever was merged in from
 * the side; from the REST compare (every commit of the range, 100 per request) where good is not on bad's line, where
 * GraphQL fails, or where the operator chose REST. Both give the same line.
 */
async function firstParentLine(deps: HuntDeps, repo: RepoRef, good: { names: readonly string[]; sha: string }, bad: { names: readonly string[]; sha: string }): Promise<Line> {
  const goodName = good.names[0];
  const badName = bad.names[0];
  if (versionsSourceFromEnv(deps.log) !== "rest" && goodName !== undefined && badName !== undefined) {
    try {
      const walk = await walkFirstParents(deps.gh, repo, { name: goodName, sha: good.sha }, { name: badName, sha: bad.sha });
      deps.log.info({ path: "graphql", requests: walk.requests, outcome: walk.kind }, "first-parent line walked");
      if (walk.kind === "chain") return { kind: "line", chain: walk.chain, badTitle: walk.bad.title };
    } catch (error) {
      if (!(error instanceof GraphqlUnavailable)) throw error;
      deps.log.warn({ err: error.cause ?? error, reason: error.message, good: good.sha, bad: bad.sha }, "GraphQL first-parent walk failed; reading the range from the REST compare");
    }
  }
  let range;
  try {
    range = await compareRange(deps.gh, repo, good.sha, bad.sha);
  } catch (error) {
    if (!(error instanceof RangeTooLargeError)) throw error;
    return { kind: "too-large", totalCommits: error.totalCommits };
  }
  const badCommit = range.commits.find((commit) => commit.sha === bad.sha);
  return { kind: "line", chain: firstParentChain(range.commits, good.sha, bad.sha), badTitle: badCommit?.title ?? null };
}

export async function startCommitHunt(deps: HuntDeps, parent: HuntSnapshot, sender: string): Promise<CommitHuntOutcome> {
  const { hunt } = parent;
  if (hunt.mode !== "tags") return { kind: "rejected", reply: "This hunt is already at commit level." };
  const search = analyzeHunt(parent);
  const lastGood = parent.versions[search.lastGood];
  const firstBad = parent.versions[search.firstBad];
  if (!lastGood || !firstBad) throw new Error(`hunt ${hunt.id}: found positions outside the versions`);
  const line = await firstParentLine(deps, repoOf(hunt), lastGood, firstBad);
  if (line.kind === "too-large") {
    return { kind: "rejected", reply: `The two tags are ${line.totalCommits} commits apart, more than Locate reads in one go.` };
  }
  const { chain, badTitle } = line;
  const goodName = lastGood.names[0] ?? lastGood.sha.slice(0, 7);
  const badName = firstBad.names[0] ?? firstBad.sha.slice(0, 7);
  const versions = [
    { names: [goodName], sha: lastGood.sha, title: null },
    ...chain.map((commit) => ({ names: [commit.sha.slice(0, 7)], sha: commit.sha, title: commit.title })),
    { names: [badName], sha: firstBad.sha, title: badTitle },
  ];
  try {
    const child = await insertHunt(
      deps.store.db,
      {
        installationId: hunt.installationId,
        repoId: hunt.repoId,
        owner: hunt.owner,
        repo: hunt.repo,
        repoUrl: hunt.repoUrl,
        issueNumber: hunt.issueNumber,
        mode: "commits",
        parentHuntId: hunt.id,
        good: goodName,
        bad: badName,
        state: "searching",
        autopilot: hunt.autopilot,
        workflow: hunt.workflow,
        dispatchRef: hunt.dispatchRef,
        inputs: hunt.inputs,
        parallel: hunt.parallel,
        candidates: hunt.candidates,
        maxRuns: hunt.maxRuns,
        timeoutMinutes: hunt.timeoutMinutes,
        permission: hunt.permission,
        skipSteps: hunt.skipSteps,
        notify: hunt.notify,
        confidence: hunt.confidence,
        flakeRate: hunt.flakeRate,
        // The tag-level hunt's runs, recorded when it was found, tell how flaky the workflow is.
        flakeHistory: (await readFlakeHistory(deps.store.db, hunt.repoId, hunt.workflow)) ?? null,
        createdBy: sender,
      },
      versions,
    );
    await recordEvent(deps.store.db, child.id, sender, "start-commits", { parent: hunt.id, commits: chain.length });
    return { kind: "started", huntId: child.id };
  } catch (error) {
    if (error instanceof ActiveHuntExists) {
      return { kind: "rejected", reply: `A hunt is already running on this issue; finish or \`/locate cancel\` it before drilling into ${inlineCode(badName)}.` };
    }
    throw error;
  }
}
