// Issue 13, the pure parts of the outbox: which writes share a key, their priorities, how soon a comment edit is
// due, and how long GitHub asks an installation to wait.
import { describe, expect, it } from "vitest";
import type { HuntRow } from "../../src/db/schema.js";
import { commentUrgency } from "../../src/hunt/engine.js";
import { PRIORITY, commentPriority, createsContent, writeKey } from "../../src/outbox/requests.js";
import { rateLimitWaitMs } from "../../src/outbox/scheduler.js";

const repo = { owner: "acme", repo: "widgets" };

function hunt(fields: Partial<HuntRow>): HuntRow {
  return { commentId: 11, state: "searching", autopilot: true, ...fields } as HuntRow;
}

function githubError(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { status, response: { headers, data: { message } } });
}

describe("write keys", () => {
  it("one waiting comment edit per hunt, dispatch per run, cancel per run; replies stand alone unless they are notifications", () => {
    expect(writeKey({ kind: "comment", huntId: 4 })).toBe("comment:4");
    expect(writeKey({ kind: "dispatch", runRowId: 9 })).toBe("dispatch:9");
    expect(writeKey({ kind: "cancel", repo, runId: 77 })).toBe("cancel:acme/widgets:77");
    expect(writeKey({ kind: "reply", repo, issueNumber: 1, body: "hi" })).toBeNull();
    expect(writeKey({ kind: "reply", repo, issueNumber: 1, body: "hi", notificationId: 3, marker: "<!-- m -->" })).toBe("notify:3");
    expect(writeKey({ kind: "reaction", repo, target: { commentId: 1 } })).toBeNull();
  });

  it("only new comments count against the content-creation budget", () => {
    expect(createsContent({ kind: "reply", repo, issueNumber: 1, body: "hi" })).toBe(true);
    expect(createsContent({ kind: "dispatch", runRowId: 1 })).toBe(false);
    expect(createsContent({ kind: "comment", huntId: 1 })).toBe(false);
  });
});

describe("how soon a hunt's comment is edited", () => {
  it("at once for a hunt that just stopped searching (or resumed), and for what a person asked (the first comment among it)", () => {
    // A run's news while the first comment is being posted does not call for a second write right after it.
    expect(commentUrgency(hunt({ commentId: null }), "progress", "searching")).toBe("progress");
    expect(commentUrgency(hunt({ commentId: null }), "now", "searching")).toBe("now");
    for (const state of ["found", "failed", "paused", "cancelled"] as const) expect(commentUrgency(hunt({ state }), "progress", "searching")).toBe("now");
    expect(commentUrgency(hunt({}), "progress", "paused")).toBe("now");
    expect(commentUrgency(hunt({}), "now", "searching")).toBe("now");
    expect(commentPriority("now")).toBe(PRIORITY.people);
  });

  it("auto-pilot's verdicts wait for the round, as do late verdicts of an ended hunt; a manual hunt's are worth an edit of their own", () => {
    expect(commentUrgency(hunt({}), "progress", "searching")).toBe("progress");
    expect(commentUrgency(hunt({ state: "found" }), "progress", "found")).toBe("progress");
    expect(commentUrgency(hunt({ state: "found", autopilot: false }), "progress", "found")).toBe("progress");
    expect(commentUrgency(hunt({ autopilot: false }), "progress", "searching")).toBe("round");
    expect(commentPriority("round")).toBe(PRIORITY.progress);
    expect(PRIORITY.people).toBeLessThan(PRIORITY.ci);
    expect(PRIORITY.ci).toBeLessThan(PRIORITY.progress);
  });
});

describe("GitHub asking an installation to slow down", () => {
  it("waits what retry-after says, on 403 and 429", () => {
    expect(rateLimitWaitMs(githubError(403, "You have exceeded a secondary rate limit", { "retry-after": "30" }))).toBe(30_000);
    expect(rateLimitWaitMs(githubError(429, "Too many requests", { "retry-after": "5" }))).toBe(5_000);
  });

  it("waits until the reset of an exhausted primary limit", () => {
    const now = Date.UTC(2026, 11, 5, 12, 0, 0);
    const error = githubError(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 90) });
    expect(rateLimitWaitMs(error, now)).toBe(90_000);
  });

  it("waits a minute on a secondary limit that names no time, as GitHub advises", () => {
    expect(rateLimitWaitMs(githubError(403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."))).toBe(60_000);
  });

  it("is not a rate limit otherwise: a locked issue, a missing workflow, a server error", () => {
    expect(rateLimitWaitMs(githubError(403, "Unable to create comment because issue is locked."))).toBeNull();
    expect(rateLimitWaitMs(githubError(404, "Not Found"))).toBeNull();
    expect(rateLimitWaitMs(githubError(502, "Bad Gateway", { "retry-after": "1" }))).toBeNull();
    expect(rateLimitWaitMs(new Error("socket hang up"))).toBeNull();
  });
});
