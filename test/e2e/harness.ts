// Shared set-up of the end-to-end tests: a sandbox GitHub plus the real Locate server process, wired by signed webhooks over HTTP.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, onTestFailed, onTestFinished } from "vitest";
import { decodeMarkerName, encodeMarkerName } from "../../src/render/escape.js";
import { findState } from "../../src/render/markers.js";
import { startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox, SandboxComment, SandboxOptions } from "../../src/sandbox/index.js";
import { type LocateProcess, attachToTest, startLocateProcess } from "../helpers/locate-process.js";
import { createTestDatabase } from "../helpers/pg-database.js";

export interface E2E {
  readonly sb: Sandbox;
  readonly locate: LocateProcess;
}

export interface E2EOptions extends SandboxOptions {
  /** "pglite" (the default, as `npm start` runs) in a fresh temp dir, or a fresh database on the run's Postgres server. */
  readonly database?: "pglite" | "postgres";
}

/** Fast simulated runs: the tests are about the loop, not about waiting. */
const RUN_DURATION = { minMs: 20, maxMs: 80 };

/**
 * Starts a sandbox and a Locate process for the current test, and registers their teardown with it. On failure the
 * process output and the sandbox's traffic are printed, as the assertion message alone rarely says why.
 */
export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const { database = "pglite", ...sandboxOptions } = options;
  const sb = await startSandbox({ runDuration: RUN_DURATION, ...sandboxOptions });
  onTestFinished(() => sb.close());

  let storage: { dataDir: string } | { databaseUrl: string };
  if (database === "postgres") {
    const db = await createTestDatabase("e2e");
    onTestFinished(() => db.drop());
    storage = { databaseUrl: db.url };
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), "locate-e2e-"));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    storage = { dataDir };
  }
  const locate = await startLocateProcess({ env: { ...sb.env }, ...storage, writeIntervalMs: 0 });
  // Hooks registered later run first: the server stops while the sandbox it talks to is still up.
  attachToTest(locate);
  onTestFinished(() => sb.setWebhookTarget(undefined));
  onTestFailed(() => {
    console.error(`--- sandbox traffic ---\n${describeTraffic(sb)}`);
  });
  sb.setWebhookTarget(locate.webhookUrl);
  return { sb, locate };
}

function describeTraffic(sb: Sandbox): string {
  const requests = sb.requests.map((r) => `${r.status} ${r.method} ${r.path}${r.query}`);
  const deliveries = sb.deliveries.map((d) => `${d.outcome} ${d.status ?? "-"} ${d.event}.${d.action ?? ""}${d.error ? ` (${d.error})` : ""}`);
  return [`requests:`, ...requests, `deliveries:`, ...deliveries].join("\n  ");
}

/** Opens an issue as `user`, comments the command, and waits for Locate's hunt comment. */
export async function startHunt(sb: Sandbox, user: string, command: string): Promise<{ issue: number; commentId: number }> {
  const issue = await sb.openIssue({ user, title: "Regression somewhere in the releases" });
  await sb.postComment({ issue, user, body: command });
  const comment = await sb.waitFor(() => huntCommentOf(sb, issue), { timeoutMs: 15_000, message: `Locate's hunt comment for ${command}` });
  return { issue, commentId: comment.id };
}

export function huntCommentOf(sb: Sandbox, issue: number): SandboxComment | undefined {
  return sb.listComments(issue).find((c) => c.user === sb.botLogin && c.body.includes("<!-- locate:hunt:"));
}

export function bodyOf(sb: Sandbox, commentId: number): string {
  const comment = sb.getComment(commentId);
  if (!comment) throw new Error(`comment ${commentId} is gone`);
  return comment.body;
}

/** Waits until the hunt comment is in one of the final states and returns its body. */
export async function waitForEnd(sb: Sandbox, commentId: number, timeoutMs = 20_000): Promise<string> {
  return sb.waitFor(
    () => {
      const body = bodyOf(sb, commentId);
      return ["found", "cancelled", "failed"].includes(findState(body) ?? "") && body;
    },
    { timeoutMs, message: "the hunt comment to reach found, cancelled or failed" },
  );
}

/** Decoded names of the unticked candidate items marked ⭐ (the suggested picks). */
export function suggestedPicks(body: string): string[] {
  return body
    .split("\n")
    .filter((line) => /^- \[ \]/.test(line) && line.includes("⭐"))
    .map((line) => /<!-- locate:tag:(\S+) -->/.exec(line)?.[1])
    .filter((encoded): encoded is string => encoded !== undefined)
    .map((encoded) => decodeMarkerName(encoded) ?? encoded);
}

/** Waits until the comment shows no run queued or running, i.e. every verdict so far is rendered; returns the body. */
export async function waitForVerdictsShown(sb: Sandbox, commentId: number): Promise<string> {
  return sb.waitFor(() => !/⏳ queued|🏃 running/.test(bodyOf(sb, commentId)) && bodyOf(sb, commentId), {
    timeoutMs: 10_000,
    message: "every run's verdict shown in the comment",
  });
}

/** Whether the tag is an unticked candidate item of the comment. */
export function isOffered(body: string, tag: string): boolean {
  const marker = `<!-- locate:tag:${encodeMarkerName(tag)} -->`;
  return body.split("\n").some((line) => /^- \[ \]/.test(line) && line.includes(marker));
}

/** Waits until every run in the sandbox has completed and every webhook was handed over. */
export async function settle(sb: Sandbox): Promise<void> {
  await sb.waitFor(() => sb.runs.every((run) => run.status === "completed"), { timeoutMs: 10_000, message: "all runs to complete" });
  await sb.idle();
}

/**
 * Nothing went wrong on the wire: every delivery was accepted, and the only API errors are those the app expects
 * (404 for the absent .github/locate.yml, and whatever a test names). Also no error lines in the app's log.
 */
export function expectCleanRun(e2e: E2E, expected: (request: Sandbox["requests"][number]) => boolean = () => false): void {
  const unexpected = e2e.sb.requests
    .filter((r) => r.status >= 400)
    .filter((r) => !(r.status === 404 && r.route === "GET /repos/{owner}/{repo}/contents/{path}"))
    .filter((r) => !expected(r))
    .map((r) => `${r.status} ${r.route}`);
  expect(unexpected).toEqual([]);
  const failed = e2e.sb.deliveries.filter((d) => d.outcome !== "delivered").map((d) => `${d.event}.${d.action ?? ""} ${d.outcome} ${d.status ?? ""} ${d.error ?? ""}`);
  expect(failed).toEqual([]);
  const errors = e2e.locate
    .logs()
    .filter((line) => line.level >= 50)
    .map((line) => line.msg);
  expect(errors).toEqual([]);
}

/** Checks the found comment: the result names the sandbox's hidden first bad (by commit: tags on one commit are one version), with the compare link. */
export function expectFound(sb: Sandbox, body: string, result: { firstBad: string; lastGood: string }): void {
  const shaOf = (name: string) => sb.tags.find((tag) => tag.name === name)?.sha;
  expect(findState(body)).toBe("found");
  expect(shaOf(result.firstBad)).toBe(sb.firstBad.sha);
  expect(body).toContain(`${sb.repo.htmlUrl}/compare/${urlPart(result.lastGood)}...${urlPart(result.firstBad)}`);
}

// GitHub's compare URLs keep `/` and `@` of tag names as they are.
function urlPart(name: string): string {
  return encodeURIComponent(name).replace(/%2F/gi, "/").replace(/%40/gi, "@");
}
