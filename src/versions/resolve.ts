// Turns a `/locate good..bad` range into the ordered versions to bisect (spec §5), without I/O.
import { compileTagFilter } from "./filter.js";
import { compareTagNames } from "./names.js";
import { indexRange, orderAlongHistory } from "./order.js";
import type { OrderItem } from "./order.js";
import { suggestTagNames } from "./suggest.js";
import type { RangeCompare, ResolveError, TagFilter, TagRef, Version } from "./types.js";

export type { CompareStatus, RangeCommit, RangeCompare, ResolveError, TagFilter, TagRef, Version } from "./types.js";
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

  const passes = compileTagFilter(input.filter);
  const namesBySha = new Map<string, string[]>();
  const goodNames: string[] = [];
  const badNames: string[] = [];
  let inRange = 0;
  for (const tag of tags) {
    if (tag.sha === good.sha) goodNames.push(tag.name);
    else if (tag.sha === bad.sha) badNames.push(tag.name);
    else if (range.nodeBySha.has(tag.sha)) {
      inRange++;
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
    between.push({ sha, date: dateOf(sha) ?? 0, name: sorted[0] ?? sha });
    betweenNames.push(sorted);
  }
  if (inRange > 0 && shown === 0) {
    return {
      ok: false,
      error: { kind: "filter-empty", filter: input.filter, good: good.name, bad: bad.name, hidden: inRange },
    };
  }

  const versions: Version[] = [
    { names: endpointNames(good.name, goodNames), sha: good.sha, date: compare.baseDate ?? null },
  ];
  for (const index of orderAlongHistory(range, between)) {
    const item = between[index];
    if (item !== undefined) versions.push({ names: betweenNames[index] ?? [item.name], sha: item.sha, date: item.date });
  }
  versions.push({ names: endpointNames(bad.name, badNames), sha: bad.sha, date: dateOf(bad.sha) });
  return { ok: true, versions, hiddenByFilter: inRange - shown };
}

function endpointNames(given: string, onCommit: readonly string[]): string[] {
  return [given, ...uniqueSorted(onCommit).filter((name) => name !== given)];
}

function uniqueSorted(names: readonly string[]): string[] {
  return [...new Set(names)].sort(compareTagNames);
}
