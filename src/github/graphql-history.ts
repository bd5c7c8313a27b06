// Tags and ancestry read from GitHub's GraphQL API: every tag with its commit, date and comparison with both ends of the range, 100 per request, and ancestry checks 100 per request.
//
// Only what resolution reads is asked for: the counts of each tag's comparison with good (they order the versions),
// the status alone of its comparison with bad, and the status alone of each ancestry check.
//
// On GitHub Enterprise Server Octokit sends these to /api/graphql (it derives that from the REST base URL
// .../api/v3). Any failure here (no GraphQL, no `Ref.compare`, a rate-limited GraphQL budget, an answer of the
// wrong shape) is thrown as GraphqlUnavailable, and versions-source.ts falls back to the REST path.
import type { AncestryAnswer, AncestryQuestion } from "../versions/ancestry.js";
import type { CompareStatus, RefComparison, TagFacts } from "../versions/types.js";
import { type GitHub, type RepoRef } from "./client.js";
import { mapLimited } from "./history.js";

/** Tags per listing request, and ancestry checks per request: GitHub's largest page, and a modest query. */
export const GRAPHQL_PAGE = 100;
const PARALLEL_QUERIES = 6;
/** Annotated tags pointing at annotated tags: the listing peels this many levels, a follow-up query the rest. */
const MAX_PEEL_ROUNDS = 5;

export class GraphqlUnavailable extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

// Four levels of tag → tag → … → commit in the listing itself; git/git's deepest chain is two.
const PEEL = `__typename oid ... on Commit { committedDate } ... on Tag { target { __typename oid ... on Commit { committedDate } ... on Tag { target { __typename oid ... on Commit { committedDate } ... on Tag { target { __typename oid ... on Commit { committedDate } } } } } } }`;

const COMPARISON = "status aheadBy behindBy";

export const LIST_TAGS_QUERY = `query LocateTags($owner: String!, $name: String!, $good: String!, $bad: String!, $first: Int, $after: String, $last: Int, $before: String) {
  repository(owner: $owner, name: $name) {
    refs(refPrefix: "refs/tags/", first: $first, after: $after, last: $last, before: $before, orderBy: { field: ALPHABETICAL, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes {
        name
        target { ${PEEL} }
        toGood: compare(headRef: $good) { ${COMPARISON} }
        toBad: compare(headRef: $bad) { status }
      }
    }
  }
}`;

interface GitObjectNode {
  readonly __typename: string;
  readonly oid: string;
  readonly committedDate?: string;
  readonly target?: GitObjectNode | null;
}

interface ComparisonNode {
  readonly status: string;
  readonly aheadBy: number;
  readonly behindBy: number;
}

interface RefNode {
  readonly name: string;
  readonly target: GitObjectNode | null;
  readonly toGood: ComparisonNode | null;
  readonly toBad: Pick<ComparisonNode, "status"> | null;
}

interface RefsPage {
  readonly repository: {
    readonly refs: {
      readonly totalCount: number;
      readonly pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
      readonly nodes: readonly (RefNode | null)[];
    } | null;
  } | null;
}

/** What one listing costs and returns. */
export interface TagListing {
  readonly tags: TagFacts[];
  readonly requests: number;
}

/** A tag name as a fully qualified ref, so that a branch of the same name cannot stand in for it. */
export function tagRef(name: string): string {
  return `refs/tags/${name}`;
}

async function query<T>(gh: GitHub, text: string, variables: Record<string, unknown>): Promise<T> {
  try {
    return await gh.graphql<T>(text, variables);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new GraphqlUnavailable(`GraphQL query failed: ${message}`, error);
  }
}

/**
 * Every tag of the repository with its peeled commit, that commit's date, and `compare(tag → good)` /
 * `compare(tag → bad)`. The first page tells how many tags there are; the rest is read from both ends at once
 * (forward after the first page's end, backward from the last tag), so a listing of T tags takes ⌈T/100⌉
 * requests in about half as many round trips. Tags that peel to a tree or blob are left out, as no version can
 * be one.
 */
