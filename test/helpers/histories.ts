// Loads the real tag histories in shared/fixtures/histories and answers graph questions about them like git and GitHub would.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { RangeCommit, RangeCompare, TagRef } from "../../src/versions/resolve.js";

/** The shared fixtures sit beside the repository (…/main and …/shared), locally and on CI. */
export const HISTORIES_DIR = new URL("../../../shared/fixtures/histories/", import.meta.url);

/** Every fixture, as `owner__name` file stems. */
export const HISTORY_NAMES = [
  "expressjs__express",
  "vitejs__vite",
  "prettier__prettier",
  "redis__redis",
  "sveltejs__svelte",
  "pallets__flask",
  "nodejs__undici",
  "git__git",
] as const;
export type HistoryName = (typeof HISTORY_NAMES)[number];

export interface HistoryTag extends TagRef {
  /** Committer time of the tagged commit (not of the tag object), unix seconds. */
  readonly date: number;
  readonly annotated: boolean;
}

/** The file's JSON shape (see the fixtures README); also how tests describe small made-up histories. */
export interface HistoryData {
  readonly repo: string;
  readonly defaultBranch: string;
  readonly defaultBranchSha: string;
  /** [sha, parents, committer unix seconds], every parent listed before its children. */
  readonly commits: readonly (readonly [sha: string, parents: readonly string[], date: number])[];
  readonly tags: readonly { readonly name: string; readonly sha: string; readonly date: number; readonly annotated: boolean }[];
}

/** A loaded history: plain data plus pure queries; nothing here mutates after loading. */
export interface History {
  /** "owner/name". */
  readonly repo: string;
  readonly defaultBranch: string;
  readonly defaultBranchSha: string;
  /** Oldest first, in topological order: every parent comes before its children. */
  readonly commits: readonly RangeCommit[];
  /** Sorted by date, then name, as in the file. */
  readonly tags: readonly HistoryTag[];
  /** Position of each commit in `commits`. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Parents by position, for fast walks: parents of commit i are parentIndices[parentStart[i] .. parentStart[i + 1]). */
  readonly parentStart: Int32Array;
  readonly parentIndices: Int32Array;
  commit(sha: string): RangeCommit;
  tag(name: string): HistoryTag;
  /** Tags whose commit is `sha`, in file order. */
  tagsOn(sha: string): readonly HistoryTag[];
  /** Commits reachable from `sha` (itself included), as a mark per commit index: fast, for heavy use. */
  ancestorMask(sha: string): Uint8Array;
  /** Commits reachable from `sha`, itself included. */
  ancestorsOf(sha: string): Set<string>;
  /** Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
  isAncestor(ancestor: string, descendant: string): boolean;
  /**
   * What GitHub's compare `base...head` (by commit SHA) says: "identical" for one commit;
   * "ahead" when base is an ancestor of head, with every commit reachable from head and not from
   * base (oldest first, all at once, where GitHub would paginate) and base as merge base;
   * "behind" when head is an ancestor of base (merge base head); otherwise "diverged" with a best
   * common ancestor as merge base (null for unrelated histories). Only "ahead" lists commits.
   * `baseDate` is the base commit's committer time.
   */
  compareRange(baseSha: string, headSha: string): RangeCompare;
}

const cache = new Map<string, History>();

/**
 * Reads and indexes one fixture; repeated calls return the same object, so a test file pays
 * for git/git (82k commits, ~0.3 s) once. Accepts "git__git" or "git/git".
 */
export function loadHistory(name: string): History {
  const stem = name.replace("/", "__");
  const cached = cache.get(stem);
  if (cached !== undefined) return cached;
  const file = JSON.parse(
    gunzipSync(readFileSync(new URL(`${stem}.json.gz`, HISTORIES_DIR))).toString("utf8"),
  ) as HistoryData;
  const history = createHistory(file);
  cache.set(stem, history);
  return history;
}

