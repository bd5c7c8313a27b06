// Tags and commit ranges read from GitHub's REST API: the raw material of version resolution (§5) where GraphQL is not used.
//
// Cost: tags are listed 100 per request; the range good..bad comes from the compare API, 100 commits per
// request, with parents and committer dates, which is exactly what ancestry ordering needs. Both are numbered
// pages, so after the first (which tells how many there are) the others are fetched side by side.
// graphql-history.ts resolves large ranges with far fewer requests; versions-source.ts chooses.
import type { CompareStatus, RangeCommit as GraphCommit, TagRef } from "../versions/types.js";
import { type GitHub, type RepoRef, repoParams } from "./client.js";

export type { TagRef };

/** A commit of a compare range: what ancestry ordering needs, plus what the answer shows. */
export interface RangeCommit extends GraphCommit {
  readonly title: string;
  readonly author: string | null;
}

export interface CompareResult {
  readonly status: CompareStatus;
  readonly mergeBaseSha: string | null;
  /** Committer time of the base commit (good), which the range itself does not include. */
  readonly baseDate: number | null;
  readonly totalCommits: number;
  readonly commits: readonly RangeCommit[];
}

const PAGE = 100;
/** The largest range resolved in one go (about 30,000 commits); beyond it the user is asked to narrow the range. */
export const MAX_COMPARE_PAGES = 300;

export class RangeTooLargeError extends Error {
  constructor(readonly totalCommits: number) {
    super(`range of ${totalCommits} commits is larger than ${MAX_COMPARE_PAGES * PAGE}`);
  }
}

/** Pages fetched at once after the first; Octokit's throttling queues any beyond its own limit anyway. */
const PARALLEL_PAGES = 8;

/** Runs `task` for 0..count-1 with at most `limit` in flight, results in index order. */
export async function mapLimited<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) results[index] = await task(index);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** The page number of rel="last" in a Link header, or undefined when there is none (a single page). */
export function lastPageOf(link: string | undefined): number | undefined {
  const last = link?.split(",").find((part) => /rel="last"/.test(part));
  const page = last ? /[?&]page=(\d+)/.exec(last)?.[1] : undefined;
  return page === undefined ? undefined : Number(page);
}

/** Every tag, 100 per request: the first page names the last, and the rest come side by side. */
export async function listTags(gh: GitHub, repo: RepoRef): Promise<TagRef[]> {
  const params = { ...repoParams(repo), per_page: PAGE };
  const first = await gh.rest.repos.listTags({ ...params, page: 1 });
  const last = lastPageOf(first.headers.link) ?? 1;
  const rest = await mapLimited(last - 1, PARALLEL_PAGES, async (index) => (await gh.rest.repos.listTags({ ...params, page: index + 2 })).data);
  return [first.data, ...rest].flat().map((tag) => ({ name: tag.name, sha: tag.commit.sha }));
}

type CompareData = Awaited<ReturnType<GitHub["rest"]["repos"]["compareCommitsWithBasehead"]>>["data"];

function unixSeconds(iso: string | undefined): number | null {
  return iso ? Math.floor(Date.parse(iso) / 1000) : null;
}

function toRangeCommit(commit: CompareData["commits"][number]): RangeCommit {
  const date = commit.commit.committer?.date ?? commit.commit.author?.date;
  return {
    sha: commit.sha,
    parents: commit.parents.map((parent) => parent.sha),
    date: date ? Math.floor(Date.parse(date) / 1000) : 0,
    title: commit.commit.message.split("\n", 1)[0] ?? "",
    author: commit.author?.login ?? commit.commit.author?.name ?? null,
  };
}

async function comparePage(gh: GitHub, repo: RepoRef, base: string, head: string, page: number, perPage: number) {
  const { data } = await gh.rest.repos.compareCommitsWithBasehead({
    ...repoParams(repo),
    basehead: `${base}...${head}`,
    page,
    per_page: perPage,
  });
  return data;
}

/** Every commit reachable from head and not from base (when head is ahead), with the range's status. */
export async function compareRange(gh: GitHub, repo: RepoRef, base: string, head: string): Promise<CompareResult> {
  const first = await comparePage(gh, repo, base, head, 1, PAGE);
  const status = first.status;
  const result = {
    status,
    mergeBaseSha: first.merge_base_commit?.sha ?? null,
    totalCommits: first.total_commits,
    baseDate: unixSeconds(first.base_commit?.commit.committer?.date),
  };
  if (status !== "ahead") return { ...result, commits: [] };
  if (first.total_commits > MAX_COMPARE_PAGES * PAGE) throw new RangeTooLargeError(first.total_commits);
  const pages = Math.min(MAX_COMPARE_PAGES, Math.ceil(first.total_commits / PAGE));
  const rest = await mapLimited(Math.max(0, pages - 1), PARALLEL_PAGES, async (index) => (await comparePage(gh, repo, base, head, index + 2, PAGE)).commits);
  return { ...result, commits: [first.commits, ...rest].flat().map(toRangeCommit) };
}

/** The first commits of a range and its size, for the found answer: one request. */
export async function compareSummary(gh: GitHub, repo: RepoRef, base: string, head: string, count: number) {
  const data = await comparePage(gh, repo, base, head, 1, count);
  return { totalCommits: data.total_commits, commits: data.commits.slice(0, count).map(toRangeCommit) };
}

/** The merged pull request that brought a commit in, when GitHub knows one (commit-level answers). */
export async function pullRequestOf(gh: GitHub, repo: RepoRef, sha: string) {
  const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ ...repoParams(repo), commit_sha: sha, per_page: 10 });
  const pr = data.find((candidate) => candidate.merged_at) ?? data[0];
  return pr ? { number: pr.number, title: pr.title, url: pr.html_url } : null;
}