export async function listTagFacts(gh: GitHub, repo: RepoRef, good: string, bad: string): Promise<TagListing> {
  const base = { owner: repo.owner, name: repo.repo, good: tagRef(good), bad: tagRef(bad) };
  let requests = 0;
  type Refs = NonNullable<NonNullable<RefsPage["repository"]>["refs"]>;
  const page = async (variables: Record<string, unknown>): Promise<Refs> => {
    requests++;
    const data = await query<RefsPage>(gh, LIST_TAGS_QUERY, { ...base, ...variables });
    const refs = data.repository?.refs;
    if (!refs) throw new GraphqlUnavailable("GraphQL listed no refs for the repository");
    return refs;
  };

  const first = await page({ first: GRAPHQL_PAGE });
  const nodes: RefNode[] = [...compact(first.nodes)];
  const total = first.totalCount;
  let fetched = first.nodes.length;
  let after = first.pageInfo.endCursor;
  let before: string | null = null;
  let forwardOpen = first.pageInfo.hasNextPage;
  let backwardNodes: RefNode[][] = [];
  while (forwardOpen && fetched < total) {
    const remaining = total - fetched;
    const forwardTake = Math.min(GRAPHQL_PAGE, remaining);
    const backwardTake = Math.min(GRAPHQL_PAGE, remaining - forwardTake);
    const [forward, backward]: [Refs, Refs | null] = await Promise.all([
      page({ first: forwardTake, after }),
      backwardTake > 0 ? page({ last: backwardTake, ...(before === null ? {} : { before }) }) : Promise.resolve(null),
    ]);
    nodes.push(...compact(forward.nodes));
    fetched += forward.nodes.length;
    after = forward.pageInfo.endCursor;
    forwardOpen = forward.pageInfo.hasNextPage;
    if (backward !== null) {
      backwardNodes = [compact(backward.nodes), ...backwardNodes];
      fetched += backward.nodes.length;
      before = backward.pageInfo.startCursor;
    }
    if (forward.nodes.length === 0 && (backward === null || backward.nodes.length === 0)) break;
  }
  // Tags created or deleted during the listing can make the two ends overlap: a name counts once.
  const byName = new Map<string, RefNode>();
  for (const node of [...nodes, ...backwardNodes.flat()]) if (!byName.has(node.name)) byName.set(node.name, node);
  if (byName.size < total && forwardOpen) throw new GraphqlUnavailable(`GraphQL listed ${byName.size} of ${total} tags`);

  const peeled = await peelAll(gh, repo, [...byName.values()], () => requests++);
  const tags: TagFacts[] = [];
  for (const node of byName.values()) {
    const commit = peeled.get(node.name);
    if (commit === undefined) continue;
    const toBad = node.toBad === null ? null : { status: statusOf(node.toBad.status) };
    tags.push({ name: node.name, sha: commit.oid, date: commit.date, toGood: comparison(node.toGood), toBad });
  }
  return { tags, requests };
}

/** Each tag's commit: from the listing for chains up to four deep, then by object id, a level group per request. */
async function peelAll(gh: GitHub, repo: RepoRef, nodes: readonly RefNode[], count: () => void) {
  const commits = new Map<string, { oid: string; date: number }>();
  let pending = new Map<string, GitObjectNode>();
  for (const node of nodes) if (node.target) pending.set(node.name, node.target);
  for (let round = 0; pending.size > 0; round++) {
    const deeper = new Map<string, string>();
    for (const [name, object] of pending) {
      const end = peel(object);
      if (end.kind === "commit") commits.set(name, { oid: end.oid, date: end.date });
      else if (end.kind === "tag") deeper.set(name, end.oid);
    }
    if (deeper.size === 0) break;
    if (round >= MAX_PEEL_ROUNDS) throw new GraphqlUnavailable(`tags nested deeper than Locate follows: ${[...deeper.keys()].slice(0, 3).join(", ")}`);
    const oids = [...new Set(deeper.values())];
    const objects = new Map<string, GitObjectNode>();
    for (let start = 0; start < oids.length; start += GRAPHQL_PAGE) {
      const batch = oids.slice(start, start + GRAPHQL_PAGE);
      const aliases = batch.map((_, i) => `o${i}: object(oid: $o${i}) { ${PEEL} }`).join("\n");
      const declared = batch.map((_, i) => `$o${i}: GitObjectID!`).join(", ");
      count();
      const data = await query<{ repository: Record<string, GitObjectNode | null> | null }>(
        gh,
        `query LocatePeel($owner: String!, $name: String!, ${declared}) { repository(owner: $owner, name: $name) { ${aliases} } }`,
        { owner: repo.owner, name: repo.repo, ...Object.fromEntries(batch.map((oid, i) => [`o${i}`, oid])) },
      );
      batch.forEach((oid, i) => {
        const object = data.repository?.[`o${i}`];
        if (object) objects.set(oid, object);
      });
    }
    pending = new Map();
    for (const [name, oid] of deeper) {
      const object = objects.get(oid);
      if (object) pending.set(name, object);
    }
  }
  return commits;
}

