// Pure views of a stored hunt: the search core's input, the search view, and the comment's view model.
import type { HuntSnapshot } from "../db/queries/hunts.js";
import type { HuntRow, RunRow } from "../db/schema.js";
import type { HuntView, RunView } from "../render/types.js";
import { analyzeSearch } from "../search/index.js";
import type { Observation, SearchInput, SearchOptions, SearchView } from "../search/types.js";

const IN_FLIGHT: ReadonlySet<RunRow["status"]> = new Set(["dispatching", "queued", "running"]);

export function isInFlight(run: RunRow): boolean {
  return IN_FLIGHT.has(run.status);
}

/** CI runs count against the budget, those waiting for a slot included; manual verdicts and failed dispatches do not. */
export function runsUsed(snapshot: HuntSnapshot): number {
  return snapshot.runs.filter((run) => run.token !== null && run.status !== "error").length;
}

/** Every finished run and manual verdict is evidence; a run in flight is a pending position (once per run). */
export function searchInputOf(snapshot: HuntSnapshot): SearchInput {
  const observations: Observation[] = [];
  const pending: number[] = [];
  for (const run of snapshot.runs) {
    // A run waiting for a slot will run: like one in flight, it is evidence still to come.
    if (isInFlight(run) || run.status === "waiting") pending.push(run.position);
    else if (run.status === "completed" && run.verdict !== null) {
      observations.push({ position: run.position, verdict: run.verdict, seq: run.verdictSeq ?? run.id, manual: run.token === null });
    }
  }
  return { size: snapshot.versions.length, observations, pending };
}

export function searchOptionsOf(hunt: HuntRow): SearchOptions {
  return {
    parallel: hunt.parallel,
    candidates: hunt.candidates,
    confidence: hunt.confidence,
    flakeRate: hunt.flakeRate,
    history: hunt.flakeHistory ?? undefined,
  };
}

export function analyzeHunt(snapshot: HuntSnapshot): SearchView {
  return analyzeSearch(searchInputOf(snapshot), searchOptionsOf(snapshot.hunt));
}

function runViewOf(run: RunRow, parallel: number): RunView | null {
  if (run.status === "waiting") {
    return { position: run.position, status: "queued", verdict: null, url: null, manualBy: null, note: `waiting for a free slot (parallel: ${parallel})`, round: run.round, attempt: run.attempt };
  }
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
    reason: run.reason ?? null,
  };
}

/** Where a hunt's comment lives on GitHub. */
export function commentUrl(hunt: HuntRow): string | null {
  return hunt.commentId === null ? null : `${hunt.repoUrl}/issues/${hunt.issueNumber}#issuecomment-${hunt.commentId}`;
}

export function huntViewOf(
  snapshot: HuntSnapshot,
  search: SearchView = analyzeHunt(snapshot),
  related: HuntView["related"] = null,
): HuntView {
  const { hunt } = snapshot;
  const inFlight = new Set(snapshot.runs.filter((run) => isInFlight(run) || run.status === "waiting").map((run) => run.position));
  // Versions whose runs disagree with the most likely answer are offered again beside the candidates: a tick runs them again.
  const retryable = search.contradictions.filter((position) => !inFlight.has(position));
  const candidates = [...new Set([...search.candidates, ...retryable])].filter((position) => !inFlight.has(position)).sort((a, b) => a - b);
  return {
    related,
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
    runs: snapshot.runs.map((run) => runViewOf(run, hunt.parallel)).filter((run): run is RunView => run !== null),
    confidence: hunt.confidence,
    search: { ...search, candidates },
    found: hunt.state === "found" && hunt.result ? hunt.result : null,
    notice: hunt.notice,
  };
}
