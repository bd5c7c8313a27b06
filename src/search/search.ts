// The pure search core (§5, as superseded by issue 12): weighs every run as evidence, and from the posterior
// decides the picks, the candidates, and whether the answer (or an end outcome) is certain enough to stop.
import { type Evidence, collectEvidence, estimate, posteriorOf, badChance, expectedErrors } from "./posterior.js";
import type { FlakeRates, SearchInput, SearchOptions, SearchOutcome, SearchView } from "./types.js";

/**
 * Worst-case number of rounds to split `versionsLeft` undecided versions with noise-free runs, k per round:
 * the smallest r >= 0 with (k+1)^r >= versionsLeft + 1, i.e. ⌈log_(k+1)(versionsLeft + 1)⌉. Computed by repeated
 * multiplication so no floating-point log can land one off. Returns 0 when nothing is left; k below 1 counts as 1.
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

/** Default prior weight of each end outcome against one version: the person who named the range is usually right. */
export const DEFAULT_END_WEIGHT = 0.1;

/**
 * Analyzes one search state. Pure and deterministic: the same input and options give the same view.
 *
 * Throws RangeError when `size` is not an integer >= 2, a position is outside 0..size-1, `parallel` is not an
 * integer >= 1, or `confidence` is outside (0.5, 1): those are caller bugs, not search states.
 */
export function analyzeSearch(input: SearchInput, options: SearchOptions): SearchView {
  const { size } = input;
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`search size must be an integer >= 2, got ${size}`);
  const k = options.parallel;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`parallel must be an integer >= 1, got ${k}`);
  const confidence = options.confidence;
  if (!(confidence > 0.5 && confidence < 1)) throw new RangeError(`confidence must be in (0.5, 1), got ${confidence}`);
  for (const position of input.pending) {
    if (!Number.isInteger(position) || position < 0 || position >= size) throw new RangeError(`pending position ${position} is outside 0..${size - 1}`);
  }
  // With no version between the ends there is nothing to weigh: the range itself names bad (§5).
  const endWeight = size === 2 ? 0 : (options.endWeight ?? DEFAULT_END_WEIGHT);

  const evidence = collectEvidence(size, input.observations);
  const { rates, posterior, cdf } = options.fixedRates
    ? fixed(evidence, options.fixedRates, endWeight)
    : estimate(evidence, { flakeRate: options.flakeRate, history: options.history, floor: 1 - confidence, endWeight });

  // Positions a run can still tell something about: not skipped, and not (beyond reasonable doubt) on one side.
  const doubt = (1 - confidence) / 100;
  const informative: number[] = [];
  const isInformative = new Uint8Array(size);
  for (let p = 0; p < size; p++) {
    const bad = cdf[p] as number;
    if (evidence.skipped[p] === 0 && bad >= doubt && bad <= 1 - doubt) {
      informative.push(p);
      isInformative[p] = 1;
    }
  }

  const answer = bestBlock(evidence, posterior);
  const olderThanGood = posterior[0] as number;
  const badPasses = posterior[size] as number;
  const pendingSet = new Set(input.pending);
  let outcome: SearchOutcome = "searching";
  if (olderThanGood >= confidence) outcome = "older-than-good";
  else if (badPasses >= confidence) outcome = "bad-passes";
  else if (answer.probability >= confidence) outcome = "found";
  else if (informative.length === 0 && pendingSet.size === 0) {
    // Nothing left to run can tell the possibilities apart: give the most probable one with the probability it has.
    const best = Math.max(answer.probability, olderThanGood, badPasses);
    outcome = best === answer.probability ? "stuck" : best === olderThanGood ? "older-than-good" : "bad-passes";
  }
  const done = outcome !== "searching";

  // The plausible range: hypotheses between the `doubt` and 1 − `doubt` quantiles.
  let low = 0;
  while (low < size && (cdf[low] as number) < doubt) low++;
  let high = low;
  while (high < size && (cdf[high] as number) < 1 - doubt) high++;
  // Once found, the answer's block: the last good below it, and its highest version (the lowest one surely bad).
  const named = outcome === "found" || outcome === "stuck";
  const lastGood = named ? (answer.positions[0] as number) - 1 : Math.max(0, Math.min(low, size - 1) - 1);
  const firstBad = named ? (answer.positions[answer.positions.length - 1] as number) : Math.max(lastGood + 1, Math.min(high, size - 1));

  const untested: number[] = [];
  const inFlight: number[] = [];
  for (let p = lastGood + 1; p < firstBad; p++) {
    if (pendingSet.has(p)) inFlight.push(p);
    else if (evidence.fails[p] === 0 && evidence.passes[p] === 0 && evidence.skipped[p] === 0 && p >= evidence.lower && p < evidence.upper) untested.push(p);
  }

  const freeSlots = Math.max(0, k - input.pending.length);
  const quotas = runQuotas(informative, cdf, rates, confidence, input.pending);
  let picks = done ? [] : pickRuns(informative, cdf, freeSlots, quotas, rates);
  // Every position settled on its own side yet the answer short of confidence (rare, near the ends): one more run
  // where the probability splits best.
  if (!done && picks.length === 0 && freeSlots > 0 && input.pending.length === 0 && informative.length > 0) {
    picks = [informative[nearestByChance(informative, cdf, 0.5)] as number];
  }
  const shownCount = Math.max(0, Math.floor(options.candidates));
  const unpicked = new Map(untested.filter((p) => isInformative[p] === 1 && !picks.includes(p)).map((p) => [p, 1]));
  const distinctPicks = [...new Set(picks)];
  const spread = done ? [] : pickRuns([...unpicked.keys()], cdf, shownCount - distinctPicks.length, unpicked, { falseFailure: 0, falsePass: 0 });
  const candidates = [...distinctPicks, ...spread].sort((a, b) => a - b);

  const representative = outcome === "older-than-good" ? 0 : outcome === "bad-passes" ? size : answer.best;
  const contradictions: number[] = [];
  let disagreeing = 0;
  let ciRuns = 0;
  for (let p = 0; p < size; p++) {
    const fails = evidence.fails[p] as number;
    const passes = evidence.passes[p] as number;
    ciRuns += fails + passes;
    const wrong = p >= representative ? passes : fails;
    if (wrong > 0) {
      contradictions.push(p);
      disagreeing += wrong;
    }
  }

  return {
    lastGood,
    firstBad,
    untested,
    inFlight,
    picks,
    candidates,
    done,
    outcome,
    possibleFirstBad: answer.positions,
    probability: answer.probability,
    olderThanGood,
    badPasses,
    contradictions,
    flake: { ...rates, disagreeing, runs: ciRuns },
    evidence: expectedErrors(evidence, cdf),
    roundsLeft: done ? 0 : estimateRounds(posterior, rates, k),
  };
}

