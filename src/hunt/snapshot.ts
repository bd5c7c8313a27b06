// Pure views of a stored hunt: the search core's input, the search view, and the comment's view model.
import type { HuntSnapshot } from "../db/queries/hunts.js";
import type { HuntRow, RunRow } from "../db/schema.js";
import type { HuntView, RunView } from "../render/types.js";
import { analyzeSearch } from "../search/index.js";
import type { Observation, SearchInput, SearchView, Verdict } from "../search/types.js";

const IN_FLIGHT: ReadonlySet<RunRow["status"]> = new Set(["dispatching", "queued", "running"]);

export function isInFlight(run: RunRow): boolean {
  return IN_FLIGHT.has(run.status);
}

/** CI runs count against the budget; manual verdicts and failed dispatches do not. */
export function runsUsed(snapshot: HuntSnapshot): number {
  return snapshot.runs.filter((run) => run.token !== null && run.status !== "error").length;
}

/** The runs of one version dispatched together (one round), or one manual verdict. */
interface RunGroup {
  readonly position: number;
  readonly runs: RunRow[];
}

function groupsOf(snapshot: HuntSnapshot): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of snapshot.runs) {
    if (run.status === "error") continue;
    // Manual verdicts stand alone; CI runs of one version in one round are repeats of each other.
    const key = run.token === null ? `manual:${run.id}` : `${run.position}:${run.round}`;
    const group = groups.get(key) ?? { position: run.position, runs: [] };
    group.runs.push(run);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export interface Tally {
  readonly passed: number;
  readonly failed: number;
  readonly total: number;
  readonly verdict: Verdict;
}

/**
 * The verdict of a finished group (§5 repeats): bad when at least `failThreshold` runs failed, good only when every
 * run passed, otherwise inconclusive (flaky when it both passed and failed).
 */
export function tallyOf(runs: readonly RunRow[], failThreshold: number): Tally {
  const passed = runs.filter((run) => run.verdict === "good").length;
  const failed = runs.filter((run) => run.verdict === "bad").length;
  const total = runs.length;
  const verdict: Verdict = failed >= Math.min(failThreshold, total) && failed > 0 ? "bad" : passed === total ? "good" : "inconclusive";
  return { passed, failed, total, verdict };
}

/** The newest finished group's tally per version: what the search sees, and what the runs table shows. */
export function talliesOf(snapshot: HuntSnapshot): Map<number, Tally & { readonly seq: number }> {
  const newest = new Map<number, Tally & { readonly seq: number }>();
  for (const group of groupsOf(snapshot)) {
    if (group.runs.some(isInFlight)) continue;
    const seq = Math.max(...group.runs.map((run) => run.verdictSeq ?? 0));
    const tally = { ...tallyOf(group.runs, snapshot.hunt.failThreshold), seq };
    if ((newest.get(group.position)?.seq ?? -1) < seq) newest.set(group.position, tally);
  }
  return newest;
}

export function searchInputOf(snapshot: HuntSnapshot): SearchInput {
  const observations: Observation[] = [];
  for (const group of groupsOf(snapshot)) {
    if (group.runs.some(isInFlight)) continue;
    const seq = Math.max(...group.runs.map((run) => run.verdictSeq ?? 0));
    observations.push({ position: group.position, verdict: tallyOf(group.runs, snapshot.hunt.failThreshold).verdict, seq });
  }
  const pending = new Set(snapshot.runs.filter(isInFlight).map((run) => run.position));
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
  const tallies = talliesOf(snapshot);
  const inFlight = new Set(snapshot.runs.filter(isInFlight).map((run) => run.position));
  // Contradicted versions are offered again beside the candidates (§5): ticking one runs it again.
  const retryable = search.contradictions.filter((position) => !inFlight.has(position));
  const candidates = [...new Set([...search.candidates, ...retryable])].sort((a, b) => a - b);
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
    versions: snapshot.versions.map((v, position) => {
      const tally = tallies.get(position);
      return {
        names: v.names,
        sha: v.sha,
        title: v.title,
        tally: tally && tally.total > 1 ? { passed: tally.passed, total: tally.total, flaky: tally.verdict === "inconclusive" && tally.passed > 0 && tally.failed > 0, verdict: tally.verdict } : null,
      };
    }),
    runs: snapshot.runs.map(runViewOf).filter((run): run is RunView => run !== null),
    search: { ...search, candidates },
    found: hunt.state === "found" && hunt.result ? hunt.result : null,
    notice: hunt.notice,
  };
}
