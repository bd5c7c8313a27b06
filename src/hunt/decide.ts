// Pure decisions about a hunt: which versions to dispatch now, and why not.
import type { HuntSnapshot } from "../db/queries/hunts.js";
import type { SearchView } from "../search/types.js";
import { runsUsed } from "./snapshot.js";

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

/**
 * What to dispatch after an event: the ticked versions if a human ticked some, otherwise, in auto-pilot,
 * the suggested picks once no run of the last round is still deciding the open interval (§5 "Rounds").
 */
export function planDispatch(snapshot: HuntSnapshot, search: SearchView, tickedNames: readonly string[]): DispatchPlan {
  const { hunt } = snapshot;
  if (hunt.state !== "searching" || search.done) return { positions: [], budgetExhausted: false };
  let wanted: readonly number[] = tickedPositions(snapshot, search, tickedNames);
  if (wanted.length === 0 && tickedNames.length === 0 && hunt.autopilot && search.inFlight.length === 0) wanted = search.picks;
  const left = Math.max(0, hunt.maxRuns - runsUsed(snapshot));
  return { positions: wanted.slice(0, left), budgetExhausted: wanted.length > left };
}
