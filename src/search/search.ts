// The pure search core (§5): from verdicts and runs in flight, works out the open interval, picks, candidates and whether the hunt is done.
import type { Observation, SearchInput, SearchOptions, SearchView, Verdict } from "./types.js";

/**
 * Worst-case number of rounds still needed when `versionsLeft` versions are undecided and
 * `k` versions are tested per round: the smallest r >= 0 with (k+1)^r >= versionsLeft + 1,
 * i.e. ⌈log_(k+1)(versionsLeft + 1)⌉.
 *
 * Why "+ 1": n undecided versions leave n + 1 possible answers (any of them, or the known-bad
 * end), and one round of k runs splits the possible answers into at most k + 1 groups.
 * Computed by repeated multiplication so no floating-point log can land one off.
 * Returns 0 when nothing is left; k below 1 is treated as 1.
 */
export function roundsNeeded(versionsLeft: number, k: number): number {
  if (!(versionsLeft > 0)) return 0;
  const base = Math.max(1, Math.floor(k)) + 1;
  const answers = versionsLeft + 1;
  let rounds = 0;
  let reach = 1;
  while (reach < answers) {
    reach *= base;
    rounds += 1;
  }
  return rounds;
}

const NO_VERDICT = 0;
const GOOD = 1;
const BAD = 2;
const INCONCLUSIVE = 3;

const VERDICT_CODE: Readonly<Record<Verdict, number>> = { good: GOOD, bad: BAD, inconclusive: INCONCLUSIVE };

/**
 * Analyzes one search state. Pure and deterministic.
 *
 * Rules beyond the type docs:
 * - Current verdict of a position = its observation with the highest `seq`; on equal `seq`
 *   the one later in `observations` wins, so the result never depends on sort stability.
 * - Position 0 is always the good anchor of the interval: if its current verdict is bad it is
 *   listed in `contradictions` but the search still runs above it.
 * - firstBad = lowest position >= 1 whose current verdict is bad; when none is bad (the bad end
 *   was re-tested good) size-1 stays firstBad and, being good, is listed as a contradiction.
 * - contradictions = position 0 if bad, plus every good position >= firstBad, ascending.
 * - A pending position counts as in flight even if it already has an inconclusive verdict (a
 *   retry): its new verdict may still narrow the interval.
 * - `candidates` has max(options.candidates, picks.length) entries at most, because picks are
 *   always shown so that they can be ticked.
 *
 * Throws RangeError when `size` is not an integer >= 2, a position is outside 0..size-1, or
 * `parallel` is not an integer >= 1: those are caller bugs, not search states.
 */
export function analyzeSearch(input: SearchInput, options: SearchOptions): SearchView {
  const { size } = input;
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`search size must be an integer >= 2, got ${size}`);
  const k = options.parallel;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`parallel must be an integer >= 1, got ${k}`);
  const candidateCount = Math.max(0, Math.floor(options.candidates));

  const verdicts = currentVerdicts(size, input.observations);
  const pending = new Uint8Array(size);
  for (const position of input.pending) {
    checkPosition(position, size, "pending");
    pending[position] = 1;
  }

  let firstBad = size - 1;
  for (let p = 1; p < size; p++) {
    if (verdicts[p] === BAD) {
      firstBad = p;
      break;
    }
  }
  let lastGood = 0;
  for (let p = firstBad - 1; p > 0; p--) {
    if (verdicts[p] === GOOD) {
      lastGood = p;
      break;
    }
  }

  const contradictions: number[] = [];
  if (verdicts[0] === BAD) contradictions.push(0);
  for (let p = firstBad; p < size; p++) {
    if (verdicts[p] === GOOD) contradictions.push(p);
  }

  // Inside the open interval no position can be good or bad (lastGood and firstBad are the
  // extreme ones), so each is untested, in flight or skipped (inconclusive).
  const untested: number[] = [];
  const inFlight: number[] = [];
  for (let p = lastGood + 1; p < firstBad; p++) {
    if (pending[p] === 1) inFlight.push(p);
    else if (verdicts[p] === NO_VERDICT) untested.push(p);
    // else: inconclusive, i.e. skipped; it takes no part in picks and only widens possibleFirstBad.
  }

  const done = untested.length === 0 && inFlight.length === 0;
  const possibleFirstBad: number[] = [];
  if (done) {
    // Everything strictly inside is skipped here, so any of them may be the first bad one.
    for (let p = lastGood + 1; p <= firstBad; p++) possibleFirstBad.push(p);
  }

  // In-flight runs will report anyway, so they already split the interval like picks do.
  const runAnchors = [lastGood, ...inFlight, firstBad];
  const picks = spreadOver(runAnchors, untested, k);

  let candidates: number[];
  if (untested.length <= candidateCount) {
    candidates = untested.slice();
  } else if (picks.length >= candidateCount) {
    candidates = picks.slice();
  } else {
    const pickAnchors = mergeSorted(runAnchors, picks);
    const extra = spreadOver(pickAnchors, untested, candidateCount - picks.length);
    candidates = mergeSorted(picks, extra);
  }

  return {
    lastGood,
    firstBad,
    untested,
    inFlight,
    picks,
    candidates,
    done,
    possibleFirstBad,
    contradictions,
    roundsLeft: done ? 0 : roundsNeeded(untested.length + inFlight.length, k),
  };
}

