// Types of the pure search core: versions are positions 0..size-1 along history, position 0 is the good end
// and size-1 the bad end. The core weighs every run as evidence about where the first bad version is.

export type Verdict = "good" | "bad" | "inconclusive";

/** One verdict recorded for a version: one CI run, or one verdict given by hand. */
export interface Observation {
  readonly position: number;
  readonly verdict: Verdict;
  /** Orders verdicts in time; among manual verdicts that contradict each other the newest wins. */
  readonly seq: number;
  /** Given by a person (`/locate good|bad|skip`): certain unless a later manual verdict contradicts it. */
  readonly manual?: boolean;
}

export interface SearchInput {
  /** Number of versions, endpoints included (>= 2). */
  readonly size: number;
  /** Every verdict recorded so far, in any order. */
  readonly observations: readonly Observation[];
  /** One entry per run queued or running (a position may appear more than once). */
  readonly pending: readonly number[];
}

/**
 * What earlier runs of the same workflow said about its flakiness: expected counts of false failures among runs
 * of good versions and of false passes among runs of bad versions (fractions, from earlier hunts' posteriors).
 */
export interface FlakeHistory {
  readonly falseFailures: number;
  readonly goodRuns: number;
  readonly falsePasses: number;
  readonly badRuns: number;
}

export interface SearchOptions {
  /** k: at most this many runs in flight at once; picks fill the free slots (1..10). */
  readonly parallel: number;
  /** How many candidates to show (3..20). */
  readonly candidates: number;
  /** Stop when one answer holds at least this probability (0.9..0.9999). */
  readonly confidence: number;
  /** Prior chance that a run gives the wrong verdict, either way (0..0.3); re-estimated from the runs. */
  readonly flakeRate: number;
  /** Earlier hunts of the same repository and workflow, added to the prior. */
  readonly history?: FlakeHistory;
  /**
   * Fixed error rates instead of estimating them: for tests and for the noise-free comparison with bisection.
   * With both at 0 a run is the truth and the core is exactly bisection.
   */
  readonly fixedRates?: FlakeRates;
  /** Prior weight of each end outcome ("older than good", "bad does not show it") against one version; default 0.1. */
  readonly endWeight?: number;
}

export interface FlakeRates {
  /** α: chance that a run of a version before the first bad one fails. */
  readonly falseFailure: number;
  /** β: chance that a run of a version at or after the first bad one passes. */
  readonly falsePass: number;
}

/**
 * Where the search stands. `found`: one version (or a block of versions only skipped ones separate) holds
 * `probability` ≥ confidence. `older-than-good` / `bad-passes`: an end outcome reached confidence, so the range
 * cannot hold the answer. `stuck`: no run can tell the remaining possibilities apart (only skipped versions are
 * left between them); the best answer is given with the probability it has (an end outcome is given as such).
 */
export type SearchOutcome = "searching" | "found" | "older-than-good" | "bad-passes" | "stuck";

export interface SearchView {
  /** Highest position that is good beyond reasonable doubt (below the plausible range). */
  readonly lastGood: number;
  /** Lowest position that is bad beyond reasonable doubt (the top of the plausible range); the answer once found. */
  readonly firstBad: number;
  /** Positions strictly between lastGood and firstBad with no run and no verdict yet. */
  readonly untested: readonly number[];
  /** Distinct positions strictly between lastGood and firstBad with a run in flight. */
  readonly inFlight: readonly number[];
  /** Suggested runs for the free slots, ascending; a position may repeat (a re-run that narrows the answer most). */
  readonly picks: readonly number[];
  /** Distinct positions to offer as tickable candidates, picks included, ascending. */
  readonly candidates: readonly number[];
  /** True when the outcome is no longer `searching`. */
  readonly done: boolean;
  readonly outcome: SearchOutcome;
  /** The most likely first bad version, and the versions only skipped ones separate from it, ascending. */
  readonly possibleFirstBad: readonly number[];
  /** Probability that the first bad version is among possibleFirstBad. */
  readonly probability: number;
  /** Probability that the regression is older than the good end (the good end fails too). */
  readonly olderThanGood: number;
  /** Probability that the bad end does not show the bug (nothing in the range fails). */
  readonly badPasses: number;
  /** Positions with a CI run that disagrees with the most likely answer, ascending. */
  readonly contradictions: readonly number[];
  /** The error rates the verdicts were weighed with, and how many CI runs disagreed with the most likely answer. */
  readonly flake: FlakeRates & { readonly disagreeing: number; readonly runs: number };
  /** Expected counts for the flake history of the repository's workflow (see FlakeHistory). */
  readonly evidence: FlakeHistory;
  /** Estimated rounds still needed at `parallel` runs per round; 0 when done. */
  readonly roundsLeft: number;
}
