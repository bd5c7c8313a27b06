// The sandbox repository's commit graph: loads a fixture history and answers ancestry, ref and compare questions.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/** The on-disk shape of fixtures/histories/*.json.gz (see that folder's README). */
export interface HistoryData {
  repo: string;
  defaultBranch: string;
  defaultBranchSha: string;
  /** [sha, parents, committer unix seconds], parents always before children. */
  commits: Array<[string, string[], number]>;
  tags: Array<{ name: string; sha: string; date: number; annotated: boolean }>;
}

export function loadHistoryFile(path: string): HistoryData {
  const raw = readFileSync(path);
  const text = path.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  const data = JSON.parse(text) as HistoryData;
  if (!data || !Array.isArray(data.commits) || !Array.isArray(data.tags) || typeof data.defaultBranch !== "string") {
    throw new Error(`${path} is not a history file (expected {repo, defaultBranch, defaultBranchSha, commits, tags})`);
  }
  return data;
}

export interface ResolvedRef {
  sha: string;
  index: number;
  kind: "branch" | "tag" | "sha";
  name: string;
}

export interface Comparison {
  status: "ahead" | "behind" | "diverged" | "identical";
  aheadBy: number;
  behindBy: number;
  mergeBase: number;
  /** Commits reachable from head and not from base, oldest first in topological order. */
  commits: number[];
}

/**
 * Commits are addressed by their index in the file's topological order, which makes
 * "every ancestor has a smaller index" usable for pruning walks on the 80k-commit git history.
 */
export class Graph {
  readonly repo: string;
  readonly defaultBranch: string;
  readonly tip: number;
  readonly shas: string[];
  readonly parents: number[][];
  readonly times: number[];
  readonly tags: Array<{ name: string; sha: string; index: number; date: number; annotated: boolean }>;
  private readonly bySha = new Map<string, number>();
  private readonly tagsByName = new Map<string, number>();
  private childrenCache: number[][] | undefined;

  constructor(data: HistoryData) {
    this.repo = data.repo;
    this.defaultBranch = data.defaultBranch;
    this.shas = data.commits.map((c) => c[0]);
    this.times = data.commits.map((c) => c[2]);
    this.shas.forEach((sha, i) => this.bySha.set(sha, i));
    this.parents = data.commits.map(([sha, parents]) =>
      parents.map((p) => {
        const index = this.bySha.get(p);
        if (index === undefined) throw new Error(`history ${data.repo}: parent ${p} of ${sha} is missing`);
        return index;
      }),
    );
    this.parents.forEach((ps, i) => {
      if (ps.some((p) => p >= i)) throw new Error(`history ${data.repo}: commits are not in topological order at ${this.shas[i]}`);
    });
    const tip = this.bySha.get(data.defaultBranchSha);
    if (tip === undefined) throw new Error(`history ${data.repo}: default branch tip ${data.defaultBranchSha} is missing`);
    this.tip = tip;
    this.tags = data.tags.map((t) => {
      const index = this.bySha.get(t.sha);
      if (index === undefined) throw new Error(`history ${data.repo}: tag ${t.name} points at unknown commit ${t.sha}`);
      return { name: t.name, sha: t.sha, index, date: t.date, annotated: t.annotated };
    });
    this.tags.forEach((t, i) => this.tagsByName.set(t.name, i));
  }

  get size(): number {
    return this.shas.length;
  }

  sha(index: number): string {
    const sha = this.shas[index];
    if (sha === undefined) throw new Error(`no commit at index ${index}`);
    return sha;
  }

  indexOf(sha: string): number | undefined {
    return this.bySha.get(sha);
  }

  tag(name: string): { name: string; sha: string; index: number } | undefined {
    const i = this.tagsByName.get(name);
    return i === undefined ? undefined : this.tags[i];
  }

