// Pure decisions about a hunt: which versions to dispatch now, and why not.
import type { HuntSnapshot } from "../db/queries/hunts.js";
import type { SearchView } from "../search/types.js";
import { isInFlight, runsUsed } from "./snapshot.js";

export interface DispatchPlan {
  readonly positions: readonly number[];
  /** Set when the budget stopped some or all dispatches: the hunt pauses and says so. */
  readonly budgetExhausted: boolean;
}

/** Positions of ticked names that are worth a run: untested and inside the open interval. */
export function tickedPositions(snapshot: HuntSnapshot, search: SearchView, tickedNames: readonly string[]): number[] {
  const untested = new Set(search.untested);
  const byName = new Map<string, number>();
  snapshot.versions.forEach((version, position) => version.names.forEach((name) => byName.set(name, position)));
  const positions = new Set<number>();
  for (const name of tickedNames) {
    const position = byName.get(name);
    if (position !== undefined && untested.has(position)) positions.add(position);
  }
  return [...positions].sort((a, b) => a - b);
}

/** What a human asked to run: ticked candidates, or a `/locate retry` of one version. */
export interface DispatchRequest {
  readonly ticked?: readonly string[];
  /** A version to run again whatever its verdict, unless a run of it is already in flight. */
  readonly retry?: number;
}

/**
 * What to dispatch after an event: what a human asked for if anything, otherwise, in auto-pilot, the
 * suggested picks once no run of the last round is still deciding the open interval (§5 "Rounds").
 */
export function planDispatch(snapshot: HuntSnapshot, search: SearchView, request: DispatchRequest = {}): DispatchPlan {
  const { hunt } = snapshot;
  const asked = (request.ticked?.length ?? 0) > 0 || request.retry !== undefined;
  if (hunt.state !== "searching" || (search.done && request.retry === undefined)) return { positions: [], budgetExhausted: false };
  let wanted: readonly number[] = tickedPositions(snapshot, search, request.ticked ?? []);
  if (request.retry !== undefined && !snapshot.runs.some((run) => run.position === request.retry && isInFlight(run))) {
    wanted = [request.retry];
  }
  if (!asked && hunt.autopilot && search.inFlight.length === 0) wanted = search.picks;
  const left = Math.max(0, hunt.maxRuns - runsUsed(snapshot));
  return { positions: wanted.slice(0, left), budgetExhausted: wanted.length > left };
}
