// Orders the versions inside a compare range along history: ancestors first, ties by commit date, then name.
import { compareTagNames } from "./names.js";
import type { RangeCommit } from "./types.js";

/** A version to place: its commit (which must be in the range), date and naming tag. */
export interface OrderItem {
  readonly sha: string;
  readonly date: number;
  readonly name: string;
}

/*
 * Why ancestry can be decided inside the range alone. The range R is ancestors(bad) minus
 * ancestors(good). Take x, y in R with x an ancestor of y, and any commit z on a parent path
 * from y down to x. z is an ancestor of y, hence of bad. If z were an ancestor of good, then x,
 * an ancestor of z, would be one too, and x would not be in R. So z is in R: every path between
 * two range commits stays in the range, and the parents that leave it can be ignored.
 */

/**
 * The deterministic linear extension of ancestry among the items: repeatedly place, among the
 * items whose ancestor items are all placed, the one with the smallest (date, name, index).
 * Returns item indices in that order.
 *
 * `range` comes from indexRange; every item's commit must be in it.
 *
 * Cost: one walk over the range commits that are ancestors of some item, carrying a bitset of
 * the items below each commit (shared along linear stretches, copied only at merges and item
 * commits), then O(items²/32) to read the relation back. Tens of thousands of commits and a
 * thousand items take milliseconds.
 */
export function orderAlongHistory(range: RangeIndex, items: readonly OrderItem[]): number[] {
  const itemAt = new Int32Array(range.size).fill(-1);
  const itemNodes = items.map((item, index) => {
    const node = range.nodeBySha.get(item.sha);
    if (node === undefined) throw new Error(`version commit ${item.sha} is not in the compare range`);
    if (itemAt[node] !== -1) throw new Error(`two versions share commit ${item.sha}`);
    itemAt[node] = index;
    return node;
  });
  return placeGreedily(items, itemsBelow(range, itemAt, itemNodes));
}

/** The compare commits as a graph of small integers, so the walks below avoid string hashing. */
export interface RangeIndex {
  readonly size: number;
  readonly nodeBySha: ReadonlyMap<string, number>;
  /** Committer time of each node. */
  readonly dates: Float64Array;
  /** Parents of node i that are in the range: parentNodes[parentStart[i] .. parentStart[i+1]). */
  readonly parentStart: Int32Array;
  readonly parentNodes: Int32Array;
}

/** Indexes the compare commits (any order; a repeated SHA counts once). */
export function indexRange(range: readonly RangeCommit[]): RangeIndex {
  const nodeBySha = new Map<string, number>();
  const unique: RangeCommit[] = [];
  let parentCount = 0;
  for (const commit of range) {
    if (nodeBySha.has(commit.sha)) continue;
    nodeBySha.set(commit.sha, unique.length);
    unique.push(commit);
    parentCount += commit.parents.length;
  }
  const dates = new Float64Array(unique.length);
  const parentStart = new Int32Array(unique.length + 1);
  const parentNodes = new Int32Array(parentCount);
  let filled = 0;
  for (const [node, commit] of unique.entries()) {
    dates[node] = commit.date;
    for (const parentSha of commit.parents) {
      const parent = nodeBySha.get(parentSha);
      if (parent !== undefined) parentNodes[filled++] = parent;
    }
    parentStart[node + 1] = filled;
  }
  return { size: unique.length, nodeBySha, dates, parentStart, parentNodes: parentNodes.subarray(0, filled) };
}

/**
 * For each item, the bitset of items at or below its commit (its own bit included). Visits
 * parents before children with an explicit stack, so deep linear histories cannot overflow
 * the call stack.
 */
function itemsBelow(graph: RangeIndex, itemAt: Int32Array, itemNodes: readonly number[]): Uint32Array[] {
  const words = Math.ceil(itemNodes.length / 32);
  const empty = new Uint32Array(words);
  // null means "no item below": most commits of a big range share it without allocating.
  const below: (Uint32Array | null)[] = new Array<Uint32Array | null>(graph.size).fill(null);
  const visited = new Uint8Array(graph.size);
  const cursor = new Int32Array(graph.size);
  const stack = new Int32Array(graph.size);
  const { parentStart, parentNodes } = graph;

  for (const root of itemNodes) {
    if (visited[root] === 1) continue;
    visited[root] = 1;
    cursor[root] = parentStart[root] ?? 0;
    let depth = 0;
    stack[depth++] = root;
    while (depth > 0) {
      const node = stack[depth - 1] ?? 0;
      const end = parentStart[node + 1] ?? 0;
      const next = cursor[node] ?? 0;
      if (next < end) {
        cursor[node] = next + 1;
        const parent = parentNodes[next] ?? 0;
        if (visited[parent] === 0) {
          visited[parent] = 1;
          cursor[parent] = parentStart[parent] ?? 0;
          stack[depth++] = parent;
        }
        continue;
      }
      depth--;
      below[node] = mergeParents(below, parentNodes, parentStart[node] ?? 0, end, itemAt[node] ?? -1, words);
    }
  }
  return itemNodes.map((node) => below[node] ?? empty);
}

