// The Octokit class Locate runs on: Probot's, with throttling switched on per installation.
//
// Probot leaves an installation's client unthrottled unless `throttle.enabled` is set. Reads are throttled here;
// writes are paced by the write scheduler (src/outbox/), per installation and across replicas.
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";
import { githubRequestMetrics } from "../observability/metrics.js";

export interface OctokitSettings {
  /** Retries of 5xx answers with backoff; tests turn it off to see failures at once. */
  readonly retry?: boolean;
}

const MAX_RATE_LIMIT_RETRIES = 2;
const MAX_RATE_LIMIT_WAIT_SECONDS = 60;

/** Writes are paced and retried by the write scheduler (src/outbox/), which slows the whole installation down. */
function isRead(request: { method: string }): boolean {
  return request.method === "GET" || request.method === "HEAD";
}

export function createOctokitClass(settings: OctokitSettings = {}): typeof ProbotOctokit {
  // The throttling plugin would space writes per process; the scheduler already spaces them per installation across
  // replicas, so the plugin's write groups let everything through.
  const write = new Bottleneck.Group({ maxConcurrent: null, minTime: 0 });
  const notifications = new Bottleneck.Group({ maxConcurrent: null, minTime: 0 });
  return ProbotOctokit.defaults((options: Record<string, any>) => ({
    ...options,
    throttle: {
      ...options.throttle,
      enabled: true,
      write,
      notifications,
      // A read that meets a limit waits the time GitHub names and tries again (twice); a write is handed back to
      // the scheduler, which holds every write of the installation until then.
      onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        options.throttle?.onSecondaryRateLimit?.(retryAfter, request);
        return isRead(request) && retryCount < MAX_RATE_LIMIT_RETRIES;
      },
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        options.throttle?.onRateLimit?.(retryAfter, request);
        // Waiting out the hourly quota is pointless for a webhook; the reconciler catches up afterwards.
        return isRead(request) && retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
      },
    },
    // 409 joins the plugin's list of answers not worth retrying: it means "already done" (a finished run
    // cannot be cancelled), and retrying it held the hunt's queue for seconds.
    retry: settings.retry === false ? { enabled: false } : { ...options.retry, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
  })).plugin(githubRequestMetrics()) as typeof ProbotOctokit;
}