type Peeled = { kind: "commit"; oid: string; date: number } | { kind: "tag"; oid: string } | { kind: "other" };

/** Follows tag objects down to what they finally point at, as far as the object carries them. */
function peel(object: GitObjectNode): Peeled {
  let current: GitObjectNode = object;
  for (;;) {
    if (current.__typename === "Commit") {
      const date = current.committedDate ? Math.floor(Date.parse(current.committedDate) / 1000) : Number.NaN;
      if (!Number.isFinite(date)) throw new GraphqlUnavailable(`commit ${current.oid} came without a committed date`);
      return { kind: "commit", oid: current.oid, date };
    }
    if (current.__typename !== "Tag") return { kind: "other" };
    if (!current.target) return { kind: "tag", oid: current.oid };
    current = current.target;
  }
}

const STATUSES: Record<string, CompareStatus> = { AHEAD: "ahead", BEHIND: "behind", DIVERGED: "diverged", IDENTICAL: "identical" };

function statusOf(status: string): CompareStatus {
  const known = STATUSES[status];
  if (known === undefined) throw new GraphqlUnavailable(`unknown comparison status ${status}`);
  return known;
}

function comparison(node: ComparisonNode | null): RefComparison | null {
  return node === null ? null : { status: statusOf(node.status), aheadBy: node.aheadBy, behindBy: node.behindBy };
}

function compact<T>(items: readonly (T | null)[]): T[] {
  return items.filter((item): item is T => item !== null);
}

/**
 * Answers ancestry questions, 100 aliased `Ref.compare`s per request, requests side by side. `refOf` names a tag
 * on each commit (compare takes refs, not commit ids). A missing answer is an error: the proof cannot guess.
 */
export async function askAncestry(
  gh: GitHub,
  repo: RepoRef,
  questions: readonly AncestryQuestion[],
  refOf: (sha: string) => string,
): Promise<{ answers: AncestryAnswer[]; requests: number }> {
  const batches = Math.ceil(questions.length / GRAPHQL_PAGE);
  const results = await mapLimited(batches, PARALLEL_QUERIES, async (b) => {
    const batch = questions.slice(b * GRAPHQL_PAGE, (b + 1) * GRAPHQL_PAGE);
    const declared = batch.map((_, i) => `$a${i}: String!, $d${i}: String!`).join(", ");
    const aliases = batch.map((_, i) => `q${i}: ref(qualifiedName: $a${i}) { compare(headRef: $d${i}) { status } }`).join("\n");
    const variables: Record<string, string> = { owner: repo.owner, name: repo.repo };
    batch.forEach((q, i) => {
      variables[`a${i}`] = tagRef(refOf(q.ancestor));
      variables[`d${i}`] = tagRef(refOf(q.descendant));
    });
    const data = await query<{ repository: Record<string, { compare: { status: string } | null } | null> | null }>(
      gh,
      `query LocateAncestry($owner: String!, $name: String!, ${declared}) { repository(owner: $owner, name: $name) { ${aliases} } }`,
      variables,
    );
    return batch.map((q, i) => {
      const status = data.repository?.[`q${i}`]?.compare?.status;
      if (status === undefined) throw new GraphqlUnavailable(`no comparison of ${refOf(q.ancestor)} with ${refOf(q.descendant)}`);
      return { ...q, isAncestor: status === "AHEAD" || status === "IDENTICAL" };
    });
  });
  return { answers: results.flat(), requests: batches };
}

/** A commit of the first-parent chain, as a commit-level hunt shows it. */
export interface ChainCommit {
  readonly sha: string;
  readonly title: string;
  readonly author: string | null;
}

/** First parents followed per request: one node per level, so a request reads as many commits as a REST page. */
export const FIRST_PARENT_DEPTH = 100;