function fixed(evidence: Evidence, rates: FlakeRates, endWeight: number) {
  const posterior = posteriorOf(evidence, rates, endWeight);
  return { rates, posterior, cdf: badChance(posterior) };
}

interface Block {
  /** The most likely hypothesis in the block. */
  readonly best: number;
  readonly probability: number;
  /** The versions that may be the first bad one, ascending. */
  readonly positions: readonly number[];
}

/**
 * The most probable first bad version. Hypotheses j and j + 1 differ only in position j, so when position j is
 * skipped (no run of it tells anything) they cannot be told apart and are weighed together, as git bisect's skip
 * does. The two end outcomes are not versions and are weighed on their own by the caller.
 */
function bestBlock(evidence: Evidence, posterior: Float64Array): Block {
  const size = evidence.size;
  let best: Block = { best: 1, probability: -1, positions: [1] };
  let start = 1;
  let mass = 0;
  let peak = 1;
  for (let j = 1; j <= size - 1; j++) {
    mass += posterior[j] as number;
    if ((posterior[j] as number) > (posterior[peak] as number)) peak = j;
    if (j < size - 1 && evidence.skipped[j] === 1) continue;
    if (mass > best.probability) best = { best: peak, probability: mass, positions: range(start, j) };
    start = j + 1;
    peak = j + 1;
    mass = 0;
  }
  return best;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let j = from; j <= to; j++) out.push(j);
  return out;
}

/**
 * How many more runs of each position are worth dispatching: the runs that, all agreeing, would settle which side
 * of the answer it is on (odds of (1 + c) / (1 − c), so that both neighbours of the answer together leave it at
 * confidence c), less the runs of it already in flight. A settled position gets 0; noise-free, an unsettled one 1.
 */
function runQuotas(
  informative: readonly number[],
  cdf: Float64Array,
  rates: FlakeRates,
  confidence: number,
  pending: readonly number[],
): Map<number, number> {
  const inFlight = new Map<number, number>();
  for (const position of pending) inFlight.set(position, (inFlight.get(position) ?? 0) + 1);
  const target = Math.log((1 + confidence) / (1 - confidence));
  const quotas = new Map<number, number>();
  for (const position of informative) {
    const bad = cdf[position] as number;
    const likelyBad = bad >= 0.5;
    const odds = Math.log(likelyBad ? bad / (1 - bad) : (1 - bad) / bad);
    // One agreeing run multiplies the odds by (1 − β)/α when the position looks bad, (1 − α)/β when it looks good.
    const perRun = likelyBad ? Math.log((1 - rates.falsePass) / rates.falseFailure) : Math.log((1 - rates.falseFailure) / rates.falsePass);
    const needed = odds >= target ? 0 : Number.isFinite(perRun) ? Math.max(1, Math.ceil((target - odds) / perRun)) : 1;
    quotas.set(position, Math.max(0, needed - (inFlight.get(position) ?? 0)));
  }
  return quotas;
}