/** Indexes history data (a fixture file or a hand-made graph); throws if a parent or tag commit is missing. */
export function createHistory(file: HistoryData): History {
  const commits: RangeCommit[] = file.commits.map(([sha, parents, date]) => ({ sha, parents, date }));
  const indexOf = new Map<string, number>();
  for (const [index, commit] of commits.entries()) indexOf.set(commit.sha, index);

  // Parents as indices, flattened: parentIndices[parentStart[i] .. parentStart[i + 1]).
  const parentStart = new Int32Array(commits.length + 1);
  const parentList: number[] = [];
  for (const [index, commit] of commits.entries()) {
    for (const parent of commit.parents) parentList.push(indexOrThrow(indexOf, parent));
    parentStart[index + 1] = parentList.length;
  }
  const parentIndices = Int32Array.from(parentList);

  const tags: HistoryTag[] = file.tags.map(({ name, sha, date, annotated }) => ({ name, sha, date, annotated }));
  const tagByName = new Map(tags.map((tag) => [tag.name, tag]));
  const tagsBySha = new Map<string, HistoryTag[]>();
  for (const tag of tags) {
    const onCommit = tagsBySha.get(tag.sha);
    if (onCommit === undefined) tagsBySha.set(tag.sha, [tag]);
    else onCommit.push(tag);
  }

  const commit = (sha: string): RangeCommit => {
    const found = commits[indexOrThrow(indexOf, sha)];
    if (found === undefined) throw new Error(`no commit ${sha} in ${file.repo}`);
    return found;
  };

  // Iterative: git/git has first-parent chains tens of thousands of commits long.
  const ancestorMask = (sha: string): Uint8Array => {
    const mask = new Uint8Array(commits.length);
    const stack = [indexOrThrow(indexOf, sha)];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (mask[node] === 1) continue;
      mask[node] = 1;
      const end = parentStart[node + 1] ?? 0;
      for (let i = parentStart[node] ?? 0; i < end; i++) {
        const parent = parentIndices[i] ?? 0;
        if (mask[parent] === 0) stack.push(parent);
      }
    }
    return mask;
  };

  const compareRange = (baseSha: string, headSha: string): RangeCompare => {
    const base = indexOrThrow(indexOf, baseSha);
    const head = indexOrThrow(indexOf, headSha);
    const baseDate = commits[base]?.date ?? null;
    if (base === head) return { status: "identical", mergeBaseSha: baseSha, commits: [], baseDate };
    const fromBase = ancestorMask(baseSha);
    const fromHead = ancestorMask(headSha);
    if (fromHead[base] === 1) {
      const range = commits.filter((_, index) => fromHead[index] === 1 && fromBase[index] === 0);
      return { status: "ahead", mergeBaseSha: baseSha, commits: range, baseDate };
    }
    if (fromBase[head] === 1) return { status: "behind", mergeBaseSha: headSha, commits: [], baseDate };
    // The newest common commit in topological order has no common descendant (those would
    // come later), so it is a best common ancestor, as `git merge-base` would pick one.
    let mergeBase: number | null = null;
    for (let index = commits.length - 1; index >= 0; index--) {
      if (fromBase[index] === 1 && fromHead[index] === 1) {
        mergeBase = index;
        break;
      }
    }
    const mergeBaseSha = mergeBase === null ? null : (commits[mergeBase]?.sha ?? null);
    return { status: "diverged", mergeBaseSha, commits: [], baseDate };
  };

  return {
    repo: file.repo,
    defaultBranch: file.defaultBranch,
    defaultBranchSha: file.defaultBranchSha,
    commits,
    tags,
    indexOf,
    parentStart,
    parentIndices,
    commit,
    tag(name) {
      const found = tagByName.get(name);
      if (found === undefined) throw new Error(`no tag ${name} in ${file.repo}`);
      return found;
    },
    tagsOn: (sha) => tagsBySha.get(sha) ?? [],
    ancestorMask,
    ancestorsOf(sha) {
      const mask = ancestorMask(sha);
      const ancestors = new Set<string>();
      for (const [index, reached] of mask.entries()) if (reached === 1) ancestors.add(commits[index]?.sha ?? "");
      return ancestors;
    },
    isAncestor: (ancestor, descendant) => ancestorMask(descendant)[indexOrThrow(indexOf, ancestor)] === 1,
    compareRange,
  };
}

function indexOrThrow(indexOf: ReadonlyMap<string, number>, sha: string): number {
  const index = indexOf.get(sha);
  if (index === undefined) throw new Error(`unknown commit ${sha}`);
  return index;
}
