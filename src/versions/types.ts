// Shapes that version resolution takes from GitHub and gives back to the hunt.

/** A tag as listed by GitHub; `sha` is the commit the tag peels to, never a tag object. */
export interface TagRef {
  readonly name: string;
  readonly sha: string;
}

/** One commit of a compare range. */
export interface RangeCommit {
  readonly sha: string;
  readonly parents: readonly string[];
  /** Committer time, unix seconds. */
  readonly date: number;
}

/** GitHub's compare status of `good...bad`, read as "bad is <status> of good". */
export type CompareStatus = "ahead" | "behind" | "diverged" | "identical";

/** What the compare of `good...bad` (by commit SHA) tells about the range. */
export interface RangeCompare {
  readonly status: CompareStatus;
  /** SHA of the best common ancestor; null only for unrelated histories. */
  readonly mergeBaseSha: string | null;
  /**
   * When status is "ahead": every commit reachable from bad and not from good, in any order.
   * Ignored for the other statuses.
   */
  readonly commits: readonly RangeCommit[];
  /** Committer time of good's commit (the compare's `base_commit`), unix seconds, when known. */
  readonly baseDate?: number | null;
}

/** GitHub's comparison of a tag (the base) with one end of the range (the head), as GraphQL `Ref.compare` gives it. */
export interface RefComparison {
  /** "ahead": the end is ahead of the tag, so the tag is a proper ancestor of it; "identical": the same commit. */
  readonly status: CompareStatus;
  /** Commits of the end that the tag lacks. */
  readonly aheadBy: number;
  /** Commits of the tag that the end lacks. */
  readonly behindBy: number;
}

/** A tag as the GraphQL listing gives it: its commit and that commit's date, compared with both ends of the range. */
export interface TagFacts extends TagRef {
  /** Committer time of the tag's commit, unix seconds. */
  readonly date: number;
  /** compare(tag → good); null when GitHub gave none. */
  readonly toGood: RefComparison | null;
  /** compare(tag → bad), its status only (the counts are not needed); null when GitHub gave none. */
  readonly toBad: Pick<RefComparison, "status"> | null;
}

/** One point of the search: a commit and every tag name that stands for it. */
export interface Version {
  /** At least one name; the first names the version (for an endpoint: the name the user gave). */
  readonly names: readonly string[];
  readonly sha: string;
  /** Committer time, unix seconds; null only for an endpoint whose date the compare did not carry (good without `baseDate`). */
  readonly date: number | null;
}

export interface TagFilter {
  /** Glob a tag name must match; "" counts as "*" (every tag). `*` matches any characters, `/` and `@` included. */
  readonly include: string;
  /** Glob of tag names to drop; "" drops nothing. */
  readonly exclude: string;
  /** When false, tags that look like prereleases (see isPrereleaseTag) are dropped. */
  readonly prereleases: boolean;
}

/** Why a range cannot be searched; every kind is the user's to fix, none is an internal failure. */
export type ResolveError =
  /** No tag has this name; `suggestions` are the closest existing names, best first (up to 3). */
  | { readonly kind: "unknown-tag"; readonly name: string; readonly suggestions: readonly string[] }
  /** good and bad are one version: the same name, or (`other` set) two names on one commit. */
  | { readonly kind: "same-tag"; readonly name: string; readonly other: string | null }
  /** bad is an ancestor of good; the swapped range would work. */
  | { readonly kind: "reversed"; readonly good: string; readonly bad: string }
  /** Neither is an ancestor of the other; `mergeBaseTags` name the commit where they fork, if tagged. */
  | {
      readonly kind: "diverged";
      readonly good: string;
      readonly bad: string;
      readonly mergeBaseTags: readonly string[];
    }
  /** The range holds tags, but the filter drops all of them (`hidden` tags). */
  | {
      readonly kind: "filter-empty";
      readonly filter: TagFilter;
      readonly good: string;
      readonly bad: string;
      readonly hidden: number;
    };
