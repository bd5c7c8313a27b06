// Lookups a hunt can do without (issue 14): a pull request, jobs, annotations, commit lists. GitHub refusing one (404,
// 422, 5xx after the retries, an endpoint an older GitHub Enterprise Server lacks) becomes a note, never a failed event.
import type { Logger } from "pino";
import { httpStatus } from "./client.js";

export type Lookup<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** "the failed step could not be read (GitHub answered 404)": plain text, escaped where it is shown. */
export function lookupProblem(what: string, error: unknown): string {
  const status = httpStatus(error);
  return `${what} could not be read (${status === undefined ? "no answer from GitHub" : `GitHub answered ${status}`})`;
}

/**
 * Runs an optional GitHub lookup; any failure is logged and returned as a problem to show. Only the lookup's own
 * request runs inside, so nothing but GitHub's answer can fail here.
 */
export async function optionalLookup<T>(what: string, log: Logger, lookup: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { ok: true, value: await lookup() };
  } catch (error) {
    log.warn({ err: error, status: httpStatus(error), lookup: what }, "optional lookup failed; the hunt goes on without it");
    return { ok: false, problem: lookupProblem(what, error) };
  }
}
