// Turns a `/locate good..bad` range into the ordered versions to bisect (spec §5), without I/O.
import { AncestryProof } from "./ancestry.js";
import type { AncestryItem } from "./ancestry.js";
import { compileTagFilter } from "./filter.js";
import { compareTagNames } from "./names.js";
import { indexRange, orderAlongHistory, orderByKnownAncestry } from "./order.js";
import type { OrderItem } from "./order.js";
import { suggestTagNames } from "./suggest.js";
import type { RangeCompare, RefComparison, ResolveError, TagFacts, TagFilter, TagRef, Version } from "./types.js";

export type { CompareStatus, RangeCommit, RangeCompare, RefComparison, ResolveError, TagFacts, TagFilter, TagRef, Version } from "./types.js";
export { AncestryProof } from "./ancestry.js";
export type { AncestryAnswer, AncestryQuestion } from "./ancestry.js";
export { DEFAULT_TAG_FILTER, compileTagFilter, isPrereleaseTag } from "./filter.js";
export { describeResolveError } from "./describe.js";

export type LookupResult =
  | { readonly ok: true; readonly good: TagRef; readonly bad: TagRef }
  | { readonly ok: false; readonly error: ResolveError };

export interface ResolveInput {
  /** Every tag of the repository. */
  readonly tags: readonly TagRef[];
  /** The endpoints, as returned by lookupEndpoints. */
  readonly good: TagRef;
  readonly bad: TagRef;
  /** The compare of good.sha...bad.sha. */
  readonly compare: RangeCompare;
  readonly filter: TagFilter;
}

export type ResolveResult =
  | {
      readonly ok: true;
      /** good first, bad last, the versions between in history order; always at least 2. */
      readonly versions: Version[];
      /** Tags in the range that the filter dropped (endpoint commits aside). */
      readonly hiddenByFilter: number;
    }
  | { readonly ok: false; readonly error: ResolveError };

/**
 * Step 1, before any compare request: find the two tags by exact name (git tag names are
 * case-sensitive). An unknown good is reported before an unknown bad.
 */
export function lookupEndpoints(tags: readonly TagRef[], good: string, bad: string): LookupResult {
  const byName = new Map<string, TagRef>();
  for (const tag of tags) if (!byName.has(tag.name)) byName.set(tag.name, tag);
  const goodTag = byName.get(good);
  const badTag = byName.get(bad);
  if (goodTag === undefined || badTag === undefined) {
    const missing = goodTag === undefined ? good : bad;
    const suggestions = suggestTagNames(missing, [...byName.keys()]);
    return { ok: false, error: { kind: "unknown-tag", name: missing, suggestions } };
  }
  if (goodTag.sha === badTag.sha) {
    return { ok: false, error: { kind: "same-tag", name: good, other: good === bad ? null : bad } };
  }
  return { ok: true, good: goodTag, bad: badTag };
}

/**
 * Step 2, with the compare result: the versions are exactly `git tag --merged bad --no-merged
 * good` (filtered), grouped per commit, ordered along history (see orderAlongHistory), between
 * good and bad.
 *
 * Endpoints keep every tag on their commit, filter or not: the filter chooses which commits
 * to test, while the endpoints were chosen by the user, and their other names only help to
 * recognise them. The name the user typed comes first.
 */
export function resolveVersions(input: ResolveInput): ResolveResult {
  const { tags, good, bad, compare } = input;
  if (good.sha === bad.sha || compare.status === "identical") {
    return { ok: false, error: { kind: "same-tag", name: good.name, other: good.name === bad.name ? null : bad.name } };
  }
  if (compare.status === "behind") {
    return { ok: false, error: { kind: "reversed", good: good.name, bad: bad.name } };
  }
  if (compare.status === "diverged") {
    const mergeBaseTags = tags
      .filter((tag) => compare.mergeBaseSha !== null && tag.sha === compare.mergeBaseSha)
      .map((tag) => tag.name);
    return {
      ok: false,
      error: { kind: "diverged", good: good.name, bad: bad.name, mergeBaseTags: uniqueSorted(mergeBaseTags) },
    };
  }

  const range = indexRange(compare.commits);
  const dateOf = (sha: string): number | null => {
    const node = range.nodeBySha.get(sha);
    return node === undefined ? null : (range.dates[node] ?? null);
  };
  const collected = collectVersions(input, (sha) => range.nodeBySha.has(sha), (sha) => dateOf(sha) ?? 0);
  if (!collected.ok) return collected;
  const order = orderAlongHistory(range, collected.between);
  return assemble(input, collected, order, compare.baseDate ?? null, dateOf(bad.sha));
}

/** What the GraphQL listing says about the range good..bad, from the tags' comparisons with both ends. */
export interface FactsInput {
  /** Every tag of the repository, with its comparisons. */
  readonly tags: readonly TagFacts[];
  readonly good: TagFacts;
  readonly bad: TagFacts;
  readonly filter: TagFilter;
}

export type FactsPlan =
  | { readonly kind: "error"; readonly error: ResolveError }
  /** good and bad diverge: the reply names the tags at their merge base, which only the REST compare gives. */
  | { readonly kind: "diverged" }
  /** The ends were not compared: GitHub gave an answer Locate cannot use. */
  | { readonly kind: "unusable"; readonly reason: string }
  | {
      readonly kind: "ahead";
      /** Commits reachable from bad and not from good: what the REST compare would page through. */
      readonly commitsInRange: number;
      /** Ask its questions until done, then call finishFromFacts. */
      readonly proof: AncestryProof;
      readonly finish: () => ResolveResult;
    };