  /** Branch names, tag names, `refs/heads/…`, `refs/tags/…`, and full or unique abbreviated SHAs (≥ 7 hex digits), as GitHub accepts. */
  resolve(ref: string): ResolvedRef | undefined {
    if (ref.startsWith("refs/heads/")) return this.resolveBranch(ref.slice("refs/heads/".length));
    if (ref.startsWith("refs/tags/")) return this.resolveTag(ref.slice("refs/tags/".length));
    if (ref === "HEAD") return this.resolveBranch(this.defaultBranch);
    return this.resolveBranch(ref) ?? this.resolveTag(ref) ?? this.resolveSha(ref);
  }

  private resolveBranch(name: string): ResolvedRef | undefined {
    return name === this.defaultBranch ? { sha: this.sha(this.tip), index: this.tip, kind: "branch", name } : undefined;
  }

  private resolveTag(name: string): ResolvedRef | undefined {
    const tag = this.tag(name);
    return tag ? { sha: tag.sha, index: tag.index, kind: "tag", name } : undefined;
  }

  private resolveSha(ref: string): ResolvedRef | undefined {
    const hex = ref.toLowerCase();
    if (!/^[0-9a-f]{7,40}$/.test(hex)) return undefined;
    const exact = this.bySha.get(hex);
    if (exact !== undefined) return { sha: hex, index: exact, kind: "sha", name: ref };
    if (hex.length === 40) return undefined;
    let found: number | undefined;
    for (let i = 0; i < this.shas.length; i++) {
      if (this.shas[i]!.startsWith(hex)) {
        if (found !== undefined) return undefined; // ambiguous, like git
        found = i;
      }
    }
    return found === undefined ? undefined : { sha: this.sha(found), index: found, kind: "sha", name: ref };
  }

  /** Marks every ancestor of `index`, itself included. */
  ancestors(index: number): Uint8Array {
    const mark = new Uint8Array(this.size);
    const stack = [index];
    mark[index] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (const p of this.parents[i]!) {
        if (!mark[p]) {
          mark[p] = 1;
          stack.push(p);
        }
      }
    }
    return mark;
  }

  /** Marks every descendant of `index`, itself included. */
  descendants(index: number): Uint8Array {
    const children = this.children();
    const mark = new Uint8Array(this.size);
    const stack = [index];
    mark[index] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (const c of children[i]!) {
        if (!mark[c]) {
          mark[c] = 1;
          stack.push(c);
        }
      }
    }
    return mark;
  }

  /** True when `a` is an ancestor of `b` or the same commit. */
  isAncestor(a: number, b: number): boolean {
    if (a === b) return true;
    if (a > b) return false;
    const seen = new Uint8Array(this.size);
    const stack = [b];
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (const p of this.parents[i]!) {
        if (p === a) return true;
        // Nothing below a's index can have a as an ancestor.
        if (p > a && !seen[p]) {
          seen[p] = 1;
          stack.push(p);
        }
      }
    }
    return false;
  }

  /** `git log base..head` counts and list; undefined when the two share no history. */
  compare(base: number, head: number): Comparison | undefined {
    const fromHead = this.ancestors(head);
    const fromBase = this.ancestors(base);
    let mergeBase = -1;
    let aheadBy = 0;
    let behindBy = 0;
    const commits: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const h = fromHead[i] === 1;
      const b = fromBase[i] === 1;
      if (h && b) mergeBase = i; // the highest common index can be nobody's ancestor among the common ones: a best merge base
      else if (h) {
        aheadBy++;
        commits.push(i);
      } else if (b) behindBy++;
    }
    if (mergeBase < 0) return undefined;
    const status = aheadBy === 0 && behindBy === 0 ? "identical" : behindBy === 0 ? "ahead" : aheadBy === 0 ? "behind" : "diverged";
    return { status, aheadBy, behindBy, mergeBase, commits };
  }

  private children(): number[][] {
    if (!this.childrenCache) {
      const children: number[][] = this.shas.map(() => []);
      this.parents.forEach((ps, i) => ps.forEach((p) => children[p]!.push(i)));
      this.childrenCache = children;
    }
    return this.childrenCache;
  }
}