/** The bitset of a commit from its parents' bitsets: shared when a single parent carries one, else a fresh union. */
function mergeParents(
  below: readonly (Uint32Array | null)[],
  parentNodes: Int32Array,
  start: number,
  end: number,
  ownItem: number,
  words: number,
): Uint32Array | null {
  let shared: Uint32Array | null = null;
  let fresh: Uint32Array | null = null;
  for (let i = start; i < end; i++) {
    const parentBits = below[parentNodes[i] ?? 0] ?? null;
    if (parentBits === null || parentBits === shared || parentBits === fresh) continue;
    if (shared === null) {
      shared = parentBits;
      continue;
    }
    fresh ??= shared.slice();
    for (let w = 0; w < words; w++) fresh[w] = (fresh[w] ?? 0) | (parentBits[w] ?? 0);
  }
  if (ownItem < 0) return fresh ?? shared;
  fresh ??= shared === null ? new Uint32Array(words) : shared.slice();
  fresh[ownItem >>> 5] = (fresh[ownItem >>> 5] ?? 0) | (1 << (ownItem & 31));
  return fresh;
}

/**
 * The same greedy placement from known ancestor pairs [ancestor, descendant] (indices into items) instead of the
 * range's commits. The pairs need not be all of ancestry: every pair whose ancestor has the larger (date, name) must
 * be there, and any others may be (see ancestry.ts for why that yields the same order). Repeated pairs count once.
 */
export function orderByKnownAncestry(items: readonly OrderItem[], pairs: readonly (readonly [number, number])[]): number[] {
  const waitingOn = new Int32Array(items.length);
  const unblocks: number[][] = items.map(() => []);
  const seen = new Set<number>();
  for (const [ancestor, descendant] of pairs) {
    if (ancestor === descendant || ancestor >= items.length || descendant >= items.length) continue;
    const key = ancestor * items.length + descendant;
    if (seen.has(key)) continue;
    seen.add(key);
    waitingOn[descendant] = (waitingOn[descendant] ?? 0) + 1;
    unblocks[ancestor]?.push(descendant);
  }
  return placeInOrder(items, waitingOn, unblocks);
}

function placeGreedily(items: readonly OrderItem[], below: readonly Uint32Array[]): number[] {
  const waitingOn = new Int32Array(items.length);
  const unblocks: number[][] = items.map(() => []);
  for (const [item, bits] of below.entries()) {
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w] ?? 0;
      while (word !== 0) {
        const lowest = word & -word;
        const ancestor = w * 32 + (31 - Math.clz32(lowest));
        word ^= lowest;
        if (ancestor === item) continue;
        waitingOn[item] = (waitingOn[item] ?? 0) + 1;
        unblocks[ancestor]?.push(item);
      }
    }
  }
  return placeInOrder(items, waitingOn, unblocks);
}

/** Places items whose ancestors are all placed, smallest (date, name, index) first. */
function placeInOrder(items: readonly OrderItem[], waitingOn: Int32Array, unblocks: readonly number[][]): number[] {
  const before = (a: number, b: number): boolean => {
    const x = items[a];
    const y = items[b];
    if (x === undefined || y === undefined) return a < b;
    if (x.date !== y.date) return x.date < y.date;
    const byName = compareTagNames(x.name, y.name);
    return byName !== 0 ? byName < 0 : a < b;
  };
  const ready = new MinHeap(before);
  for (let item = 0; item < items.length; item++) if (waitingOn[item] === 0) ready.push(item);

  const order: number[] = [];
  for (let item = ready.pop(); item !== undefined; item = ready.pop()) {
    order.push(item);
    for (const child of unblocks[item] ?? []) {
      const left = (waitingOn[child] ?? 0) - 1;
      waitingOn[child] = left;
      if (left === 0) ready.push(child);
    }
  }
  return order;
}

/** A binary heap of item indices under a strict "comes before" relation. */
class MinHeap {
  private readonly heap: number[] = [];

  constructor(private readonly before: (a: number, b: number) => boolean) {}

  push(value: number): void {
    const heap = this.heap;
    let at = heap.length;
    heap.push(value);
    while (at > 0) {
      const up = (at - 1) >> 1;
      const parent = heap[up] ?? value;
      if (!this.before(value, parent)) break;
      heap[at] = parent;
      at = up;
    }
    heap[at] = value;
  }

  pop(): number | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const leftValue = heap[left] ?? last;
      const rightValue = heap[right];
      const child = rightValue !== undefined && this.before(rightValue, leftValue) ? right : left;
      const childValue = heap[child] ?? last;
      if (!this.before(childValue, last)) break;
      heap[at] = childValue;
      at = child;
    }
    heap[at] = last;
    return top;
  }
}