function checkPosition(position: number, size: number, what: string): void {
  if (!Number.isInteger(position) || position < 0 || position >= size) {
    throw new RangeError(`${what} position ${position} is outside 0..${size - 1}`);
  }
}

/** Verdict code per position, newest seq winning; endpoints default to good / bad. */
function currentVerdicts(size: number, observations: readonly Observation[]): Uint8Array {
  const verdicts = new Uint8Array(size);
  const winningSeq = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
  for (const observation of observations) {
    const { position, seq } = observation;
    checkPosition(position, size, "observation");
    if (seq >= (winningSeq[position] as number)) {
      winningSeq[position] = seq;
      verdicts[position] = VERDICT_CODE[observation.verdict];
    }
  }
  if (verdicts[0] === NO_VERDICT) verdicts[0] = GOOD;
  if (verdicts[size - 1] === NO_VERDICT) verdicts[size - 1] = BAD;
  return verdicts;
}

/**
 * Chooses up to `count` untested positions that cut the gaps between consecutive `anchors`
 * into near-equal parts.
 *
 * Each extra position goes to the gap whose parts are currently widest (width / (positions
 * given + 1)), which minimises the widest part over all gaps. Inside a gap given j positions
 * the targets sit at the j equal divisions of the gap (rounded half up); a target that is
 * not untested (skipped, or taken by an earlier target) moves to the nearest free untested
 * position in that gap, lower one on a tie. A gap never gets more positions than it has
 * untested ones, so every target finds one.
 *
 * With no skipped positions the parts differ by at most one, which is what makes the search
 * take exactly roundsNeeded(n, k) rounds in the worst case.
 */
function spreadOver(anchors: readonly number[], untested: readonly number[], count: number): number[] {
  if (count <= 0 || untested.length === 0) return [];

  interface Gap {
    readonly low: number;
    readonly width: number;
    readonly firstIndex: number;
    readonly endIndex: number;
    given: number;
  }
  const gaps: Gap[] = [];
  for (let i = 0; i + 1 < anchors.length; i++) {
    const low = anchors[i] as number;
    const high = anchors[i + 1] as number;
    const firstIndex = lowerBound(untested, low + 1);
    const endIndex = lowerBound(untested, high);
    if (endIndex > firstIndex) gaps.push({ low, width: high - low, firstIndex, endIndex, given: 0 });
  }

  for (let placed = 0; placed < count; placed++) {
    let best: Gap | undefined;
    for (const gap of gaps) {
      if (gap.given >= gap.endIndex - gap.firstIndex) continue;
      // gap.width / (gap.given + 1) > best.width / (best.given + 1), without division.
      if (best === undefined || gap.width * (best.given + 1) > best.width * (gap.given + 1)) best = gap;
    }
    if (best === undefined) break;
    best.given += 1;
  }

  const chosen: number[] = [];
  const taken = new Set<number>();
  for (const gap of gaps) {
    const parts = gap.given + 1;
    for (let t = 1; t <= gap.given; t++) {
      const target = gap.low + Math.floor((2 * t * gap.width + parts) / (2 * parts));
      const position = nearestFree(untested, gap.firstIndex, gap.endIndex, target, taken);
      taken.add(position);
      chosen.push(position);
    }
  }
  return chosen.sort((a, b) => a - b);
}

/** The untested position in untested[firstIndex..endIndex) nearest to target and not taken. */
function nearestFree(
  untested: readonly number[],
  firstIndex: number,
  endIndex: number,
  target: number,
  taken: ReadonlySet<number>,
): number {
  const start = Math.min(Math.max(lowerBound(untested, target), firstIndex), endIndex);
  let below = start - 1;
  let above = start;
  while (below >= firstIndex && taken.has(untested[below] as number)) below--;
  while (above < endIndex && taken.has(untested[above] as number)) above++;
  const hasBelow = below >= firstIndex;
  const hasAbove = above < endIndex;
  if (!hasBelow && !hasAbove) throw new Error("search core: gap has no free untested position");
  if (!hasAbove) return untested[below] as number;
  if (!hasBelow) return untested[above] as number;
  const low = untested[below] as number;
  const high = untested[above] as number;
  return target - low <= high - target ? low : high;
}

/** Index of the first element >= value in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Union of two ascending arrays of distinct numbers, ascending. */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}
