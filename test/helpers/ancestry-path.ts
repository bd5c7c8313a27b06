// Resolves a range the way the GraphQL path does, with GitHub's answers (tag comparisons, ancestry checks) computed from a loaded history.
import {
  type ResolveResult,
  type TagFacts,
  type TagFilter,
  lookupEndpoints,
  planFromFacts,
  resolveVersions,
} from "../../src/versions/resolve.js";
import type { History } from "./histories.js";

export interface AncestryPathCost {
  questions: number;
  rounds: number;
  candidates: number;
}

/**
 * What GitHub's GraphQL listing says about every tag for the range good..bad: the tag's commit and date, and
 * `compare(tag → good)` with its counts and `compare(tag → bad)`'s status. Statuses are exact for every tag. The
 * counts are exact for the endpoints and for tags in the range, the only ones resolution reads; elsewhere they are
 * NaN, so a resolution that read them would go visibly wrong instead of quietly using made-up numbers.
 */
export function tagFactsFor(history: History, goodSha: string, badSha: string): TagFacts[] {
  const good = indexOf(history, goodSha);
  const bad = indexOf(history, badSha);
  const fromGood = history.ancestorMask(goodSha);
  const fromBad = history.ancestorMask(badSha);
  const toGood = descendantMask(history, good);
  const toBad = descendantMask(history, bad);
  const goodCount = fromGood.reduce((sum, bit) => sum + bit, 0);
  const stamp = new Int32Array(history.commits.length);
  let generation = 0;

  /** |ancestors(t) \ ancestors(end)| and |ancestors(end) \ ancestors(t)|, with `fromEnd` the end's mask. */
  const counts = (t: number, fromEnd: Uint8Array, endCount: number): { onlyT: number; onlyEnd: number } => {
    generation++;
    let onlyT = 0;
    const boundary: number[] = [];
    const stack = [t];
    stamp[t] = generation;
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (fromEnd[node] === 1) {
        boundary.push(node);
        continue;
      }
      onlyT++;
      forEachParent(history, node, (parent) => {
        if (stamp[parent] !== generation) {
          stamp[parent] = generation;
          stack.push(parent);
        }
      });
    }
    // The shared ancestors are the ancestors of the boundary, all inside the end's history.
    generation++;
    let shared = 0;
    const inner = [...boundary];
    for (const node of inner) stamp[node] = generation;
    for (let node = inner.pop(); node !== undefined; node = inner.pop()) {
      shared++;
      forEachParent(history, node, (parent) => {
        if (stamp[parent] !== generation) {
          stamp[parent] = generation;
          inner.push(parent);
        }
      });
    }
    return { onlyT, onlyEnd: endCount - shared };
  };

  const status = (t: number, fromEnd: Uint8Array, toEnd: Uint8Array, end: number) =>
    t === end ? "identical" : fromEnd[t] === 1 ? "ahead" : toEnd[t] === 1 ? "behind" : "diverged";
  return history.tags.map((tag) => {
    const t = indexOf(history, tag.sha);
    const exact = t === good || t === bad || (fromBad[t] === 1 && fromGood[t] === 0);
    const vsGood = exact ? counts(t, fromGood, goodCount) : { onlyT: Number.NaN, onlyEnd: Number.NaN };
    return {
      name: tag.name,
      sha: tag.sha,
      date: tag.date,
      toGood: { status: status(t, fromGood, toGood, good), aheadBy: vsGood.onlyEnd, behindBy: vsGood.onlyT },
      toBad: { status: status(t, fromBad, toBad, bad) },
    };
  });
}

/** lookupEndpoints → planFromFacts → ancestry rounds answered from the graph → the versions; `cost` gets the questions asked. */
export function resolveByAncestry(history: History, good: string, bad: string, filter: TagFilter, cost?: AncestryPathCost): ResolveResult {
  const endpoints = lookupEndpoints(history.tags, good, bad);
  if (!endpoints.ok) return { ok: false, error: endpoints.error };
  const tags = tagFactsFor(history, endpoints.good.sha, endpoints.bad.sha);
  const byName = new Map(tags.map((tag) => [tag.name, tag]));
  const goodFacts = byName.get(good);
  const badFacts = byName.get(bad);
  if (goodFacts === undefined || badFacts === undefined) throw new Error("endpoints missing from the facts");
  const plan = planFromFacts({ tags, good: goodFacts, bad: badFacts, filter });
  switch (plan.kind) {
    case "error":
      return { ok: false, error: plan.error };
    case "unusable":
      throw new Error(`facts computed from the graph were unusable: ${plan.reason}`);
    case "diverged": {
      // As the GitHub side does: one REST compare for the merge base, then the same wording as the REST path.
      const compare = history.compareRange(goodFacts.sha, badFacts.sha);
      return resolveVersions({ tags, good: goodFacts, bad: badFacts, compare, filter });
    }
    case "ahead": {
      const { proof } = plan;
      for (let questions = proof.nextQuestions(); questions.length > 0; questions = proof.nextQuestions()) {
        proof.record(questions.map((q) => ({ ...q, isAncestor: isAncestor(history, q.ancestor, q.descendant) })));
      }
      if (cost) Object.assign(cost, { ...proof.cost, candidates: proof.candidates });
      return plan.finish();
    }
  }
}

/** Whether a is an ancestor of b (or b itself), walking down from b and never below a's position. */
export function isAncestor(history: History, a: string, b: string): boolean {
  const target = indexOf(history, a);
  const start = indexOf(history, b);
  if (target === start) return true;
  const seen = new Uint8Array(history.commits.length);
  const stack = [start];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    let found = false;
    forEachParent(history, node, (parent) => {
      if (parent === target) found = true;
      // Parents come before children in the file, so nothing at a smaller position than a can lead to it.
      if (parent > target && seen[parent] === 0) {
        seen[parent] = 1;
        stack.push(parent);
      }
    });
    if (found) return true;
  }
  return false;
}

function descendantMask(history: History, from: number): Uint8Array {
  const mask = new Uint8Array(history.commits.length);
  mask[from] = 1;
  // Children come after parents, so one pass in file order marks every descendant.
  for (let node = from + 1; node < history.commits.length; node++) {
    forEachParent(history, node, (parent) => {
      if (mask[parent] === 1) mask[node] = 1;
    });
  }
  return mask;
}

function forEachParent(history: History, node: number, visit: (parent: number) => void): void {
  const end = history.parentStart[node + 1] ?? 0;
  for (let i = history.parentStart[node] ?? 0; i < end; i++) visit(history.parentIndices[i] ?? 0);
}

function indexOf(history: History, sha: string): number {
  const index = history.indexOf.get(sha);
  if (index === undefined) throw new Error(`unknown commit ${sha}`);
  return index;
}
