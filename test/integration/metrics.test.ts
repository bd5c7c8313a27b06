// Metrics of a real hunt: a small hunt through probot.receive() against the nock GitHub, then `/metrics` read from the
// module and over HTTP from the server startLocate() runs.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import pino from "pino";
import { Probot } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/config/env.js";
import type { Store } from "../../src/db/client.js";
import type { GitHub } from "../../src/github/client.js";
import { HuntQueue } from "../../src/hunt/queue.js";
import { reconcileAll } from "../../src/hunt/reconcile.js";
import { createOctokitClass } from "../../src/github/octokit.js";
import { locateApp } from "../../src/index.js";
import { startLocate } from "../../src/main.js";
import { createLogger } from "../../src/observability/logging.js";
import { WriteScheduler } from "../../src/outbox/scheduler.js";
import { metrics } from "../../src/observability/metrics.js";
import { type TestApp, createTestApp, openTestStore } from "../helpers/app.js";
import { HuntDriver } from "../helpers/hunt-driver.js";
import { NockGitHub } from "../helpers/nock-github.js";
import { BOT_LOGIN, INSTALLATION_ID, issueCommentCreated, issueCommentEdited, workflowRun } from "../helpers/payloads.js";
import { freePort } from "../../src/sandbox/ports.js";

let store: Store;
let app: TestApp;
let gh: NockGitHub | undefined;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store.close());

beforeEach(async () => {
  app = await createTestApp({ store });
  metrics.reset();
});

afterEach(async () => {
  const unmatched = gh?.unmatched ?? [];
  gh?.close();
  gh = undefined;
  await app.close();
  expect(unmatched).toEqual([]);
});

/** `name{labels} value` lines of an exposition, as a map from the series to its value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** The sum of the samples of one metric whose labels include all of `labels`. */
function sum(s: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [series, value] of s) {
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) total += value;
  }
  return total;
}

