// Types of the pure search core: versions are positions 0..size-1 along history,
// position 0 is the known-good end and size-1 the known-bad end.

export type Verdict = "good" | "bad" | "inconclusive";

/** One verdict recorded for a version. `seq` orders verdicts in time: for one position the highest seq wins. */
export interface Observation {
  readonly position: number;
  readonly verdict: Verdict;
  readonly seq: number;
}

export interface SearchInput {
  /** Number of versions, endpoints included (>= 2). */
  readonly size: number;
  /** Every verdict recorded so far, in any order. The endpoints need none: 0 is good and size-1 is bad unless a verdict says otherwise. */
  readonly observations: readonly Observation[];
  /** Positions with a run queued or running (no verdict yet for that run). */
  readonly pending: readonly number[];
}

export interface SearchOptions {
  /** k: versions tested per round in auto-pilot (1..10). */
  readonly parallel: number;
  /** How many candidates to show (3..20). */
  readonly candidates: number;
}

export interface SearchView {
  /** Highest position whose current verdict is good, below firstBad. */
  readonly lastGood: number;
  /** Lowest position whose current verdict is bad. */
  readonly firstBad: number;
  /** Positions strictly between lastGood and firstBad that are untested (no verdict, not pending, not inconclusive). */
  readonly untested: readonly number[];
  /** Positions strictly inside the open interval with a run in flight. */
  readonly inFlight: readonly number[];
  /** The k suggested picks: untested positions that split the open interval into k+1 near-equal parts. */
  readonly picks: readonly number[];
  /** Up to `candidates` untested positions evenly spread over the open interval, picks included, ascending. */
  readonly candidates: readonly number[];
  /** True when no untested, non-skipped version lies strictly between lastGood and firstBad (in-flight ones count as not yet tested). */
  readonly done: boolean;
  /** When done: every position that may be the first bad one, ascending; [firstBad] when exact, longer when only inconclusive versions separate the ends. */
  readonly possibleFirstBad: readonly number[];
  /** Positions whose current verdict contradicts the order: good at or above firstBad. */
  readonly contradictions: readonly number[];
  /** ⌈log_(k+1) (untested + inFlight + 1)⌉ rounds still needed in the worst case; 0 when done. */
  readonly roundsLeft: number;
}
