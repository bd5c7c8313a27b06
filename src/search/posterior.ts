// The evidence model of the search core: a probability for every possible first bad version, updated by every
// run, with the workflow's error rates estimated from the runs themselves. Pure, deterministic, O(size + runs).
//
// Hypotheses are j = 0..size: "every position p >= j is bad". j = 0 says even the good end fails (the regression
// is older than the range); j = size says nothing fails (the bad end does not show the bug); 1..size-1 name the
// first bad version. A run of position p fails with probability 1 − β when p >= j and α when p < j.
import type { FlakeHistory, FlakeRates, Observation } from "./types.js";

/** Runs per position and the hard limits that manual verdicts put on the answer. */
export interface Evidence {
  readonly size: number;
  /** CI runs that failed / passed, per position. */
  readonly fails: Int32Array;
  readonly passes: Int32Array;
  /** Positions whose only verdicts are inconclusive (or skipped by hand): no run of them can tell anything. */
  readonly skipped: Uint8Array;
  /** Manual verdicts confine the answer to lower <= j <= upper. */
  readonly lower: number;
  readonly upper: number;
  /** Positions whose manual verdict was dropped because a later manual verdict contradicts it. */
  readonly overruled: readonly number[];
}

export function collectEvidence(size: number, observations: readonly Observation[]): Evidence {
  const fails = new Int32Array(size);
  const passes = new Int32Array(size);
  const inconclusive = new Uint8Array(size);
  const manual: Observation[] = [];
  for (const observation of observations) {
    const { position } = observation;
    if (!Number.isInteger(position) || position < 0 || position >= size) {
      throw new RangeError(`observation position ${position} is outside 0..${size - 1}`);
    }
    if (observation.manual) manual.push(observation);
    else if (observation.verdict === "bad") fails[position] = (fails[position] as number) + 1;
    else if (observation.verdict === "good") passes[position] = (passes[position] as number) + 1;
    else inconclusive[position] = 1;
  }

  // Newest manual verdict first: each one that fits the limits set by newer ones narrows them; one that does not is
  // overruled (a person changed their mind). A manual skip stands until a newer manual good or bad for the version.
  manual.sort((a, b) => b.seq - a.seq);
  let lower = 0;
  let upper = size;
  const decidedByHand = new Set<number>();
  const skippedByHand = new Set<number>();
  const overruled: number[] = [];
  for (const { position, verdict } of manual) {
    if (decidedByHand.has(position) || skippedByHand.has(position)) {
      if (verdict !== "inconclusive") overruled.push(position);
      continue;
    }
    if (verdict === "inconclusive") {
      skippedByHand.add(position);
      continue;
    }
    if (verdict === "good" && position + 1 <= upper) lower = Math.max(lower, position + 1);
    else if (verdict === "bad" && position >= lower) upper = Math.min(upper, position);
    else {
      overruled.push(position);
      continue;
    }
    decidedByHand.add(position);
  }

  const skipped = new Uint8Array(size);
  for (let p = 0; p < size; p++) {
    if (skippedByHand.has(p)) {
      // A person said this version's runs mean nothing (it does not build, say): they stop counting as evidence.
      skipped[p] = 1;
      fails[p] = 0;
      passes[p] = 0;
    } else if (inconclusive[p] === 1 && fails[p] === 0 && passes[p] === 0) skipped[p] = 1;
  }
  return { size, fails, passes, skipped, lower, upper, overruled };
}

/** count · log(p), where 0 · log(0) is 0: a rate of exactly 0 only rules out hypotheses that needed it. */
function weighted(count: number, logP: number): number {
  return count === 0 ? 0 : count * logP;
}

/** The normalised posterior over hypotheses 0..size (length size + 1). */
export function posteriorOf(evidence: Evidence, rates: FlakeRates, endWeight: number): Float64Array {
  const { size, fails, passes, lower, upper } = evidence;
  const logAlpha = Math.log(rates.falseFailure);
  const logNotAlpha = Math.log(1 - rates.falseFailure);
  const logBeta = Math.log(rates.falsePass);
  const logNotBeta = Math.log(1 - rates.falsePass);

  // logL[j] = Σ_{p<j} (runs of p as a good version) + Σ_{p>=j} (runs of p as a bad version).
  const logL = new Float64Array(size + 1);
  let suffix = 0;
  for (let p = size - 1; p >= 0; p--) {
    suffix += weighted(fails[p] as number, logNotBeta) + weighted(passes[p] as number, logBeta);
    logL[p] = suffix;
  }
  let prefix = 0;
  for (let j = 1; j <= size; j++) {
    const p = j - 1;
    prefix += weighted(fails[p] as number, logAlpha) + weighted(passes[p] as number, logNotAlpha);
    logL[j] = (logL[j] as number) + prefix;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let j = lower; j <= upper; j++) max = Math.max(max, logL[j] as number);

  const posterior = new Float64Array(size + 1);
  if (max === Number.NEGATIVE_INFINITY) {
    // Only possible with a rate of exactly 0 and runs that contradict each other: fall back to the manual limits.
    for (let j = lower; j <= upper; j++) posterior[j] = priorWeight(j, size, endWeight);
  } else {
    for (let j = lower; j <= upper; j++) {
      posterior[j] = priorWeight(j, size, endWeight) * Math.exp((logL[j] as number) - max);
    }
  }
  let total = 0;
  for (let j = 0; j <= size; j++) total += posterior[j] as number;
  if (!(total > 0)) {
    // Every hypothesis the manual verdicts allow has prior weight 0 (end weight 0 and limits at an end): keep them equal.
    for (let j = lower; j <= upper; j++) posterior[j] = 1;
    total = upper - lower + 1;
  }
  for (let j = 0; j <= size; j++) posterior[j] = (posterior[j] as number) / total;
  return posterior;
}

