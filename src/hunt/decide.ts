// Pure decisions about a hunt: what to dispatch now within the `parallel` cap, and whether the search has ended.
import type { HuntSnapshot } from "../db/queries/hunts.js";
import type { SearchView } from "../search/types.js";
import { isInFlight, runsUsed } from "./snapshot.js";

export interface DispatchPlan {
  /** Stored runs that waited for a slot and start now (run row ids). */
  readonly start: readonly number[];
  /** New runs to dispatch now, one entry per run (a position may repeat: a re-run). */
  readonly positions: readonly number[];
  /** Runs a person asked for beyond the free slots: stored as waiting, dispatched as runs finish. */
  readonly waiting: readonly number[];
  /** Set when the budget stopped some or all runs: the hunt pauses and says so. */
  readonly budgetExhausted: boolean;
}

/** What a human asked to run: ticked candidates, or a `/locate retry` of one version. */
export interface DispatchRequest {
  readonly ticked?: readonly string[];
  /** A version to run again whatever its verdicts, unless a run of it is already in flight. */
  readonly retry?: number;
}

/** Positions of ticked names that are worth a run: candidates, picks and versions whose runs disagree, not in flight. */
export function tickedPositions(snapshot: HuntSnapshot, search: SearchView, tickedNames: readonly string[]): number[] {
  const busy = new Set(snapshot.runs.filter((run) => isInFlight(run) || run.status === "waiting").map((run) => run.position));
  const allowed = new Set([...search.untested, ...search.candidates, ...search.contradictions].filter((p) => !busy.has(p)));
  const byName = new Map<string, number>();
  snapshot.versions.forEach((version, position) => version.names.forEach((name) => byName.set(name, position)));
  const positions = new Set<number>();
  for (const name of tickedNames) {
    const position = byName.get(name);
    if (position !== undefined && allowed.has(position)) positions.add(position);
  }
  return [...positions].sort((a, b) => a - b);
}

/**
 * What to run after an event, never more than `parallel` in flight (issue 12: the cap counts every run). Runs that
 * waited for a slot start first, oldest first; then a person's ticks or retry, queued behind them beyond the free
 * slots. Auto-pilot dispatches the core's picks once every run of the previous round has reported (§5 "Rounds").
 */
export function planDispatch(snapshot: HuntSnapshot, search: SearchView, request: DispatchRequest = {}): DispatchPlan {
  const { hunt } = snapshot;
  const none: DispatchPlan = { start: [], positions: [], waiting: [], budgetExhausted: false };
  if (hunt.state !== "searching") return none;
  const inFlight = snapshot.runs.filter(isInFlight).length;
  const waitingRuns = snapshot.runs.filter((run) => run.status === "waiting");
  const free = Math.max(0, hunt.parallel - inFlight);
  const start = waitingRuns.slice(0, free).map((run) => run.id);
  const slots = waitingRuns.length > start.length ? 0 : free - start.length;

  let wanted: number[] = [];
  if (request.retry !== undefined) {
    const busy = snapshot.runs.some((run) => run.position === request.retry && (isInFlight(run) || run.status === "waiting"));
    if (!busy) wanted = [request.retry];
  } else if ((request.ticked?.length ?? 0) > 0) {
    wanted = tickedPositions(snapshot, search, request.ticked ?? []);
  } else if (hunt.autopilot && !search.done && inFlight === 0 && waitingRuns.length === 0) {
    wanted = [...search.picks];
  }
  const runsLeft = Math.max(0, hunt.maxRuns - runsUsed(snapshot));
  const affordable = wanted.slice(0, runsLeft);
  return {
    start,
    positions: affordable.slice(0, slots),
    waiting: affordable.slice(slots),
    budgetExhausted: wanted.length > runsLeft,
  };
}

/**
 * The answer (or an end outcome) can be named once the search is done and no run is still in flight: every run is
 * evidence, and one that reports later could still move the answer.
 */
export function readyToDeclare(snapshot: HuntSnapshot, search: SearchView): boolean {
  return search.done && !snapshot.runs.some(isInFlight);
}