describe("a hunt, counted", () => {
  it("counts webhooks by event and outcome, dispatches, verdicts by kind, hunts by state and GitHub requests by status", async () => {
    gh = new NockGitHub({ tags: 12, firstBad: 7, roles: { alice: "write" } });
    const hunt = new HuntDriver(app, gh);

    await hunt.comment("alice", "/locate v1.0.0..v1.11.0");
    await hunt.comment("alice", "/locate good v1.2.0\n/locate skip v1.3.0 flaky");
    // Talk on the issue without commands: nothing to do.
    await hunt.comment("bob", "Thanks for looking into this!");
    // One delivery, received twice (GitHub's redelivery): counted once as handled, once as a duplicate.
    const redelivered = issueCommentCreated({ body: "/locate status", login: "alice" });
    const id = randomUUID();
    await app.receive("issue_comment.created", redelivered, id);
    await app.receive("issue_comment.created", structuredClone(redelivered), id);

    await hunt.comment("alice", "/locate auto");
    expect(gh.dispatches.length).toBeGreaterThan(0);

    // The first run's webhooks are lost: GitHub answers the reconciler instead.
    const lost = gh.dispatches[0]!;
    hunt.reported.add(lost.runId);
    gh.runState.set(lost.runId, { status: "completed", conclusion: gh.truthFor(lost.inputs.ref!) });
    const gitHub = (await app.probot.auth(INSTALLATION_ID)) as GitHub;
    const log = pino({ level: "silent" });
    expect(await reconcileAll({ store, queue: new HuntQueue(store), log, authFor: async () => gitHub })).toMatchObject({ changed: 1 });

    for (let round = 0; round < 10 && hunt.state() === "searching"; round++) await hunt.reportRuns();
    expect(hunt.state()).toBe("found");
    // Runs still in flight when the answer came report too.
    await hunt.reportRuns();

    // Locate's own edit of its comment comes back as a webhook, and a run of some other workflow: both ignored.
    const comment = gh.huntComment();
    await app.receive("issue_comment.edited", issueCommentEdited({ body: comment.body, from: comment.body, login: BOT_LOGIN, senderType: "Bot", commentId: comment.id, author: BOT_LOGIN }));
    await app.receive("workflow_run", workflowRun("completed", { id: 1234, status: "completed", conclusion: "success", displayTitle: "CI" }));
    // A second reconciler pass finds nothing in flight.
    expect(await reconcileAll({ store, queue: new HuntQueue(store), log, authFor: async () => gitHub })).toMatchObject({ changed: 0 });

    const s = samples(await metrics.render(store));
    const webhooks = (event: string, outcome: string) => s.get(`locate_webhooks_total{event="${event}",outcome="${outcome}"}`) ?? 0;
    const reportedRuns = gh.dispatches.length - 1;

    // Webhooks by event and outcome.
    expect(webhooks("issue_comment.created", "handled")).toBe(4);
    expect(webhooks("issue_comment.created", "duplicate")).toBe(1);
    expect(webhooks("issue_comment.created", "ignored")).toBe(1);
    expect(webhooks("issue_comment.edited", "ignored")).toBe(1);
    expect(webhooks("workflow_run.requested", "handled")).toBe(reportedRuns);
    expect(webhooks("workflow_run.completed", "handled")).toBe(reportedRuns);
    expect(webhooks("workflow_run.completed", "ignored")).toBe(1);
    expect(sum(s, "locate_webhooks_total", { outcome: "failed" })).toBe(0);
    // Every delivery that concerned Locate is timed, duplicates included; those left from the payload alone are only counted.
    expect(sum(s, "locate_handler_seconds_count")).toBe(sum(s, "locate_webhooks_total") - sum(s, "locate_webhooks_total", { outcome: "ignored" }));
    expect(s.get('locate_handler_seconds_count{event="issue_comment.created"}')).toBe(5);

    // Runs dispatched: what the fake GitHub saw.
    expect(s.get("locate_runs_dispatched_total")).toBe(gh.dispatches.length);

    // Verdicts by kind: the two manual ones (skip is inconclusive) and one per run, the reconciled run's included.
    const truths = gh.dispatches.map((d) => gh!.truthFor(d.inputs.ref!));
    expect(s.get('locate_verdicts_total{verdict="good"}')).toBe(1 + truths.filter((t) => t === "success").length);
    expect(s.get('locate_verdicts_total{verdict="bad"}')).toBe(truths.filter((t) => t === "failure").length);
    expect(s.get('locate_verdicts_total{verdict="inconclusive"}')).toBe(1);
    // …which is exactly what the database holds.
    const stored = await store.db.execute<{ verdict: string; count: number }>(sql`select verdict, count(*)::int as count from runs where verdict is not null group by verdict`);
    for (const row of (stored as unknown as { rows: { verdict: string; count: number }[] }).rows) {
      expect(s.get(`locate_verdicts_total{verdict="${row.verdict}"}`), row.verdict).toBe(row.count);
    }

    // Hunts by state, read from the database on scrape.
    expect(s.get('locate_hunts{state="found"}')).toBe(1);
    expect(s.get('locate_hunts{state="searching"}')).toBe(0);
    expect(s.get('locate_hunts{state="paused"}')).toBe(0);

    // GitHub requests by method and status.
    const patches = gh.requests.filter((r) => r.startsWith("PATCH ")).length;
    const posts = gh.requests.filter((r) => r.startsWith("POST ") && r.endsWith("/comments")).length;
    // POST 200: the dispatches, and the GraphQL queries that resolved the versions.
    const queries = gh.requests.filter((r) => r === "POST /graphql").length;
    expect(queries).toBeGreaterThan(0);
    expect(s.get('locate_github_requests_total{method="POST",status="200"}')).toBe(gh.dispatches.length + queries);
    expect(s.get('locate_github_requests_total{method="POST",status="201"}')).toBe(posts + gh.reactions.length);
    expect(s.get('locate_github_requests_total{method="PATCH",status="200"}')).toBe(patches);
    expect(s.get('locate_github_requests_total{method="GET",status="200"}')).toBeGreaterThan(0);
    // .github/locate.yml does not exist: GitHub answers 404, and Locate goes on with the defaults.
    expect(s.get('locate_github_requests_total{method="GET",status="404"}')).toBeGreaterThan(0);
    expect(sum(s, "locate_github_requests_total", { status: "error" })).toBe(0);

    // The reconciler: two passes, one change.
    expect(s.get("locate_reconciler_passes_total")).toBe(2);
    expect(s.get("locate_reconciler_changes_total")).toBe(1);
  });

  it("counts a handler that fails as failed, and still times it", async () => {
    gh = new NockGitHub({ tags: 5, firstBad: 2, roles: { alice: "write" } });
    await store.db.execute(sql`alter table hunts rename to hunts_away`);
    try {
      await app.receive("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.4.0" }));
    } finally {
      await store.db.execute(sql`alter table hunts_away rename to hunts`);
    }
    const s = samples(await metrics.render(store));
    expect(s.get('locate_webhooks_total{event="issue_comment.created",outcome="failed"}')).toBe(1);
    expect(s.get('locate_handler_seconds_count{event="issue_comment.created"}')).toBe(1);
    // The internal-error note went out, and was counted as a request.
    expect(gh.replies().some((r) => /internal error/i.test(r))).toBe(true);
  });
});

