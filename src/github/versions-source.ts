// Resolves `/locate good..bad` to its versions (§5), choosing between GraphQL (tag comparisons and ancestry checks) and REST (tags and the compare's commits), with the same result either way.
//
// Cost for a repository of T tags and a range of C commits:
// - GraphQL: ⌈T/100⌉ listing requests (each tag with its comparison with good and bad), then ⌈Q/100⌉ per round of
//   ancestry questions (usually none; a few hundred where maintenance lines cross the main line, see
//   versions/ancestry.ts). C does not matter.
// - REST: ⌈T/100⌉ tag pages and ⌈C/100⌉ compare pages (at most 30,000 commits).
// "auto" lists tags by GraphQL, then uses the REST compare for the order when its pages cost no more than the
// ancestry questions still to ask (small ranges), and the REST path throughout where GraphQL fails.
import { z } from "zod";
import type { Logger } from "pino";
import { type FactsPlan, lookupEndpoints, planFromFacts, resolveVersions } from "../versions/resolve.js";
import type { ResolveError, TagFacts, TagFilter, TagRef, Version } from "../versions/resolve.js";
import type { GitHub, RepoRef } from "./client.js";
import { GRAPHQL_PAGE, GraphqlUnavailable, askAncestry, listTagFacts } from "./graphql-history.js";
import { MAX_COMPARE_PAGES, RangeTooLargeError, compareRange, listTags } from "./history.js";

/** Which API resolves versions: both give the same versions; "auto" picks the cheaper. */
export const VersionsSource = z.enum(["auto", "graphql", "rest"]);
export type VersionsSource = z.infer<typeof VersionsSource>;

/**
 * LOCATE_VERSIONS_SOURCE: an operator's override (and the benchmark's), "auto" when unset. The app validates it at
 * start-up with the other settings (src/config/env.ts); read here, where it is used, an unknown value (only
 * possible outside the app) is logged and ignored.
 */
export function versionsSourceFromEnv(log: Logger, env: NodeJS.ProcessEnv = process.env): VersionsSource {
  const raw = env.LOCATE_VERSIONS_SOURCE;
  if (raw === undefined || raw === "") return "auto";
  const parsed = VersionsSource.safeParse(raw);
  if (parsed.success) return parsed.data;
  log.warn({ value: raw }, "LOCATE_VERSIONS_SOURCE is not auto, graphql or rest; using auto");
  return "auto";
}

export interface RangeRequest {
  readonly good: string;
  readonly bad: string;
  readonly filter: TagFilter;
  readonly source: VersionsSource;
}

/** How the versions were found: for logs and the benchmark. */
export interface ResolveCost {
  /** "graphql+compare": tags by GraphQL, order from the REST compare. */
  readonly path: "graphql" | "graphql+compare" | "rest";
  readonly requests: number;
  readonly ancestryQuestions: number;
  readonly rounds: number;
}

export type RangeOutcome =
  | { readonly kind: "versions"; readonly versions: Version[]; readonly hiddenByFilter: number; readonly cost: ResolveCost }
  | { readonly kind: "rejected"; readonly error: ResolveError; readonly cost: ResolveCost }
  /** Only the REST path has a limit: the range holds more commits than Locate pages through. */
  | { readonly kind: "too-large"; readonly totalCommits: number; readonly cost: ResolveCost };

export async function resolveRangeVersions(gh: GitHub, repo: RepoRef, request: RangeRequest, log: Logger): Promise<RangeOutcome> {
  if (request.source === "rest") return viaRest(gh, repo, request, null, 0);
  let listing;
  try {
    listing = await listTagFacts(gh, repo, request.good, request.bad);
  } catch (error) {
    if (!(error instanceof GraphqlUnavailable)) throw error;
    log.warn({ err: error.cause ?? error, repo: `${repo.owner}/${repo.repo}`, reason: error.message }, "GraphQL tag listing failed; resolving versions over REST");
    return viaRest(gh, repo, request, null, 0);
  }
  let requests = listing.requests;
  const tags = listing.tags;
  const endpoints = lookupEndpoints(tags, request.good, request.bad);
  if (!endpoints.ok) return { kind: "rejected", error: endpoints.error, cost: cost("graphql", requests) };
  const good = tags.find((tag) => tag.name === request.good);
  const bad = tags.find((tag) => tag.name === request.bad);
  if (good === undefined || bad === undefined) throw new Error("an endpoint found by name is missing from the listing");

  const plan = planFromFacts({ tags, good, bad, filter: request.filter });
  if (plan.kind === "error") return { kind: "rejected", error: plan.error, cost: cost("graphql", requests) };
  if (plan.kind === "unusable") {
    log.warn({ repo: `${repo.owner}/${repo.repo}`, reason: plan.reason }, "GraphQL comparisons unusable; ordering versions from the REST compare");
    return viaRest(gh, repo, request, tags, requests);
  }
  // The reply for diverged ends names the tags at the merge base, which GraphQL does not give: one REST compare.
  if (plan.kind === "diverged") return viaRest(gh, repo, request, tags, requests);
  return viaAncestry(gh, repo, request, plan, tags, requests, log);
}

