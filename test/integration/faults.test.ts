// GitHub failing, one way at a time, and what the person on the issue sees (§4, §8 "Polite to GitHub"): Locate as
// deployed (startLocate: Probot's retry and throttling on) on Postgres, against the sandbox GitHub with injected
// faults. Transient failures are retried and leave no trace on the issue; permanent ones stop the hunt with a reason.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { describe, expect, it, onTestFailed, onTestFinished } from "vitest";
import { loadEnv } from "../../src/config/env.js";
import { type RunningLocate, startLocate } from "../../src/main.js";
import { createLogger } from "../../src/observability/logging.js";
import { findState } from "../../src/render/markers.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox, SandboxOptions } from "../../src/sandbox/index.js";
import { createTestDatabase } from "../helpers/pg-database.js";
import { commentOutcome, expectedAnswer, huntComments, replies, storedHunts } from "../helpers/resilience.js";

type LogLine = Record<string, unknown> & { level: number; msg?: string };

interface Rig {
  readonly sb: Sandbox;
  readonly locate: RunningLocate;
  readonly sql: postgres.Sql;
  readonly logs: LogLine[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The sandbox (seed printed), a fresh Postgres database, and Locate in this process with retries and throttling on. */
async function startRig(options: SandboxOptions & { seed: number }): Promise<Rig> {
  console.info(`[faults] sandbox seed ${options.seed}`);
  const sb = await startSandbox({ history: { tags: 12 }, permissions: { alice: "maintain" }, runDuration: { minMs: 20, maxMs: 60 }, ...options });
  onTestFinished(() => sb.close());
  const database = await createTestDatabase("faults");
  onTestFinished(() => database.drop());
  const logs: LogLine[] = [];
  const log = createLogger({ LOG_LEVEL: "info" }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const env = loadEnv({
    ...sb.env,
    HOST: "127.0.0.1",
    PORT: String(await freePort()),
    DATABASE_URL: database.url,
    LOCATE_WRITE_INTERVAL_MS: "0",
    LOCATE_RECONCILE_SECONDS: "600",
  });
  const locate = await startLocate(env, sb.env.PRIVATE_KEY, log);
  onTestFinished(() => locate.stop());
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  onTestFinished(() => sql.end({ timeout: 5 }));
  onTestFinished(() => sb.setWebhookTarget(undefined));
  sb.setWebhookTarget(`http://127.0.0.1:${locate.port}/api/github/webhooks`);
  onTestFailed(() => {
    console.error(`--- requests ---\n${sb.requests.map((r) => `${r.status} ${r.method} ${r.path}`).join("\n")}`);
    console.error(`--- locate log ---\n${logs.map((l) => JSON.stringify(l)).join("\n")}`);
  });
  return { sb, locate, sql, logs };
}

async function openHunt(sb: Sandbox, command: string): Promise<number> {
  const issue = await sb.openIssue({ user: "alice", title: "Regression somewhere in the releases" });
  await sb.postComment({ issue, user: "alice", body: command });
  return issue;
}

const range = (sb: Sandbox) => `${sb.tags[0]!.name}..${sb.tags.at(-1)!.name}`;

async function waitForState(sb: Sandbox, issue: number, state: string, timeoutMs = 15_000): Promise<string> {
  return sb.waitFor(() => findState(huntComments(sb, issue)[0]?.body ?? "") === state && huntComments(sb, issue)[0]!.body, {
    timeoutMs,
    message: `the hunt comment to say ${state}`,
  });
}

/** The statuses GitHub answered on one route, in order. */
function statuses(sb: Sandbox, route: string): number[] {
  return sb.requests.filter((r) => r.route === route).map((r) => r.status);
}

const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";
const CREATE_COMMENT = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const EDIT_COMMENT = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";
const SECONDARY_LIMIT = { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest" };

/** The found answer on the issue, with no note about an error, and one hunt comment. */
function expectCleanFound(rig: Rig, issue: number, body: string): void {
  expect(commentOutcome(body)).toEqual({ state: "found", ...expectedAnswer(rig.sb) });
  expect(huntComments(rig.sb, issue)).toHaveLength(1);
  expect(replies(rig.sb, issue)).toEqual([]);
  expect(rig.logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
}

/** Each tag dispatched at most once per hunt round, i.e. a retried request did not run the workflow twice. */
function expectNoDoubleRuns(sb: Sandbox): void {
  const tags = sb.runs.map((run) => run.inputs.locate_id);
  expect(new Set(tags).size).toBe(tags.length);
}

describe("transient GitHub failures are retried", () => {
  it("a 502 on dispatch and a 503 on a comment edit, then success: the hunt goes on as if nothing happened", { timeout: 30_000 }, async () => {
    const rig = await startRig({ seed: 31 });
    rig.sb.inject({ route: DISPATCH, status: 502, times: 1 });
    rig.sb.inject({ route: EDIT_COMMENT, status: 503, times: 1 });
    const issue = await openHunt(rig.sb, `/locate ${range(rig.sb)} auto`);
    const body = await waitForState(rig.sb, issue, "found");

    expect(statuses(rig.sb, DISPATCH).slice(0, 2)).toEqual([502, 200]);
    expect(statuses(rig.sb, EDIT_COMMENT).slice(0, 2)).toEqual([503, 200]);
    expectCleanFound(rig, issue, body);
    expectNoDoubleRuns(rig.sb);
  });

  it("a secondary rate limit (403 with retry-after) on the new comment and a 429 on dispatch: waited out and retried", { timeout: 30_000 }, async () => {
    const rig = await startRig({ seed: 32 });
    rig.sb.inject({ route: CREATE_COMMENT, status: 403, body: SECONDARY_LIMIT, headers: { "retry-after": "1" }, times: 1 });
    rig.sb.inject({ route: DISPATCH, status: 429, body: { message: "Too many requests" }, headers: { "retry-after": "1" }, times: 1 });
    const issue = await openHunt(rig.sb, `/locate ${range(rig.sb)} auto`);
    const body = await waitForState(rig.sb, issue, "found");

    expect(statuses(rig.sb, CREATE_COMMENT).slice(0, 2)).toEqual([403, 201]);
    expect(statuses(rig.sb, DISPATCH).slice(0, 2)).toEqual([429, 200]);
    // The retry waited for GitHub's retry-after.
    const [limited, retried] = rig.sb.requests.filter((r) => r.route === CREATE_COMMENT);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(900);
    expectCleanFound(rig, issue, body);
    expectNoDoubleRuns(rig.sb);
  });

  it("a secondary rate limit that outlasts the retries does not end the hunt: a later edit brings the comment up to date", { timeout: 30_000 }, async () => {
    const rig = await startRig({ seed: 33 });
    // Every comment edit for a few seconds is refused as too fast: Octokit gives up after its retries.
    rig.sb.inject({ route: EDIT_COMMENT, status: 403, body: SECONDARY_LIMIT, headers: { "retry-after": "1" }, times: 3 });
    const issue = await openHunt(rig.sb, `/locate ${range(rig.sb)} auto`);
    await rig.sb.waitFor(() => statuses(rig.sb, EDIT_COMMENT).filter((s) => s === 403).length === 3, { timeoutMs: 15_000, message: "the three refused edits" });
    await rig.sb.waitFor(async () => (await storedHunts(rig.sql))[0]?.state !== "searching" && (await storedHunts(rig.sql))[0]?.state, {
      timeoutMs: 15_000,
      message: "the hunt to end",
    });
    const [hunt] = await storedHunts(rig.sql);
    expect(hunt?.state, "a rate limit is not a locked issue: the hunt must not be failed").toBe("found");
    const body = await waitForState(rig.sb, issue, "found");
    expect(commentOutcome(body).firstBad).toBe(expectedAnswer(rig.sb).firstBad);
  });
});

describe("the hunt's comment or issue goes away", () => {
  it("the comment deleted by someone is posted again on the next render, and the hunt finishes in it", { timeout: 30_000 }, async () => {
    const rig = await startRig({ seed: 34 });
    const { sb } = rig;
    let deleted: number | undefined;
    // Just before Locate's first edit of its comment, a maintainer deletes the comment.
    sb.inject({
      route: (method, route, path) => {
        if (deleted === undefined && method === "PATCH" && route === EDIT_COMMENT) {
          deleted = Number(path.split("/").at(-1));
          sb.deleteComment(deleted, "alice");
        }
        return false;
      },
      status: 500,
    });
    const issue = await openHunt(sb, `/locate ${range(sb)} auto`);
    const body = await waitForState(sb, issue, "found");

    expect(deleted).toBeDefined();
    expect(sb.getComment(deleted!)?.deleted).toBe(true);
    const [comment] = huntComments(sb, issue);
    expect(comment!.id).not.toBe(deleted);
    expect((await storedHunts(rig.sql))[0]?.commentId).toBe(comment!.id);
    expectCleanFound(rig, issue, body);
  });

  it("a locked issue that refuses Locate's edits fails the hunt, cancels its runs and says why in the log", { timeout: 30_000 }, async () => {
    // Runs end seconds apart, as on GitHub: the first verdict meets the lock (after its failed step is read, issue 14)
    // while the others are still running, so there is something to cancel.
    const rig = await startRig({ seed: 35, runDuration: { minMs: 2_000, maxMs: 6_000 } });
    const { sb } = rig;
    const issue = await openHunt(sb, `/locate ${range(sb)} auto`);
    await sb.waitFor(() => huntComments(sb, issue)[0] && sb.runs.length > 0, { timeoutMs: 15_000, message: "the hunt to start its runs" });
    sb.lockIssue(issue, "too heated");
    sb.inject({ route: EDIT_COMMENT, status: 403, body: { message: "Unable to update comment because issue is locked." }, times: 100 });
    sb.inject({ route: CREATE_COMMENT, status: 403, body: { message: "Unable to create comment because issue is locked." }, times: 100 });
    // The next render (the first verdict: a run that merely starts renders nothing) meets the lock.
    await sb.waitFor(async () => (await storedHunts(rig.sql))[0]?.state === "failed", { timeoutMs: 15_000, message: "the hunt to fail" });

    const line = rig.logs.find((l) => l.msg === "the hunt's issue cannot be written to; hunt failed");
    expect(line).toMatchObject({ level: 40, status: 403, issue });
    await sb.waitFor(() => sb.runs.every((run) => run.status === "completed"), { timeoutMs: 10_000, message: "the runs to end" });
    expect(sb.runs.map((run) => run.conclusion)).toContain("cancelled");
    const dispatchedBefore = sb.runs.length;
    await sb.idle();
    expect(sb.runs.length, "no CI spent after the failure").toBe(dispatchedBefore);
  });

  it("a deleted issue (its comments 404, new comments 410) fails the hunt with a log line", { timeout: 30_000 }, async () => {
    const rig = await startRig({ seed: 36, runDuration: { minMs: 1_000, maxMs: 1_500 } });
    const { sb } = rig;
    const issue = await openHunt(sb, `/locate ${range(sb)} auto`);
    await sb.waitFor(() => huntComments(sb, issue)[0] && sb.runs.length > 0, { timeoutMs: 15_000, message: "the hunt to start its runs" });
    const onIssue = (path: string) => path.includes(`/issues/${issue}/`) || /\/issues\/comments\//.test(path);
    sb.inject({ route: (method, _route, path) => method === "PATCH" && onIssue(path), status: 404, body: { message: "Not Found" }, times: 100 });
    sb.inject({ route: (method, _route, path) => method === "POST" && path.endsWith(`/issues/${issue}/comments`), status: 410, body: { message: "This issue was deleted" }, times: 100 });
    await sb.waitFor(async () => (await storedHunts(rig.sql))[0]?.state === "failed", { timeoutMs: 15_000, message: "the hunt to fail" });

    const line = rig.logs.find((l) => l.msg === "the hunt's issue cannot be written to; hunt failed");
    expect(line).toMatchObject({ level: 40, status: 410, issue });
    expect(rig.logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
  });
});

describe("a workflow GitHub will not dispatch", () => {
  const cases: Array<[string, SandboxOptions, RegExp]> = [
    ["missing (404)", { workflow: null }, /there is no workflow <code>locate\.yml<\/code>|there is no workflow `locate\.yml`/],
    ["without a workflow_dispatch trigger (422)", { workflow: { dispatchable: false } }, /workflow_dispatch/],
    ["without the locate_id input (422 unexpected input)", { workflowInputs: ["ref", "tag"] }, /Unexpected inputs provided/],
  ];

  it.each(cases)("%s: a reply with the fix and the template, the hunt paused, nothing retried", { timeout: 30_000 }, async (_label, options, cause) => {
    const rig = await startRig({ seed: 37, ...options });
    const { sb } = rig;
    const issue = await openHunt(sb, `/locate ${range(sb)} auto`);
    const reply = await sb.waitFor(() => replies(sb, issue)[0], { timeoutMs: 15_000, message: "Locate's reply about the workflow" });
    const body = await waitForState(sb, issue, "paused");

    expect(reply).toMatch(/could not dispatch the workflow/);
    expect(reply).toMatch(cause);
    expect(reply).toContain("/locate resume");
    expect(reply).toContain("workflow_dispatch:");
    expect(reply).toContain('run-name: "locate ${{ inputs.tag }} [${{ inputs.locate_id }}]"');
    expect(replies(sb, issue)).toHaveLength(1);
    expect(body).toContain("GitHub rejected the workflow");
    expect(sb.runs).toHaveLength(0);
    // Rejected once, not retried blindly: one dispatch request for the whole hunt.
    expect(statuses(sb, DISPATCH)).toHaveLength(1);
    expect((await storedHunts(rig.sql))[0]?.state).toBe("paused");
    expect(rig.logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
  });
});
