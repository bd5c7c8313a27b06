// Search efficiency (§10): auto-pilot hunts simulated on the pure search core, rounds and runs against ⌈log_(k+1) n⌉ and sequential bisection.
import { prng, seedFrom } from "../src/sandbox/prng.js";
import type { Prng } from "../src/sandbox/prng.js";
import { analyzeSearch } from "../src/search/index.js";
import type { Observation, Verdict } from "../src/search/index.js";
import { type SectionResult, type Table, type TargetResult, ceilLog, fixed, mark, percent } from "./table.js";

export interface SimulatedHunt {
  readonly rounds: number;
  readonly runs: number;
  /** The search core's answer: one position when exact, several when inconclusive versions hide the boundary. */
  readonly possibleFirstBad: readonly number[];
}

/**
 * One auto-pilot hunt over n possible answers: positions 1..n above the known-good position 0, the known-bad
 * end n included, so the core sees size n + 1. Each round dispatches every pick and waits for all verdicts,
 * as auto-pilot does (§5 "Rounds"); a run is inconclusive with the given chance, otherwise it tells the truth.
 */
export function simulateHunt(n: number, k: number, firstBad: number, inconclusiveRate: number, rand: Prng): SimulatedHunt {
  if (!Number.isInteger(firstBad) || firstBad < 1 || firstBad > n) throw new RangeError(`first bad ${firstBad} is outside 1..${n}`);
  const observations: Observation[] = [];
  let rounds = 0;
  let runs = 0;
  // A correct core finishes in at most n rounds; the cap only turns a core bug into an error instead of a hang.
  for (;;) {
    const view = analyzeSearch({ size: n + 1, observations, pending: [] }, { parallel: k, candidates: 10 });
    if (view.done) return { rounds, runs, possibleFirstBad: view.possibleFirstBad };
    if (rounds > n) throw new Error(`search did not finish within ${n} rounds (n=${n}, k=${k}, first bad ${firstBad})`);
    rounds++;
    for (const position of view.picks) {
      runs++;
      const verdict: Verdict = rand.chance(inconclusiveRate) ? "inconclusive" : position < firstBad ? "good" : "bad";
      observations.push({ position, verdict, seq: observations.length });
    }
  }
}

interface Cell {
  readonly n: number;
  readonly k: number;
  readonly rate: number;
  readonly trials: number;
  readonly meanRounds: number;
  readonly maxRounds: number;
  readonly meanRuns: number;
  /** Share of hunts whose answer contains the true first bad. */
  readonly accuracy: number;
  /** Share of hunts that named exactly one version. */
  readonly exact: number;
}

function measureCell(n: number, k: number, rate: number, trials: number): Cell {
  // Seeded per cell, so a row reads the same in every run and is independent of the other rows.
  const rand = prng(seedFrom("bench-search", n, k, rate));
  let rounds = 0;
  let maxRounds = 0;
  let runs = 0;
  let correct = 0;
  let exact = 0;
  for (let trial = 0; trial < trials; trial++) {
    const firstBad = rand.int(1, n);
    const hunt = simulateHunt(n, k, firstBad, rate, rand);
    rounds += hunt.rounds;
    runs += hunt.runs;
    maxRounds = Math.max(maxRounds, hunt.rounds);
    if (hunt.possibleFirstBad.includes(firstBad)) correct++;
    if (hunt.possibleFirstBad.length === 1) exact++;
  }
  return { n, k, rate, trials, meanRounds: rounds / trials, maxRounds, meanRuns: runs / trials, accuracy: correct / trials, exact: exact / trials };
}

export const SIZES = [10, 100, 1_000, 10_000] as const;
export const PARALLEL = [1, 3, 5] as const;
const RATES = [0, 0.1] as const;

export function runSearchBench(options: { quick: boolean }): SectionResult {
  const trials = options.quick ? 100 : 500;
  const cells: Cell[] = [];
  for (const rate of RATES) for (const n of SIZES) for (const k of PARALLEL) cells.push(measureCell(n, k, rate, trials));

  const targets: TargetResult[] = [];
  const rows = cells.map((cell) => {
    // The baseline is measured, not assumed: k = 1 is git bisect's one run at a time, on the same n and the same failure rate.
    const baseline = cells.find((other) => other.n === cell.n && other.rate === cell.rate && other.k === 1) as Cell;
    const bound = ceilLog(cell.n, cell.k + 1);
    let verdict = "";
    if (cell.rate === 0) {
      const met = cell.maxRounds <= bound + 1;
      verdict = mark(met);
      targets.push({ target: `search n=${cell.n} k=${cell.k}: max rounds ≤ ⌈log_${cell.k + 1} n⌉ + 1 = ${bound + 1}`, measured: `${cell.maxRounds}`, met });
    }
    return [
      cell.rate === 0 ? "0 %" : percent(cell.rate, 0),
      cell.n.toLocaleString("en-US"),
      String(cell.k),
      String(cell.trials),
      fixed(cell.meanRounds),
      String(cell.maxRounds),
      String(bound),
      String(ceilLog(cell.n, 2)),
      fixed(cell.meanRounds / baseline.meanRounds),
      fixed(cell.meanRuns, 1),
      fixed(cell.meanRuns / baseline.meanRuns),
      percent(cell.accuracy),
      percent(cell.exact),
      verdict,
    ];
  });

  const table: Table = {
    title: "1. Search efficiency (pure search core, simulated auto-pilot)",
    head: ["inconcl.", "n", "k", "trials", "mean rounds", "max rounds", "⌈log_(k+1) n⌉", "⌈log₂ n⌉", "rounds ÷ k=1", "mean runs", "runs ÷ k=1", "answer right", "exact", "target"],
    rows,
    left: [],
    notes: [
      "n = versions that may be the first bad one (those above the known-good tag, the known-bad tag included); the first bad is uniform over them.",
      "Each round dispatches the core's k picks and waits for every verdict. k = 1 is sequential bisection (git bisect); `÷ k=1` divides by that row, measured in this run.",
      "With inconclusive runs an answer is right when the true first bad is among the core's possible first bad versions; `exact` = the answer is a single version.",
      "Target (without inconclusive runs): max rounds ≤ ⌈log_(k+1) n⌉ + 1.",
    ],
  };
  return { tables: [table], targets: [summarizeTargets(targets)] };
}

/** Twelve cells would flood the summary; one line says whether all met the bound, and names the worst. */
function summarizeTargets(targets: readonly TargetResult[]): TargetResult {
  const missed = targets.filter((t) => !t.met);
  return {
    target: "search: rounds ≤ ⌈log_(k+1) n⌉ + 1 without inconclusive runs (every n, k)",
    measured: missed.length === 0 ? `all ${targets.length} cells within the bound` : `missed in ${missed.map((t) => `${t.target.split(":")[0]} (max ${t.measured})`).join("; ")}`,
    met: missed.length === 0,
  };
}