async function viaAncestry(
  gh: GitHub,
  repo: RepoRef,
  request: RangeRequest,
  plan: Extract<FactsPlan, { kind: "ahead" }>,
  tags: readonly TagFacts[],
  listed: number,
  log: Logger,
): Promise<RangeOutcome> {
  let requests = listed;
  const restPages = Math.ceil(plan.commitsInRange / 100);
  const restAllowed = request.source === "auto" && plan.commitsInRange <= MAX_COMPARE_PAGES * 100;
  const { proof } = plan;
  // compare() takes refs: any tag on the version's commit names it.
  const refBySha = new Map<string, string>();
  for (const tag of tags) if (!refBySha.has(tag.sha)) refBySha.set(tag.sha, tag.name);
  const refOf = (sha: string): string => refBySha.get(sha) ?? sha;
  let spent = 0;
  for (let questions = proof.nextQuestions(); questions.length > 0; questions = proof.nextQuestions()) {
    const queries = Math.ceil(questions.length / GRAPHQL_PAGE);
    if (restAllowed && spent + queries >= restPages) return viaRest(gh, repo, request, tags, requests);
    try {
      const asked = await askAncestry(gh, repo, questions, refOf);
      requests += asked.requests;
      spent += asked.requests;
      proof.record(asked.answers);
    } catch (error) {
      if (!(error instanceof GraphqlUnavailable)) throw error;
      log.warn({ err: error.cause ?? error, repo: `${repo.owner}/${repo.repo}`, reason: error.message }, "GraphQL ancestry checks failed; ordering versions from the REST compare");
      return viaRest(gh, repo, request, tags, requests);
    }
  }
  const result = plan.finish();
  const spentCost: ResolveCost = { path: "graphql", requests, ancestryQuestions: proof.cost.questions, rounds: proof.cost.rounds };
  return result.ok
    ? { kind: "versions", versions: result.versions, hiddenByFilter: result.hiddenByFilter, cost: spentCost }
    : { kind: "rejected", error: result.error, cost: spentCost };
}

/** The REST path: tags (unless GraphQL listed them already) and the compare's commits, pages side by side. */
async function viaRest(gh: GitHub, repo: RepoRef, request: RangeRequest, listed: readonly TagRef[] | null, spent: number): Promise<RangeOutcome> {
  let requests = spent;
  const path = listed === null ? "rest" : "graphql+compare";
  const tags = listed ?? (await countPages(listTags(gh, repo), (pages) => (requests += pages)));
  const endpoints = lookupEndpoints(tags, request.good, request.bad);
  if (!endpoints.ok) return { kind: "rejected", error: endpoints.error, cost: cost(path, requests) };
  let compare;
  try {
    compare = await compareRange(gh, repo, endpoints.good.sha, endpoints.bad.sha);
  } catch (error) {
    if (!(error instanceof RangeTooLargeError)) throw error;
    return { kind: "too-large", totalCommits: error.totalCommits, cost: cost(path, requests + 1) };
  }
  requests += compare.status === "ahead" ? Math.max(1, Math.ceil(compare.totalCommits / 100)) : 1;
  const result = resolveVersions({ tags, good: endpoints.good, bad: endpoints.bad, compare, filter: request.filter });
  return result.ok
    ? { kind: "versions", versions: result.versions, hiddenByFilter: result.hiddenByFilter, cost: cost(path, requests) }
    : { kind: "rejected", error: result.error, cost: cost(path, requests) };
}

async function countPages(tags: Promise<TagRef[]>, add: (pages: number) => void): Promise<TagRef[]> {
  const list = await tags;
  add(Math.max(1, Math.ceil(list.length / 100)));
  return list;
}

function cost(path: ResolveCost["path"], requests: number): ResolveCost {
  return { path, requests, ancestryQuestions: 0, rounds: 0 };
}
