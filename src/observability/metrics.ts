// Prometheus metrics (`GET /metrics`): webhooks by outcome, handler latency, hunts by state, runs and verdicts,
// GitHub requests by status, reconciler passes, plus the default process metrics.
//
// Every metric lives in a Registry of its own, never prom-client's global one, so tests and several apps in one
// process do not collide. The use cases (engine, actions, reconciler) record into the module-level `metrics`
// instance below: threading a metrics object through every HuntDeps would touch every call site for no gain, as a
// process runs one Locate. Tests call `metrics.reset()` before they count, or build their own `new LocateMetrics()`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { sql } from "drizzle-orm";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ProbotOctokit } from "probot";
import type { Store } from "../db/client.js";
import type { RunObservation } from "../db/queries/runs.js";
import { type RunRow, hunts } from "../db/schema.js";
import { HUNT_STATES } from "../render/markers.js";
import type { Verdict } from "../search/types.js";

/** What became of one webhook delivery in the error boundary. */
export type WebhookOutcome = "handled" | "duplicate" | "failed" | "ignored";

export const VERDICTS: readonly Verdict[] = ["good", "bad", "inconclusive"];

/** Deliveries a handler decided to leave alone (a bot's edit, someone else's run, a comment without commands). */
const ignoredDeliveries = new WeakSet<object>();

/**
 * Marks a delivery as one the handler chose not to act on, so the error boundary counts it as `ignored` rather than
 * `handled`. Returns nothing, so a handler can `return markIgnored(context);`.
 */
export function markIgnored(context: object): void {
  ignoredDeliveries.add(context);
}

export interface MetricsOptions {
  /** prom-client's default process metrics (CPU, memory, event loop lag, GC, handles); on unless turned off. */
  readonly defaultMetrics?: boolean;
}

export class LocateMetrics {
  readonly registry = new Registry();

  readonly webhooks = new Counter({
    name: "locate_webhooks_total",
    help: "Webhook deliveries by event (name.action) and outcome: handled, duplicate (a redelivered id), failed (an internal error), ignored (nothing to do).",
    labelNames: ["event", "outcome"] as const,
    registers: [this.registry],
  });

