// Pure views of a stored hunt: the search core's input, the search view, and the comment's view model.
import type { HuntSnapshot } from "../db/queries/hunts.js";
import type { RunRow } from "../db/schema.js";
import type { HuntView, RunView } from "../render/types.js";
import { analyzeSearch } from "../search/index.js";
import type { Observation, SearchInput, SearchView } from "../search/types.js";

const IN_FLIGHT: ReadonlySet<RunRow["status"]> = new Set(["dispatching", "queued", "running"]);

export function isInFlight(run: RunRow): boolean {
  return IN_FLIGHT.has(run.status);
}

/** CI runs count against the budget; manual verdicts and failed dispatches do not. */
export function runsUsed(snapshot: HuntSnapshot): number {
  return snapshot.runs.filter((run) => run.token !== null && run.status !== "error").length;
}

export function searchInputOf(snapshot: HuntSnapshot): SearchInput {
  const observations: Observation[] = [];
  const pending = new Set<number>();
  for (const run of snapshot.runs) {
    if (run.verdict !== null && run.verdictSeq !== null) {
      observations.push({ position: run.position, verdict: run.verdict, seq: run.verdictSeq });
    } else if (isInFlight(run)) {
      pending.add(run.position);
    }
  }
  return { size: snapshot.versions.length, observations, pending: [...pending] };
}

export function analyzeHunt(snapshot: HuntSnapshot): SearchView {
  return analyzeSearch(searchInputOf(snapshot), {
    parallel: snapshot.hunt.parallel,
    candidates: snapshot.hunt.candidates,
  });
}

function runViewOf(run: RunRow): RunView | null {
  if (run.status === "dispatching" || run.status === "error") {
    return run.status === "error"
      ? { position: run.position, status: "completed", verdict: null, url: null, manualBy: null, note: run.note, round: run.round, attempt: run.attempt }
      : { position: run.position, status: "queued", verdict: null, url: null, manualBy: null, note: null, round: run.round, attempt: run.attempt };
  }
  return {
    position: run.position,
    status: run.status,
    verdict: run.verdict,
    url: run.url,
    manualBy: run.manualBy,
    note: run.note,
    round: run.round,
    attempt: run.attempt,
  };
}

export function huntViewOf(snapshot: HuntSnapshot, search: SearchView = analyzeHunt(snapshot)): HuntView {
  const { hunt } = snapshot;
  return {
    id: hunt.id,
    repoUrl: hunt.repoUrl,
    good: hunt.good,
    bad: hunt.bad,
    mode: hunt.mode,
    state: hunt.state,
    autopilot: hunt.autopilot,
    parallel: hunt.parallel,
    round: hunt.round,
    versions: snapshot.versions.map((v) => ({ names: v.names, sha: v.sha, title: v.title })),
    runs: snapshot.runs.map(runViewOf).filter((run): run is RunView => run !== null),
    search,
    found: hunt.state === "found" && hunt.result ? hunt.result : null,
    notice: hunt.notice,
  };
}
