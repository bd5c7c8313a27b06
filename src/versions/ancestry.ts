// Orders the versions of a range from batched ancestry answers (GraphQL `Ref.compare`) instead of the range's commits.
//
// Why this is enough for the §5 order. order.ts places, among the versions whose ancestor versions are all placed,
// the one with the smallest key (commit date, then name). Call a pair (x, y) an inversion when x is an ancestor of y
// but x's key is the larger one. The greedy order under *any* relation B with inversions ⊆ B ⊆ ancestry is the same
// as under the whole ancestry: a version z that is smallest among the B-ready ones is also ready under ancestry,
// since an unplaced ancestor x of z with a larger key would be an inversion (so in B, and z not B-ready), and one with
// a smaller key is itself not B-ready, so it has an unplaced B-ancestor, which is an ancestor of z too: follow that
// chain down (it ends, ancestry has no cycles) to an ancestor of z with a larger key, a contradiction. And every
// ancestry-ready version is B-ready. So the order needs exactly the inversions, and the work is to rule out every
// pair that could be one.
//
// Counts rule out most pairs for free. The listing compares each tag with `good`, which gives, for a version t,
// depth(t) = |ancestors(t) \ ancestors(good)| and missing(t) = |ancestors(good) \ ancestors(t)|. If x is a proper
// ancestor of y then depth(x) < depth(y) (y itself counts for y only) and missing(x) ≥ missing(y). What is left
// (maintenance releases tagged after newer releases of the main line) is settled by asking GitHub, in rounds that
// lean on transitivity: if y is an ancestor of z and x is not an ancestor of z, x is not an ancestor of y.
import { compareTagNames } from "./names.js";

/** One version of the range with what the tag listing said about it against `good`. */
export interface AncestryItem {
  readonly sha: string;
  /** Committer time, unix seconds. */
  readonly date: number;
  /** The name that orders the version (the first of its names in code unit order). */
  readonly name: string;
  /** |ancestors(sha) \ ancestors(good)|: GraphQL's `behindBy` of `compare(tag → good)`. */
  readonly depth: number;
  /** |ancestors(good) \ ancestors(sha)|: GraphQL's `aheadBy` of `compare(tag → good)`. */
  readonly missing: number;
}

/** "Is `ancestor` an ancestor of `descendant`?", by commit SHA. */
export interface AncestryQuestion {
  readonly ancestor: string;
  readonly descendant: string;
}

export interface AncestryAnswer extends AncestryQuestion {
  readonly isAncestor: boolean;
}

/** Rounds after which every remaining pair is asked outright rather than through a chain. */
const DIRECT_FROM_ROUND = 3;

/**
 * The pairs that could be inversions, and what has been learnt about them. Pure: the caller asks GitHub the
 * questions of `nextQuestions()`, hands the answers to `record()`, and repeats until `done`.
 */
export class AncestryProof {
  private readonly items: readonly AncestryItem[];
  private readonly indexOf = new Map<string, number>();
  private readonly words: number;
  /** reach[i]: the items known to be descendants of i (i included), as a bitset; closed under known facts. */
  private reach: Uint32Array[];
  /** notBelow[i]: the items known not to be descendants of i. */
  private readonly notBelow: Uint32Array[];
  private readonly positives: [number, number][] = [];
  private readonly asked = new Set<string>();
  /** Unresolved pairs (x, y): x's key is larger, and the counts allow x to be an ancestor of y. */
  private open: [number, number][];
  private readonly candidateList: readonly [number, number][];
  private rounds = 0;
  private questionCount = 0;
  /** Pairs that the counts could not rule out, before any question. */
  readonly candidates: number;

  constructor(items: readonly AncestryItem[]) {
    this.items = items;
    items.forEach((item, index) => this.indexOf.set(item.sha, index));
    this.words = Math.ceil(items.length / 32);
    this.open = this.findCandidates();
    this.candidateList = [...this.open];
    this.candidates = this.open.length;
    // Bitsets only when there is something to prove: a range of 10,000 versions with none needs no 12 MB matrix.
    this.reach = this.open.length === 0 ? [] : items.map((_, index) => this.bit(index));
    this.notBelow = this.open.length === 0 ? [] : items.map(() => new Uint32Array(this.words));
  }