/**
 * A pick must tell at least this share of what the most telling run would: otherwise it only hedges. Noise-free,
 * bisection's own positions always clear the bar: for k <= 10 the least telling of them sits at least 1/16 of the
 * way into the range, and tells 34 % of the best.
 */
const MIN_INFORMATION_SHARE = 0.3;

function binaryEntropy(p: number): number {
  return p <= 0 || p >= 1 ? 0 : -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

/** Bits one run of a position tells about the answer: the entropy of its outcome less the channel's own noise. */
function runInformation(bad: number, rates: FlakeRates): number {
  const failChance = bad * (1 - rates.falsePass) + (1 - bad) * rates.falseFailure;
  return binaryEntropy(failChance) - bad * binaryEntropy(rates.falsePass) - (1 - bad) * binaryEntropy(rates.falseFailure);
}

/**
 * Up to `count` runs at the posterior's quantiles 1/(count+1) … count/(count+1): each goes to the position whose
 * chance of being bad is nearest the quantile (the higher one on a tie, as bisection rounds half up) among those
 * with quota left. A position may be chosen more than once, a re-run, while its quota lasts; noise-free its quota is
 * one, so the picks are exactly bisection's. Fewer than `count` when fewer runs are worth making.
 */
function pickRuns(
  informative: readonly number[],
  cdf: Float64Array,
  count: number,
  quotas: Map<number, number>,
  rates: FlakeRates,
): number[] {
  if (count <= 0) return [];
  // Below this chance of being on the other side a pick only confirms; bisection's own quantiles stay above it.
  const settled = Math.min(0.1, 1 / (2 * (count + 1)));
  const left = new Map(quotas);
  let open = informative.filter((position) => (left.get(position) ?? 0) > 0);
  const worthIt = MIN_INFORMATION_SHARE * Math.max(0, ...open.map((position) => runInformation(cdf[position] as number, rates)));
  const chosen: number[] = [];
  for (let t = 1; t <= count && open.length > 0; t++) {
    const quantile = t / (count + 1);
    const index = nearestByChance(open, cdf, quantile);
    const position = open[index] as number;
    if (runInformation(cdf[position] as number, rates) < worthIt) continue;
    chosen.push(position);
    const remaining = (left.get(position) ?? 1) - 1;
    left.set(position, remaining);
    if (remaining > 0) continue;
    open.splice(index, 1);
    // A position already all but certain of its side, given its full quota, settles every position further out on
    // that side too: a pass at p rules out a first bad at or below p, which is all a run below p could rule out.
    // (A splitting pick, as bisection's, is not "all but certain": its outcome says nothing about those further out.)
    const bad = cdf[position] as number;
    if (bad > settled && bad < 1 - settled) continue;
    open = open.filter((other) => (bad < 0.5 ? other > position : other < position));
  }
  return chosen.sort((a, b) => a - b);
}

/** Index in `positions` (ascending, cdf non-decreasing along them) of the one whose cdf is nearest the quantile. */
function nearestByChance(positions: readonly number[], cdf: Float64Array, quantile: number): number {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((cdf[positions[middle] as number] as number) < quantile) low = middle + 1;
    else high = middle;
  }
  if (low >= positions.length) return positions.length - 1;
  if (low === 0) return 0;
  const upDistance = (cdf[positions[low] as number] as number) - quantile;
  const downDistance = quantile - (cdf[positions[low - 1] as number] as number);
  // The tolerance keeps exact ties ties despite floating-point sums.
  return upDistance <= downDistance + 1e-12 ? low : low - 1;
}

/**
 * Rounds still needed, roughly: the bits of uncertainty left (log₂ of the posterior's perplexity) over the bits one
 * round of k runs can carry through a channel that errs at the estimated rate (capacity 1 − H(ε) per run).
 */
function estimateRounds(posterior: Float64Array, rates: FlakeRates, k: number): number {
  let entropy = 0;
  for (const p of posterior) if (p > 0) entropy -= p * Math.log2(p);
  const perplexity = 2 ** entropy;
  if (perplexity <= 1 + 1e-9) return 1;
  const epsilon = Math.max(rates.falseFailure, rates.falsePass);
  const capacity = epsilon > 0 ? 1 + epsilon * Math.log2(epsilon) + (1 - epsilon) * Math.log2(1 - epsilon) : 1;
  // Noise-free, this is exactly ⌈log_(k+1) answers⌉; with noise, the same over the channel's capacity.
  const noiseFree = roundsNeeded(Math.round(perplexity) - 1, k);
  return Math.max(1, Math.ceil(noiseFree / Math.max(capacity, 0.05)));
}