describe("log lines of a delivery", () => {
  it("carry the delivery id, installation, repository and hunt id, and no token", async () => {
    gh = new NockGitHub({ tags: 6, firstBad: 3, roles: { alice: "write" } });
    const chunks: string[] = [];
    const log = createLogger({ LOG_LEVEL: "debug" }, { write: (chunk: string) => void chunks.push(chunk) });
    const token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
    const probot = new Probot({ githubToken: token, log, Octokit: createOctokitClass({ retry: false }) });
    const queue = new HuntQueue(store);
    await probot.load(locateApp({ store, queue }));
    const writes = new WriteScheduler({ store, queue, log, authFor: async (id) => (await probot.auth(id)) as GitHub });
    const receive = (id: string, body: string) =>
      probot.receive({ id, name: "issue_comment", payload: issueCommentCreated({ body, login: "alice" }) } as Parameters<Probot["receive"]>[0]);
    await receive("delivery-start", "/locate v1.0.0..v1.5.0");
    await receive("delivery-auto", "/locate auto");
    await writes.drain();
    expect(gh.dispatches.length).toBeGreaterThan(0);

    const text = chunks.join("");
    expect(text).not.toContain(token);
    const lines = text.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    // The delivery's lines carry the delivery; the writes it stored are made by the scheduler, whose lines carry the
    // write, its installation and its hunt.
    expect(lines.find((l) => l.msg === "hunt started")).toMatchObject({ delivery: "delivery-start", installation: INSTALLATION_ID, repo: "acme/widgets", huntId: 1 });
    const dispatched = lines.filter((l) => l.msg === "dispatched");
    expect(dispatched).toHaveLength(gh.dispatches.length);
    for (const line of dispatched) {
      expect(line).toMatchObject({ kind: "dispatch", installationId: INSTALLATION_ID, huntId: 1, writeId: expect.any(Number) });
    }
    // Octokit's own request lines, written while the scheduler makes a hunt's write, carry the hunt id too.
    const requests = lines.filter((l) => typeof l.msg === "string" && l.msg.startsWith("GitHub request: POST") && l.msg.includes("/dispatches"));
    expect(requests.length).toBe(gh.dispatches.length);
    for (const line of requests) expect(line.huntId).toBe(1);
  });
});

describe("GET /metrics on the running server", () => {
  it("serves the exposition format next to the webhooks, with hunts by state from its own database", async () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const env = loadEnv({ APP_ID: "1", WEBHOOK_SECRET: "metrics-test", HOST: "127.0.0.1", PORT: String(await freePort()), LOG_LEVEL: "silent", LOCATE_DATA_DIR: "memory://" });
    const locate = await startLocate(env, privateKey, pino({ level: "silent" }));
    try {
      metrics.countDispatch();
      const base = `http://127.0.0.1:${locate.port}`;
      const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toContain("# TYPE locate_webhooks_total counter");
      expect(text).toContain("# TYPE locate_handler_seconds histogram");
      expect(text).toContain("# TYPE process_resident_memory_bytes gauge");
      const s = samples(text);
      expect(s.get("locate_runs_dispatched_total")).toBe(1);
      // A fresh database: every state present, all zero.
      for (const state of ["searching", "paused", "found", "cancelled", "failed"]) expect(s.get(`locate_hunts{state="${state}"}`)).toBe(0);
      // Only GET, and only /metrics.
      expect((await fetch(`${base}/metrics`, { method: "POST", signal: AbortSignal.timeout(10_000) })).status).not.toBe(200);
      expect((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
    } finally {
      await locate.stop();
    }
  });
});