  /**
   * Pairs (x, y) with x's key larger and depth(x) < depth(y), missing(x) ≥ missing(y). Walking the items by key,
   * each one is checked against the earlier ones that are deeper, found by binary search in a depth-sorted list:
   * where dates follow history (nearly always) few are deeper, so this stays near n log n for thousands of versions.
   */
  private findCandidates(): [number, number][] {
    const byKey = this.items.map((_, index) => index).sort((a, b) => (this.keyAfter(a, b) ? 1 : this.keyAfter(b, a) ? -1 : a - b));
    const depthOf = (index: number): number => this.items[index]?.depth ?? 0;
    const seen: number[] = [];
    const pairs: [number, number][] = [];
    for (const x of byKey) {
      const depth = depthOf(x);
      // First position in `seen` whose depth exceeds x's.
      let low = 0;
      let high = seen.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (depthOf(seen[middle] ?? 0) <= depth) low = middle + 1;
        else high = middle;
      }
      for (let i = low; i < seen.length; i++) {
        const y = seen[i] ?? 0;
        if (this.countsAllow(x, y) && this.keyAfter(x, y)) pairs.push([x, y]);
      }
      seen.splice(low, 0, x);
    }
    return pairs;
  }

  get done(): boolean {
    return this.open.length === 0;
  }

  /** Questions asked so far, and rounds. */
  get cost(): { readonly questions: number; readonly rounds: number } {
    return { questions: this.questionCount, rounds: this.rounds };
  }

  /**
   * The next round of questions (none when done). Round 1 guesses chains: each version that some later-keyed
   * version might sit below is asked against its nearest possible successor, and each such later-keyed version
   * against the deepest version it might sit below. Round 2 asks each against the top of every chain the answers
   * revealed. From round 3 the remaining pairs are asked as they are.
   */
  nextQuestions(): AncestryQuestion[] {
    if (this.done) return [];
    this.rounds++;
    const questions: AncestryQuestion[] = [];
    const ask = (ancestor: number, descendant: number): void => {
      const key = `${ancestor},${descendant}`;
      if (this.asked.has(key)) return;
      this.asked.add(key);
      questions.push({ ancestor: this.sha(ancestor), descendant: this.sha(descendant) });
    };
    const below = new Map<number, number[]>();
    for (const [x, y] of this.open) {
      const list = below.get(x);
      if (list === undefined) below.set(x, [y]);
      else list.push(y);
    }
    if (this.rounds >= DIRECT_FROM_ROUND) {
      for (const [x, ys] of below) for (const y of ys) ask(x, y);
    } else if (this.rounds === 1) {
      const targets = [...new Set(this.open.map(([, y]) => y))];
      for (const y of targets) {
        let next = -1;
        for (const z of targets) {
          if (z === y || !this.keyAfter(z, y) || !this.countsAllow(y, z)) continue;
          if (next < 0 || (this.items[z]?.depth ?? 0) < (this.items[next]?.depth ?? 0)) next = z;
        }
        if (next >= 0) ask(y, next);
      }
      for (const [x, ys] of below) ask(x, this.deepest(ys));
    } else {
      for (const [x, ys] of below) {
        // The tops of what is known: ys with no other y of the set known above them.
        for (const y of ys) {
          const reachY = this.reach[y];
          if (reachY === undefined) continue;
          if (!ys.some((z) => z !== y && hasBit(reachY, z))) ask(x, y);
        }
      }
    }
    this.questionCount += questions.length;
    // Asking nothing new would loop forever; cannot happen while pairs are open (the direct round asks them all).
    if (questions.length === 0) throw new Error("ancestry proof is stuck with open pairs and nothing to ask");
    return questions;
  }

  /** Takes the answers to a round (in any order; unknown SHAs are a caller bug). */
  record(answers: readonly AncestryAnswer[]): void {
    for (const answer of answers) {
      const a = this.indexOf.get(answer.ancestor);
      const b = this.indexOf.get(answer.descendant);
      if (a === undefined || b === undefined) throw new Error(`answer about a commit that is not a version: ${answer.ancestor} ${answer.descendant}`);
      if (answer.isAncestor) this.positives.push([a, b]);
      else setBit(this.notBelow[a] ?? new Uint32Array(this.words), b);
    }
    this.closeReach();
    this.open = this.open.filter(([x, y]) => !this.settled(x, y));
  }

  /**
   * Known ancestor pairs (by index into the items) that include every inversion: what orderByKnownAncestry needs.
   * Only valid when done.
   */
  knownAncestry(): [number, number][] {
    if (!this.done) throw new Error("the ancestry proof still has open pairs");
    const pairs: [number, number][] = [...this.positives];
    for (const [x, y] of this.candidateList) if (hasBit(this.reach[x] ?? new Uint32Array(0), y)) pairs.push([x, y]);
    return pairs;
  }

  private settled(x: number, y: number): boolean {
    const reachX = this.reach[x];
    const reachY = this.reach[y];
    const notBelowX = this.notBelow[x];
    if (reachX === undefined || reachY === undefined || notBelowX === undefined) return false;
    if (hasBit(reachX, y)) return true;
    // x is not an ancestor of some descendant z of y, so not of y either.
    for (let w = 0; w < this.words; w++) if (((reachY[w] ?? 0) & (notBelowX[w] ?? 0)) !== 0) return true;
    return false;
  }

  /** Closes the known descendants under transitivity: deeper items first, since a descendant is always deeper. */
  private closeReach(): void {
    const outgoing: number[][] = this.items.map(() => []);
    for (const [a, b] of this.positives) outgoing[a]?.push(b);
    const byDepth = this.items.map((_, index) => index).sort((a, b) => (this.items[b]?.depth ?? 0) - (this.items[a]?.depth ?? 0));
    const reach = this.items.map((_, index) => this.bit(index));
    for (const a of byDepth) {
      const mine = reach[a];
      if (mine === undefined) continue;
      for (const b of outgoing[a] ?? []) {
        const theirs = reach[b];
        if (theirs !== undefined) for (let w = 0; w < this.words; w++) mine[w] = (mine[w] ?? 0) | (theirs[w] ?? 0);
      }
    }
    this.reach = reach;
  }

  private deepest(indices: readonly number[]): number {
    let best = indices[0] ?? 0;
    for (const index of indices) if ((this.items[index]?.depth ?? 0) > (this.items[best]?.depth ?? 0)) best = index;
    return best;
  }

  /** Whether x comes after y by (date, name). */
  private keyAfter(x: number, y: number): boolean {
    const a = this.items[x];
    const b = this.items[y];
    if (a === undefined || b === undefined) return false;
    if (a.date !== b.date) return a.date > b.date;
    return compareTagNames(a.name, b.name) > 0;
  }

  /** Whether the counts allow x to be a proper ancestor of y. */
  private countsAllow(x: number, y: number): boolean {
    const a = this.items[x];
    const b = this.items[y];
    return a !== undefined && b !== undefined && a.depth < b.depth && a.missing >= b.missing;
  }

  private sha(index: number): string {
    const item = this.items[index];
    if (item === undefined) throw new Error(`no version at ${index}`);
    return item.sha;
  }

  private bit(index: number): Uint32Array {
    const bits = new Uint32Array(this.words);
    setBit(bits, index);
    return bits;
  }
}

function setBit(bits: Uint32Array, index: number): void {
  bits[index >>> 5] = (bits[index >>> 5] ?? 0) | (1 << (index & 31));
}

function hasBit(bits: Uint32Array, index: number): boolean {
  return ((bits[index >>> 5] ?? 0) & (1 << (index & 31))) !== 0;
}