function priorWeight(j: number, size: number, endWeight: number): number {
  return j === 0 || j === size ? endWeight : 1;
}

/** cdf[p] = P(first bad <= p) = P(position p is bad), for p = 0..size-1. */
export function badChance(posterior: Float64Array): Float64Array {
  const size = posterior.length - 1;
  const cdf = new Float64Array(size);
  let sum = 0;
  for (let p = 0; p < size; p++) {
    sum += posterior[p] as number;
    cdf[p] = Math.min(1, sum);
  }
  return cdf;
}

/** Expected counts of false verdicts under a posterior: what the runs say about the workflow's error rates. */
export function expectedErrors(evidence: Evidence, cdf: Float64Array): FlakeHistory {
  let falseFailures = 0;
  let goodRuns = 0;
  let falsePasses = 0;
  let badRuns = 0;
  for (let p = 0; p < evidence.size; p++) {
    const fails = evidence.fails[p] as number;
    const passes = evidence.passes[p] as number;
    if (fails === 0 && passes === 0) continue;
    const bad = cdf[p] as number;
    falseFailures += fails * (1 - bad);
    goodRuns += (fails + passes) * (1 - bad);
    falsePasses += passes * bad;
    badRuns += (fails + passes) * bad;
  }
  return { falseFailures, goodRuns, falsePasses, badRuns };
}

/** How strongly the configured flake rate is believed before any run: as many runs' worth on each side. */
export const PRIOR_RUNS = 20;
/** Earlier hunts count as at most this many runs on each side, so a workflow that got better is recognised. */
export const HISTORY_RUNS = 100;
/** Above this, runs say little about the version: the model would fit anything, so the estimate is capped. */
export const MAX_FLAKE_RATE = 0.3;
const EM_ITERATIONS = 5;
const CAUTION = 0.5;

export interface Estimate {
  readonly rates: FlakeRates;
  readonly posterior: Float64Array;
  readonly cdf: Float64Array;
}

/**
 * Estimates α and β together with the posterior (expectation–maximisation with a Beta prior): the prior is the
 * configured rate worth PRIOR_RUNS runs plus earlier hunts' counts worth at most HISTORY_RUNS. Rates never go
 * below `floor`, so no single run can outweigh the confidence asked for.
 */
export function estimate(
  evidence: Evidence,
  options: { flakeRate: number; history?: FlakeHistory; floor: number; endWeight: number },
): Estimate {
  const clamp = (rate: number) => Math.min(MAX_FLAKE_RATE, Math.max(options.floor, rate));
  const prior = priorCounts(options.flakeRate, options.history);
  let rates: FlakeRates = { falseFailure: clamp(options.flakeRate), falsePass: clamp(options.flakeRate) };
  let posterior = posteriorOf(evidence, rates, options.endWeight);
  let cdf = badChance(posterior);
  for (let iteration = 0; iteration < EM_ITERATIONS; iteration++) {
    const seen = expectedErrors(evidence, cdf);
    const next: FlakeRates = {
      falseFailure: clamp(cautiousRate(prior.falseFailures + seen.falseFailures, prior.goodRuns + seen.goodRuns)),
      falsePass: clamp(cautiousRate(prior.falsePasses + seen.falsePasses, prior.badRuns + seen.badRuns)),
    };
    const settled = Math.abs(next.falseFailure - rates.falseFailure) < 1e-4 && Math.abs(next.falsePass - rates.falsePass) < 1e-4;
    rates = next;
    posterior = posteriorOf(evidence, rates, options.endWeight);
    cdf = badChance(posterior);
    if (settled) break;
  }
  return { rates, posterior, cdf };
}

/**
 * The error rate to weigh runs with: the Beta posterior's mean plus CAUTION standard deviations. A point estimate
 * from few runs is as likely too low as too high, and too low makes agreeing runs look surer than they are.
 */
function cautiousRate(errors: number, runs: number): number {
  const mean = errors / runs;
  return mean + CAUTION * Math.sqrt((mean * (1 - mean)) / (runs + 1));
}

function priorCounts(flakeRate: number, history: FlakeHistory | undefined): FlakeHistory {
  const base = { falseFailures: flakeRate * PRIOR_RUNS, goodRuns: PRIOR_RUNS, falsePasses: flakeRate * PRIOR_RUNS, badRuns: PRIOR_RUNS };
  if (!history) return base;
  const goodScale = history.goodRuns > HISTORY_RUNS ? HISTORY_RUNS / history.goodRuns : 1;
  const badScale = history.badRuns > HISTORY_RUNS ? HISTORY_RUNS / history.badRuns : 1;
  return {
    falseFailures: base.falseFailures + history.falseFailures * goodScale,
    goodRuns: base.goodRuns + history.goodRuns * goodScale,
    falsePasses: base.falsePasses + history.falsePasses * badScale,
    badRuns: base.badRuns + history.badRuns * badScale,
  };
}