const CHAIN_FIELDS = "oid message author { name user { login } }";

/** `object(oid) { fields parents(first: 1) { nodes { fields parents(first: 1) { … } } } }`, `depth` commits deep. */
function chainSelection(depth: number): string {
  let selection = "oid";
  for (let level = 0; level < depth; level++) {
    selection = `${CHAIN_FIELDS} parents(first: 1) { totalCount nodes { ${selection} } }`;
  }
  return `... on Commit { ${selection} }`;
}

interface ChainNode {
  readonly oid: string;
  readonly message?: string;
  readonly author?: { readonly name: string | null; readonly user: { readonly login: string } | null } | null;
  readonly parents?: { readonly totalCount: number; readonly nodes: readonly (ChainNode | null)[] };
}

export type FirstParentWalk =
  | { readonly kind: "chain"; readonly bad: ChainCommit; readonly chain: ChainCommit[]; readonly requests: number }
  /** good is not on bad's first-parent line (it was merged in from the side): the REST compare knows where the line leaves the range. */
  | { readonly kind: "off-line"; readonly requests: number };

/**
 * The first-parent line from bad down to good, 100 commits per request, without listing the commits merged in from
 * the side (which the REST compare pages through too). The first request also compares good with bad: the line
 * inside the range cannot be longer than the range, so a walk that has not met good by then never will.
 */
export async function walkFirstParents(gh: GitHub, repo: RepoRef, good: { name: string; sha: string }, bad: { name: string; sha: string }): Promise<FirstParentWalk> {
  const selection = chainSelection(FIRST_PARENT_DEPTH);
  let requests = 1;
  const first = await query<{ repository: { range: { compare: { status: string; aheadBy: number } | null } | null; start: ChainNode | null } | null }>(
    gh,
    `query LocateFirstParents($owner: String!, $name: String!, $good: String!, $bad: String!, $from: GitObjectID!) { repository(owner: $owner, name: $name) { range: ref(qualifiedName: $good) { compare(headRef: $bad) { status aheadBy } } start: object(oid: $from) { ${selection} } } }`,
    { owner: repo.owner, name: repo.repo, good: tagRef(good.name), bad: tagRef(bad.name), from: bad.sha },
  );
  const range = first.repository?.range?.compare;
  if (!range || range.status !== "AHEAD") throw new GraphqlUnavailable(`GraphQL compared ${good.name} with ${bad.name} as ${range?.status ?? "nothing"}`);
  const walked: ChainCommit[] = [];
  let node = first.repository?.start ?? null;
  for (;;) {
    // Follow the levels this answer carries; the deepest one holds only the next commit's id.
    while (node !== null && node.message !== undefined) {
      if (node.oid === good.sha) return finish(walked, requests);
      walked.push(chainCommit(node));
      if (walked.length > range.aheadBy) return { kind: "off-line", requests };
      if (!node.parents || node.parents.totalCount === 0) return { kind: "off-line", requests };
      node = node.parents.nodes[0] ?? null;
    }
    if (node === null) throw new GraphqlUnavailable("GraphQL ended the first-parent line early");
    if (node.oid === good.sha) return finish(walked, requests);
    requests++;
    const next = await query<{ repository: { start: ChainNode | null } | null }>(
      gh,
      `query LocateFirstParents($owner: String!, $name: String!, $from: GitObjectID!) { repository(owner: $owner, name: $name) { start: object(oid: $from) { ${selection} } } }`,
      { owner: repo.owner, name: repo.repo, from: node.oid },
    );
    node = next.repository?.start ?? null;
    if (node === null) throw new GraphqlUnavailable(`GraphQL has no commit ${walked.at(-1)?.sha ?? bad.sha}'s first parent`);
  }
}

function finish(walked: readonly ChainCommit[], requests: number): FirstParentWalk {
  const [bad, ...line] = walked;
  if (bad === undefined) throw new GraphqlUnavailable("GraphQL walked no commit from bad");
  return { kind: "chain", bad, chain: line.reverse(), requests };
}

/** Title and author exactly as the REST path reads them: the message's first line, the login or else the name. */
function chainCommit(node: ChainNode): ChainCommit {
  return { sha: node.oid, title: (node.message ?? "").split("\n", 1)[0] ?? "", author: node.author?.user?.login ?? node.author?.name ?? null };
}
