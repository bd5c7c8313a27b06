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

export function createOctokitClass(settings: OctokitSettings): typeof ProbotOctokit {
  const write = new Bottleneck.Group({ maxConcurrent: 1, minTime: settings.writeIntervalMs });
  // Writes that notify people (new comments) wait three times as long, as the throttling plugin's defaults do.
  const notifications = new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * settings.writeIntervalMs });
  return ProbotOctokit.defaults((options: Record<string, any>) => ({
    ...options,
    throttle: { ...options.throttle, enabled: true, write, notifications },
    ...(settings.retry === false ? { retry: { enabled: false } } : {}),
  })).plugin(githubRequestMetrics()) as typeof ProbotOctokit;
}
