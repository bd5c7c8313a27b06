// Pure decisions about a hunt: what to dispatch now, whether the ends held up, and when the answer can be named.
import type { HuntSnapshot } from "../db/queries/hunts.js";
import type { SearchView } from "../search/types.js";
import { isInFlight, runsUsed, talliesOf } from "./snapshot.js";

export interface DispatchPlan {
  /** Versions to run, each `repeat` times. */
  readonly positions: readonly number[];
  /** Set when the budget stopped some or all dispatches: the hunt pauses and says so. */
  readonly budgetExhausted: boolean;
}

/** What a human asked to run: ticked candidates, or a `/locate retry` of one version. */
export interface DispatchRequest {
  readonly ticked?: readonly string[];
  /** A version to run again whatever its verdict, unless a run of it is already in flight. */
  readonly retry?: number;
}

function inFlightPositions(snapshot: HuntSnapshot): Set<number> {
  return new Set(snapshot.runs.filter(isInFlight).map((run) => run.position));
}

/** Positions of ticked names that are worth a run: untested ones inside the open interval, and contradicted ones. */
export function tickedPositions(snapshot: HuntSnapshot, search: SearchView, tickedNames: readonly string[]): number[] {
  const inFlight = inFlightPositions(snapshot);
  const allowed = new Set([...search.untested, ...search.contradictions.filter((p) => !inFlight.has(p))]);
  const byName = new Map<string, number>();
  snapshot.versions.forEach((version, position) => version.names.forEach((name) => byName.set(name, position)));
  const positions = new Set<number>();
  for (const name of tickedNames) {
    const position = byName.get(name);
    if (position !== undefined && allowed.has(position)) positions.add(position);
  }
  return [...positions].sort((a, b) => a - b);
}

/** The ends not yet run by CI: they go along with the first dispatch (§5 endpoint check), not in a round of their own. */
function endpointsToVerify(snapshot: HuntSnapshot): number[] {
  const last = snapshot.versions.length - 1;
  return [0, last].filter((position) => !snapshot.runs.some((run) => run.position === position && run.token !== null && run.status !== "error"));
}

/**
 * Before naming the answer in auto-pilot, the last good and first bad run once more, unless they already ran
 * twice or more, or only a human or the range itself vouches for them.
 */
export function confirmationsNeeded(snapshot: HuntSnapshot, search: SearchView): number[] {
  const { hunt } = snapshot;
  if (!hunt.autopilot || !hunt.confirm || hunt.repeat > 1) return [];
  return [search.lastGood, search.firstBad].filter((position) => {
    const ciRuns = snapshot.runs.filter((run) => run.position === position && run.token !== null && run.status === "completed");
    return ciRuns.length === 1;
  });
}

/**
 * What to dispatch after an event: what a human asked for if anything, otherwise, in auto-pilot, the suggested
 * picks once no run of the last round is still deciding the open interval (§5 "Rounds"), or the confirmations
 * once the search is done. The untested ends join the first dispatch when endpoint checks are on.
 */
export function planDispatch(snapshot: HuntSnapshot, search: SearchView, request: DispatchRequest = {}): DispatchPlan {
  const { hunt } = snapshot;
  if (hunt.state !== "searching") return { positions: [], budgetExhausted: false };
  const inFlight = inFlightPositions(snapshot);
  let wanted: number[] = [];
  if (request.retry !== undefined) {
    if (!inFlight.has(request.retry)) wanted = [request.retry];
  } else if ((request.ticked?.length ?? 0) > 0) {
    wanted = tickedPositions(snapshot, search, request.ticked ?? []);
  } else if (hunt.autopilot && !search.done && search.inFlight.length === 0) {
    wanted = [...search.picks];
  } else if (hunt.autopilot && search.done) {
    wanted = confirmationsNeeded(snapshot, search).filter((position) => !inFlight.has(position));
  }
  if (wanted.length > 0 && hunt.verifyEndpoints) {
    wanted = [...new Set([...endpointsToVerify(snapshot).filter((p) => !inFlight.has(p)), ...wanted])];
  }
  const runsLeft = Math.max(0, hunt.maxRuns - runsUsed(snapshot));
  const affordable = Math.floor(runsLeft / hunt.repeat);
  return { positions: wanted.slice(0, affordable), budgetExhausted: wanted.length > affordable };
}

export interface EndpointFailure {
  readonly end: "good" | "bad";
  readonly position: number;
}

/** §5 endpoint check: the good end failed or the bad end passed, so the range cannot hold the answer. */
export function endpointFailure(snapshot: HuntSnapshot): EndpointFailure | null {
  const tallies = talliesOf(snapshot);
  const last = snapshot.versions.length - 1;
  if (tallies.get(0)?.verdict === "bad") return { end: "good", position: 0 };
  if (tallies.get(last)?.verdict === "good") return { end: "bad", position: last };
  return null;
}

/**
 * The answer can be named once the search is done, confirmed where auto-pilot confirms (unless the budget ran
 * out), and no run that could still change it is in flight.
 */
export function readyToDeclare(snapshot: HuntSnapshot, search: SearchView, plan: DispatchPlan): boolean {
  if (!search.done) return false;
  if (!plan.budgetExhausted && confirmationsNeeded(snapshot, search).length > 0) return false;
  const decisive = new Set([0, snapshot.versions.length - 1, search.lastGood, search.firstBad]);
  return !snapshot.runs.some((run) => isInFlight(run) && decisive.has(run.position));
}