const isAncestorStatus = (comparison: Pick<RefComparison, "status"> | null): boolean =>
  comparison !== null && (comparison.status === "ahead" || comparison.status === "identical");

/**
 * Step 2 without the range's commits: a tag is in range when it is an ancestor of bad and not of good, and the
 * order comes from the counts of its comparison with good plus the ancestry questions of the returned proof
 * (see ancestry.ts). Gives exactly what resolveVersions gives for the same repository.
 */
export function planFromFacts(input: FactsInput): FactsPlan {
  const { good, bad } = input;
  const range = good.toBad;
  const badToGood = bad.toGood;
  if (range === null || badToGood === null) return { kind: "unusable", reason: "no comparison between good and bad" };
  if (good.sha === bad.sha || range.status === "identical") {
    return { kind: "error", error: { kind: "same-tag", name: good.name, other: good.name === bad.name ? null : bad.name } };
  }
  if (range.status === "behind") return { kind: "error", error: { kind: "reversed", good: good.name, bad: bad.name } };
  if (range.status === "diverged") return { kind: "diverged" };

  // GitHub gives no comparison for a tag that shares no history with the ends (an orphan branch's tag): like the
  // REST compare, which never lists such a commit, it is not in the range.
  const factsBySha = new Map<string, TagFacts>();
  for (const tag of input.tags) {
    if (tag.sha === good.sha || tag.sha === bad.sha) continue;
    if (!factsBySha.has(tag.sha)) factsBySha.set(tag.sha, tag);
  }
  const inRange = (sha: string): boolean => {
    const facts = factsBySha.get(sha);
    return facts !== undefined && isAncestorStatus(facts.toBad) && !isAncestorStatus(facts.toGood);
  };
  const dateOf = (sha: string): number => factsBySha.get(sha)?.date ?? 0;
  const collected = collectVersions(input, inRange, dateOf);
  if (!collected.ok) return { kind: "error", error: collected.error };

  const items: AncestryItem[] = collected.between.map((item) => {
    const toGood = factsBySha.get(item.sha)?.toGood;
    // behindBy: the tag's commits that good lacks; aheadBy: good's commits that the tag lacks.
    return { ...item, depth: toGood?.behindBy ?? 0, missing: toGood?.aheadBy ?? 0 };
  });
  const proof = new AncestryProof(items);
  return {
    kind: "ahead",
    // compare(bad → good).behindBy: bad's commits that good lacks.
    commitsInRange: badToGood.behindBy,
    proof,
    finish: () => assemble(input, collected, orderByKnownAncestry(collected.between, proof.knownAncestry()), good.date, bad.date),
  };
}

interface Collected {
  readonly ok: true;
  readonly between: OrderItem[];
  readonly betweenNames: string[][];
  readonly goodNames: string[];
  readonly badNames: string[];
  readonly hidden: number;
}

/** The tags of the range, filtered and grouped per commit (one OrderItem per commit), and the endpoints' other names. */
function collectVersions(
  input: { readonly tags: readonly TagRef[]; readonly good: TagRef; readonly bad: TagRef; readonly filter: TagFilter },
  inRange: (sha: string) => boolean,
  dateOf: (sha: string) => number,
): Collected | { readonly ok: false; readonly error: ResolveError } {
  const { tags, good, bad } = input;
  const passes = compileTagFilter(input.filter);
  const namesBySha = new Map<string, string[]>();
  const goodNames: string[] = [];
  const badNames: string[] = [];
  let count = 0;
  for (const tag of tags) {
    if (tag.sha === good.sha) goodNames.push(tag.name);
    else if (tag.sha === bad.sha) badNames.push(tag.name);
    else if (inRange(tag.sha)) {
      count++;
      if (!passes(tag.name)) continue;
      const names = namesBySha.get(tag.sha);
      if (names === undefined) namesBySha.set(tag.sha, [tag.name]);
      else names.push(tag.name);
    }
  }

  const between: OrderItem[] = [];
  const betweenNames: string[][] = [];
  let shown = 0;
  for (const [sha, names] of namesBySha) {
    const sorted = uniqueSorted(names);
    shown += names.length;
    between.push({ sha, date: dateOf(sha), name: sorted[0] ?? sha });
    betweenNames.push(sorted);
  }
  if (count > 0 && shown === 0) {
    return {
      ok: false,
      error: { kind: "filter-empty", filter: input.filter, good: good.name, bad: bad.name, hidden: count },
    };
  }
  return { ok: true, between, betweenNames, goodNames, badNames, hidden: count - shown };
}

function assemble(
  input: { readonly good: TagRef; readonly bad: TagRef },
  collected: Collected,
  order: readonly number[],
  goodDate: number | null,
  badDate: number | null,
): ResolveResult {
  const { good, bad } = input;
  const versions: Version[] = [{ names: endpointNames(good.name, collected.goodNames), sha: good.sha, date: goodDate }];
  for (const index of order) {
    const item = collected.between[index];
    if (item !== undefined) versions.push({ names: collected.betweenNames[index] ?? [item.name], sha: item.sha, date: item.date });
  }
  versions.push({ names: endpointNames(bad.name, collected.badNames), sha: bad.sha, date: badDate });
  return { ok: true, versions, hiddenByFilter: collected.hidden };
}

function endpointNames(given: string, onCommit: readonly string[]): string[] {
  return [given, ...uniqueSorted(onCommit).filter((name) => name !== given)];
}

function uniqueSorted(names: readonly string[]): string[] {
  return [...new Set(names)].sort(compareTagNames);
}