  readonly handlerSeconds = new Histogram({
    name: "locate_handler_seconds",
    help: "Time spent handling one webhook delivery, including the idempotency check, by event (name.action).",
    labelNames: ["event"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly huntStates = new Gauge({
    name: "locate_hunts",
    help: "Hunts in the database by state; counted on each scrape.",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });

  readonly runsDispatched = new Counter({
    name: "locate_runs_dispatched_total",
    help: "Workflow runs dispatched (dispatch calls GitHub accepted).",
    registers: [this.registry],
  });

  readonly verdicts = new Counter({
    name: "locate_verdicts_total",
    help: "Verdicts recorded, from CI runs (webhooks and the reconciler, timeouts included) and given by hand.",
    labelNames: ["verdict"] as const,
    registers: [this.registry],
  });

  readonly githubRequests = new Counter({
    name: "locate_github_requests_total",
    help: "GitHub API calls by method and final HTTP status (after Octokit's retries); status is \"error\" when no response came.",
    labelNames: ["method", "status"] as const,
    registers: [this.registry],
  });

  readonly reconcilerPasses = new Counter({
    name: "locate_reconciler_passes_total",
    help: "Passes of the reconciler over the hunts with runs in flight.",
    registers: [this.registry],
  });

  readonly reconcilerChanges = new Counter({
    name: "locate_reconciler_changes_total",
    help: "Runs the reconciler updated: missed webhooks, timeouts, interrupted dispatches.",
    registers: [this.registry],
  });

  constructor(options: MetricsOptions = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** A delivery left before any work (issue 13): counted, not timed, so the busiest path costs one increment. */
  countIgnored(context: { readonly name: string; readonly payload: unknown }): void {
    this.webhooks.inc({ event: eventLabel(context), outcome: "ignored" });
  }

  /**
   * Starts timing one delivery; `end` counts it with its outcome. A delivery the handler marked with markIgnored
   * is counted as `ignored` even when the boundary reports `handled`.
   */
  startDelivery(context: { readonly name: string; readonly payload: unknown }): { end(outcome: WebhookOutcome): void } {
    const event = eventLabel(context);
    const stop = this.handlerSeconds.startTimer({ event });
    let ended = false;
    return {
      end: (outcome) => {
        if (ended) return;
        ended = true;
        stop();
        this.webhooks.inc({ event, outcome: outcome === "handled" && ignoredDeliveries.has(context) ? "ignored" : outcome });
      },
    };
  }

  /** A verdict given by hand; `skip` is recorded as inconclusive, as the hunt does. */
  countVerdict(verdict: Verdict | "skip"): void {
    this.verdicts.inc({ verdict: verdict === "skip" ? "inconclusive" : verdict });
  }

  /**
   * Counts the verdict a run observation brought, if it brought one: the run (as it was before) was not yet
   * completed, or this is a newer attempt. Returns `changed` unchanged, so it can wrap applyRunObservation.
   */
  countRunObservation(before: Pick<RunRow, "status" | "attempt" | "runId">, seen: RunObservation, changed: boolean): boolean {
    const newVerdict = before.status !== "completed" || (before.runId !== null && seen.attempt > before.attempt);
    if (changed && seen.status === "completed" && seen.verdict !== null && newVerdict) this.countVerdict(seen.verdict);
    return changed;
  }

  countDispatch(): void {
    this.runsDispatched.inc();
  }

  countReconcilerPass(changes: number): void {
    this.reconcilerPasses.inc();
    if (changes > 0) this.reconcilerChanges.inc(changes);
  }

  countGitHubRequest(method: string | undefined, status: number | string | undefined): void {
    this.githubRequests.inc({ method: (method ?? "GET").toUpperCase(), status: status === undefined ? "error" : String(status) });
  }

  /** Sets `locate_hunts` from the database: every known state, zero included, so a state that empties reads 0. */
  async collectHunts(store: Store): Promise<void> {
    // select state, count(*) from hunts group by state
    const rows = await store.db
      .select({ state: hunts.state, count: sql<number>`count(*)::int` })
      .from(hunts)
      .groupBy(hunts.state);
    this.huntStates.reset();
    for (const state of HUNT_STATES) this.huntStates.set({ state }, 0);
    for (const row of rows) this.huntStates.set({ state: row.state }, Number(row.count));
  }

  /**
   * The exposition text. With a store, hunts by state are read first; if the database does not answer, the other
   * metrics are still served and `locate_hunts` has no samples (alert on `absent(locate_hunts)`).
   */
  async render(store?: Store): Promise<string> {
    if (store) {
      try {
        await this.collectHunts(store);
      } catch {
        this.huntStates.reset();
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Zeroes every counter, histogram and gauge (tests). */
  reset(): void {
    this.registry.resetMetrics();
  }
}

/** `issue_comment.created`, `workflow_run.completed`, …: the name, with the action when the payload has one. */
export function eventLabel(context: { readonly name: string; readonly payload: unknown }): string {
  const action = (context.payload as { action?: unknown } | null)?.action;
  // GitHub's X-GitHub-Event is the bare name; a caller of probot.receive() may already have named the action.
  return typeof action === "string" && !context.name.includes(".") ? `${context.name}.${action}` : context.name;
}

/** The process's metrics: what the handlers, use cases and Octokit record into, and what `/metrics` serves. */
export const metrics = new LocateMetrics();

/** A server handler for `GET /metrics` (Probot's `server.addHandler`); other requests fall through. */
export function metricsHandler(store: Store, target: LocateMetrics = metrics) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") return false;
    try {
      const text = await target.render(store);
      res.writeHead(200, { "content-type": target.contentType }).end(text);
    } catch {
      res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable");
    }
    return true;
  };
}

type OctokitInstance = InstanceType<typeof ProbotOctokit>;

/**
 * An Octokit plugin counting API calls by method and status. Registered after Probot's own plugins, its hooks
 * wrap throttling and retries, so one call counts once, with the status it finally got.
 */
export function githubRequestMetrics(target: LocateMetrics = metrics) {
  return (octokit: Pick<OctokitInstance, "hook">): void => {
    octokit.hook.after("request", (response, options) => {
      target.countGitHubRequest(options.method, response.status);
    });
    octokit.hook.error("request", (error, options) => {
      target.countGitHubRequest(options.method, (error as { status?: unknown }).status as number | undefined);
      throw error;
    });
  };
}
