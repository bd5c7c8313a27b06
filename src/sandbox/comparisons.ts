// Fast commit counts for the sandbox's GraphQL `Ref.compare`: a listing compares every tag with the same two refs, thousands of times per hunt.
//
// Graph.compare walks both histories in full for each call, which is fine for one REST compare and far too slow
// for 20,000 comparisons on a 25,000-commit history. Here the head's ancestor set is kept (the ends of the range
// repeat) with its descendant set, ancestor counts are remembered per commit (and follow single-parent chains for
// free), so a tag on either side of the head costs two remembered counts; only a tag on another line of history
// is walked, and that walk stops where it enters the head's history.
import type { Graph } from "./history.js";

export interface Counts {
  status: "ahead" | "behind" | "diverged" | "identical";
  /** Commits of head that base lacks. */
  aheadBy: number;
  /** Commits of base that head lacks. */
  behindBy: number;
}

/** Heads whose ancestor sets are kept; a hunt compares against two (good and bad) plus the ancestry checks' heads. */
const KEPT_HEADS = 16;

export class Comparisons {
  private readonly heads = new Map<number, { mask: Uint8Array; below: Uint8Array; count: number }>();
  /** |ancestors(i)| (i included), or -1 until known. */
  private readonly ancestorCount: Int32Array;
  private readonly stamp: Int32Array;
  private generation = 0;
  private readonly boundaryCounts = new Map<string, number>();

  /** Per commit, a bit per root commit it descends from (up to 32 roots), or null for histories with more. */
  private readonly roots: Uint32Array | null;

  constructor(private readonly graph: Graph) {
    this.ancestorCount = new Int32Array(graph.size).fill(-1);
    this.stamp = new Int32Array(graph.size);
    this.roots = rootBits(graph);
  }

  /**
   * GitHub's status alone, without counting: what an ancestry check asks. Two walks bounded by the commits' order
   * (an ancestor always sits earlier in the file) instead of two ancestor sets, and no count at all; undefined for
   * unrelated histories, like compare().
   */
  status(base: number, head: number): Counts["status"] | undefined {
    if (base === head) return "identical";
    const kept = this.heads.get(head);
    if (kept) {
      if (kept.mask[base] === 1) return "ahead";
      if (kept.below[base] === 1) return "behind";
    } else {
      if (this.graph.isAncestor(base, head)) return "ahead";
      if (this.graph.isAncestor(head, base)) return "behind";
    }
    if (this.roots === null) return this.compare(base, head)?.status;
    return ((this.roots[base] ?? 0) & (this.roots[head] ?? 0)) !== 0 ? "diverged" : undefined;
  }

  /** `git rev-list --count head ^base` and `base ^head`, and GitHub's status; undefined for unrelated histories. */
  compare(base: number, head: number): Counts | undefined {
    if (base === head) return { status: "identical", aheadBy: 0, behindBy: 0 };
    const { mask, below, count } = this.head(head);
    // One history inside the other: the counts differ by exactly the commits only one of them has.
    if (mask[base] === 1) return { status: "ahead", aheadBy: count - this.countOne(base), behindBy: 0 };
    if (below[base] === 1) return { status: "behind", aheadBy: 0, behindBy: this.countOne(base) - count };
    const gen = this.nextGeneration();
    let behindBy = 0;
    const boundary: number[] = [];
    const stack = [base];
    this.stamp[base] = gen;
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (mask[node] === 1) {
        boundary.push(node);
        continue;
      }
      behindBy++;
      for (const parent of this.graph.parents[node] ?? []) {
        if (this.stamp[parent] !== gen) {
          this.stamp[parent] = gen;
          stack.push(parent);
        }
      }
    }
    const common = this.countOf(boundary);
    if (common === 0) return undefined;
    const aheadBy = count - common;
    const status = aheadBy === 0 && behindBy === 0 ? "identical" : behindBy === 0 ? "ahead" : aheadBy === 0 ? "behind" : "diverged";
    return { status, aheadBy, behindBy };
  }

  private head(index: number): { mask: Uint8Array; below: Uint8Array; count: number } {
    const kept = this.heads.get(index);
    if (kept) return kept;
    const mask = this.graph.ancestors(index);
    const below = this.graph.descendants(index);
    let count = 0;
    for (const bit of mask) count += bit;
    if (this.heads.size >= KEPT_HEADS) this.heads.delete(this.heads.keys().next().value as number);
    const entry = { mask, below, count };
    this.heads.set(index, entry);
    this.ancestorCount[index] = count;
    return entry;
  }

  /** |ancestors of any of `nodes`|. */
  private countOf(nodes: readonly number[]): number {
    if (nodes.length === 0) return 0;
    if (nodes.length === 1) return this.countOne(nodes[0]!);
    const key = [...nodes].sort((a, b) => a - b).join(",");
    const known = this.boundaryCounts.get(key);
    if (known !== undefined) return known;
    const count = this.walkCount(nodes);
    this.boundaryCounts.set(key, count);
    return count;
  }

  /** |ancestors(node)|: a single-parent commit has one more than its parent, so chains cost one step each. */
  private countOne(node: number): number {
    const chain: number[] = [];
    let at = node;
    for (;;) {
      const known = this.ancestorCount[at]!;
      if (known >= 0) break;
      const parents = this.graph.parents[at]!;
      if (parents.length !== 1) {
        this.ancestorCount[at] = parents.length === 0 ? 1 : this.walkCount([at]);
        break;
      }
      chain.push(at);
      at = parents[0]!;
    }
    let count = this.ancestorCount[at]!;
    for (let i = chain.length - 1; i >= 0; i--) this.ancestorCount[chain[i]!] = ++count;
    return this.ancestorCount[node]!;
  }

  private walkCount(starts: readonly number[]): number {
    const gen = this.nextGeneration();
    const stack = [...starts];
    for (const node of starts) this.stamp[node] = gen;
    let count = 0;
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      count++;
      for (const parent of this.graph.parents[node] ?? []) {
        if (this.stamp[parent] !== gen) {
          this.stamp[parent] = gen;
          stack.push(parent);
        }
      }
    }
    return count;
  }

  private nextGeneration(): number {
    this.generation++;
    if (this.generation === 0x7fffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }
}

/** Which root commits each commit descends from, as bits: two commits share history exactly when they share a root. */
function rootBits(graph: Graph): Uint32Array | null {
  const bits = new Uint32Array(graph.size);
  let roots = 0;
  for (let i = 0; i < graph.size; i++) {
    const parents = graph.parents[i]!;
    if (parents.length === 0) {
      if (roots === 32) return null;
      bits[i] = (1 << roots++) >>> 0;
    } else for (const parent of parents) bits[i] = (bits[i]! | bits[parent]!) >>> 0;
  }
  return bits;
}
