// Attribution of a hunt's GitHub requests to its phases (resolving, each round, finding), from the sandbox's request log.
import type { RequestLogEntry } from "../src/sandbox/index.js";

export const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";

export interface Phases {
  readonly resolving: RequestLogEntry[];
  /** One list per round, in round order. */
  readonly rounds: RequestLogEntry[][];
  readonly finding: RequestLogEntry[];
}

/**
 * Cuts the request log by time: before the first dispatch = resolving; from a round's first dispatch to the next
 * round's first dispatch = that round; after the last verdict (the last run's completion) = finding.
 */
export function splitPhases(requests: readonly RequestLogEntry[], roundOfToken: ReadonlyMap<string, number>, lastVerdictAt: number): Phases {
  const firstDispatch = new Map<number, number>();
  requests.forEach((request, index) => {
    if (request.route !== DISPATCH || request.status >= 300) return;
    const token = (request.body as { inputs?: { locate_id?: string } } | null)?.inputs?.locate_id;
    const round = token === undefined ? undefined : roundOfToken.get(token);
    if (round === undefined) throw new Error(`dispatch with unknown token ${token}`);
    if (!firstDispatch.has(round)) firstDispatch.set(round, index);
  });
  const starts = [...firstDispatch.entries()].sort((a, b) => a[0] - b[0]).map(([, index]) => index);
  const lastDispatch = requests.findLastIndex((request) => request.route === DISPATCH);
  // A request is logged when answered, a millisecond or so after it was made; none made after the verdict can end in its millisecond.
  let findingAt = requests.findIndex((request, index) => index > lastDispatch && request.at > lastVerdictAt);
  if (findingAt < 0) findingAt = requests.length;
  const firstStart = starts[0] ?? findingAt;
  return {
    resolving: requests.slice(0, firstStart),
    rounds: starts.map((start, i) => requests.slice(start, starts[i + 1] ?? findingAt)),
    finding: requests.slice(findingAt),
  };
}

export function count(requests: readonly RequestLogEntry[], route: string): number {
  return requests.filter((request) => request.route === route).length;
}
