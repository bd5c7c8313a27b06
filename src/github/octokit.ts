// The Octokit class Locate runs on: Probot's, with throttling switched on per installation.
//
// Probot leaves an installation's client unthrottled unless `throttle.enabled` is set, and the throttling
// plugin otherwise spaces content writes one second apart across *all* installations. Here every installation
// gets its own write queue (GitHub's secondary limits are per installation), with an interval an operator can
// lower for a test server such as the sandbox.
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";
import { githubRequestMetrics } from "../observability/metrics.js";

export interface OctokitSettings {
  /** Minimum time between two content writes (POST/PATCH/PUT/DELETE) of one installation; GitHub asks for 1 s. New comments wait 3×. */
  readonly writeIntervalMs: number;
  /** Retries of 5xx answers with backoff; tests turn it off to see failures at once. */
  readonly retry?: boolean;
}

const MAX_RATE_LIMIT_RETRIES = 2;
const MAX_RATE_LIMIT_WAIT_SECONDS = 60;

export function createOctokitClass(settings: OctokitSettings): typeof ProbotOctokit {
  const write = new Bottleneck.Group({ maxConcurrent: 1, minTime: settings.writeIntervalMs });
  // Writes that notify people (new comments) wait three times as long, as the throttling plugin's defaults do.
  const notifications = new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * settings.writeIntervalMs });
  return ProbotOctokit.defaults((options: Record<string, any>) => ({
    ...options,
    throttle: {
      ...options.throttle,
      enabled: true,
      write,
      notifications,
      // Probot's handlers only log a secondary limit; waiting the time GitHub names and trying again (twice) is
      // what GitHub asks for, and keeps a burst from failing a hunt's dispatches.
      onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        options.throttle?.onSecondaryRateLimit?.(retryAfter, request);
        return retryCount < MAX_RATE_LIMIT_RETRIES;
      },
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        options.throttle?.onRateLimit?.(retryAfter, request);
        // Waiting out the hourly quota is pointless for a webhook; the reconciler catches up afterwards.
        return retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
      },
    },
    // 409 joins the plugin's list of answers not worth retrying: it means "already done" (a finished run
    // cannot be cancelled), and retrying it held the hunt's queue for seconds.
    retry: settings.retry === false ? { enabled: false } : { ...options.retry, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451] },
  })).plugin(githubRequestMetrics()) as typeof ProbotOctokit;
}
