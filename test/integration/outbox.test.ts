// Issue 13, the write outbox and its scheduler: writes in priority order, one comment edit for many changes, one
// write at a time per installation at least the interval apart across two replicas sharing a Postgres server, a
// secondary rate limit that slows the whole installation, GitHub's content-creation budget, and a dead replica's
// claim taken over. GitHub is nock; the database is real (PGlite, and a Postgres server for the replicas).
import nock from "nock";
import pino from "pino";
import { Probot } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Store, openStore } from "../../src/db/client.js";
import { insertHunt } from "../../src/db/queries/hunts.js";
import { claimNextWrite, enqueueWrite, finishWrite, markCommentDue, pendingWrites, releaseInstallation } from "../../src/db/queries/writes.js";
import { githubWrites, installationPacing } from "../../src/db/schema.js";
import type { GitHub } from "../../src/github/client.js";
import { createOctokitClass } from "../../src/github/octokit.js";
import { HuntQueue } from "../../src/hunt/queue.js";
import { PRIORITY, type WriteRequest } from "../../src/outbox/requests.js";
import { WriteScheduler } from "../../src/outbox/scheduler.js";
import { DEFAULT_OUTBOX_SETTINGS, configureOutbox } from "../../src/outbox/settings.js";
import { emptyStore, openTestStore } from "../helpers/app.js";
import { API } from "../helpers/nock-github.js";
import { type TestDatabase, createTestDatabase } from "../helpers/pg-database.js";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const CLAIM = { intervalMs: 0, leaseMs: 10_000 };

/** A 👀 on comment `n` of installation `installation`'s repository: the cheapest write to observe. */
function reaction(installation: number, n: number): WriteRequest {
  return { kind: "reaction", repo: { owner: `owner${installation}`, repo: "r" }, target: { commentId: n } };
}

function reply(installation: number, body: string): WriteRequest {
  return { kind: "reply", repo: { owner: `owner${installation}`, repo: "r" }, issueNumber: 1, body };
}

interface Seen {
  readonly owner: string;
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/** Answers reactions and comments of any repository, recording when each request of each owner began and ended. */
function recordWrites(options: { delayMs?: number; answer?: (path: string, count: number) => [number, unknown, Record<string, string>?] } = {}): Seen[] {
  const seen: Seen[] = [];
  let count = 0;
  const handle = (path: string) => {
    const owner = /^\/repos\/([^/]+)\//.exec(path)?.[1] ?? "?";
    const start = Date.now();
    return new Promise<[number, unknown, Record<string, string>]>((resolve) => {
      setTimeout(() => {
        seen.push({ owner, path, start, end: Date.now() });
        const custom = options.answer?.(path, count++);
        resolve(custom ? [custom[0], custom[1], custom[2] ?? {}] : [201, { id: 1000 + seen.length, content: "eyes" }, {}]);
      }, options.delayMs ?? 0);
    });
  };
  nock(API)
    .persist()
    .post(/\/repos\/[^/]+\/r\/issues\/(comments\/\d+\/reactions|\d+\/comments)$/)
    .reply(((request: Request) => handle(new URL(request.url).pathname)) as never);
  return seen;
}

function schedulerOn(store: Store, probot: Probot): WriteScheduler {
  return new WriteScheduler({ store, queue: new HuntQueue(store), log, authFor: async (id) => (await probot.auth(id)) as GitHub });
}

const probot = new Probot({ githubToken: "test-token", log, Octokit: createOctokitClass({ retry: false }) });

describe("the outbox in the database (PGlite)", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());
  beforeEach(async () => {
    await emptyStore(store);
    configureOutbox({ writeIntervalMs: 0 });
  });
  afterEach(() => {
    nock.cleanAll();
    configureOutbox(DEFAULT_OUTBOX_SETTINGS);
  });

  it("hands out what people wait for first, then dispatches and cancels, then progress edits; oldest first within each", async () => {
    await enqueueWrite(store.db, { installationId: 1, request: reaction(1, 1), priority: PRIORITY.progress });
    await enqueueWrite(store.db, { installationId: 1, request: { kind: "cancel", repo: { owner: "o", repo: "r" }, runId: 5 } });
    await enqueueWrite(store.db, { installationId: 1, request: reaction(1, 2) });
    await enqueueWrite(store.db, { installationId: 1, request: reaction(1, 3) });
    const order: string[] = [];
    for (let write = await claimNextWrite(store.db, CLAIM); write; write = await claimNextWrite(store.db, CLAIM)) {
      order.push(write.request.kind === "reaction" ? `reaction ${(write.request.target as { commentId: number }).commentId}` : write.request.kind);
      await finishWrite(store.db, write);
      await releaseInstallation(store.db, 1, { wrote: true, intervalMs: 0 });
    }
    expect(order).toEqual(["reaction 2", "reaction 3", "cancel", "reaction 1"]);
  });

  it("keeps one comment edit per hunt however many changes wait: the most urgent due time and priority win", async () => {
    const hunt = await insertHunt(
      store.db,
      {
        installationId: 1, repoId: 1, owner: "o", repo: "r", repoUrl: "https://github.com/o/r", issueNumber: 1, good: "a", bad: "b",
        state: "searching", workflow: "locate.yml", dispatchRef: "main", inputs: {}, parallel: 3, candidates: 10, maxRuns: 50,
        timeoutMinutes: 60, permission: "write", createdBy: "alice",
      },
      [{ names: ["a"], sha: "a".repeat(40) }, { names: ["b"], sha: "b".repeat(40) }],
    );
    configureOutbox({ writeIntervalMs: 0, progressDelayMs: 60_000 });
    await markCommentDue(store.db, hunt, "progress");
    await markCommentDue(store.db, hunt, "progress");
    expect(await claimNextWrite(store.db, CLAIM), "a progress edit waits for more").toBeNull();
    await markCommentDue(store.db, hunt, "round");
    const [row] = await pendingWrites(store.db, hunt.id);
    expect((await pendingWrites(store.db)).length).toBe(1);
    expect(row).toMatchObject({ priority: PRIORITY.progress, revision: 3 });
    const claimed = await claimNextWrite(store.db, CLAIM);
    expect(claimed?.id).toBe(row!.id);
    // A change while the edit is being written: the row stays, to be written again with the newer state, when the
    // newer change is due (not at once because the edit in flight was).
    await markCommentDue(store.db, hunt, "progress");
    await finishWrite(store.db, claimed!);
    const [later] = await pendingWrites(store.db, hunt.id);
    expect(later).toMatchObject({ priority: PRIORITY.progress, revision: 4, claimedUntil: null });
    expect(later!.dueAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    await markCommentDue(store.db, hunt, "now");
    const [again] = await pendingWrites(store.db, hunt.id);
    expect(again).toMatchObject({ priority: PRIORITY.people, revision: 5, claimedUntil: null });
    expect(again!.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
    await releaseInstallation(store.db, 1, { wrote: true, intervalMs: 0 });
    const second = await claimNextWrite(store.db, CLAIM);
    await finishWrite(store.db, second!);
    expect(await pendingWrites(store.db)).toEqual([]);
  });

  it("lets one write of an installation out at a time, the interval apart, while other installations go on", async () => {
    await enqueueWrite(store.db, { installationId: 1, request: reaction(1, 1) });
    await enqueueWrite(store.db, { installationId: 1, request: reaction(1, 2) });
    await enqueueWrite(store.db, { installationId: 2, request: reaction(2, 1) });
    const options = { intervalMs: 60_000, leaseMs: 10_000 };
    const first = await claimNextWrite(store.db, options);
    expect(first?.installationId).toBe(1);
    // Installation 1 is busy: the next claim is installation 2's.
    const second = await claimNextWrite(store.db, options);
    expect(second?.installationId).toBe(2);
    expect(await claimNextWrite(store.db, options)).toBeNull();
    await finishWrite(store.db, first!);
    await releaseInstallation(store.db, 1, { wrote: true, intervalMs: options.intervalMs });
    // Free, but its interval has not passed.
    expect(await claimNextWrite(store.db, options)).toBeNull();
    // A write that never reached GitHub (an unchanged comment) does not start the interval.
    await store.db.update(installationPacing).set({ nextAt: new Date(Date.now() - 1000) });
    expect((await claimNextWrite(store.db, options))?.installationId).toBe(1);
  });

  it("holds new comments once the content-creation budget is spent, and lets other writes by", async () => {
    await enqueueWrite(store.db, { installationId: 1, request: reply(1, "hello") });
    await enqueueWrite(store.db, { installationId: 1, request: reaction(1, 1), priority: PRIORITY.progress });
    await store.db.insert(installationPacing).values({ installationId: 1, creationTokens: 0.5 });
    const claimed = await claimNextWrite(store.db, CLAIM);
    expect(claimed?.request.kind).toBe("reaction");
    const [held] = (await pendingWrites(store.db)).filter((w) => w.request.kind === "reply");
    // Half a token short at 500 an hour: about 3.6 s.
    expect(held!.dueAt.getTime() - Date.now()).toBeGreaterThan(2_000);
    expect(held!.dueAt.getTime() - Date.now()).toBeLessThan(10_000);
    expect(held!.attempts).toBe(0);
  });

  it("takes over a write whose claim ran out (its replica died), counting the attempt", async () => {
    await enqueueWrite(store.db, { installationId: 1, request: reaction(1, 1) });
    const first = await claimNextWrite(store.db, CLAIM);
    expect(first?.attempts).toBe(1);
    expect(await claimNextWrite(store.db, CLAIM)).toBeNull();
    await store.db.update(githubWrites).set({ claimedUntil: new Date(Date.now() - 1000) });
    await store.db.update(installationPacing).set({ busyUntil: new Date(Date.now() - 1000) });
    const second = await claimNextWrite(store.db, CLAIM);
    expect(second).toMatchObject({ id: first!.id, attempts: 2 });
  });

  it("slows the whole installation down on a secondary rate limit, retries the write, and keeps other installations going", async () => {
    configureOutbox({ writeIntervalMs: 0 });
    const seen = recordWrites({
      answer: (path, count) =>
        count === 0 && path.startsWith("/repos/owner1/")
          ? [403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, { "retry-after": "2" }]
          : undefined as never,
    });
    for (let n = 1; n <= 3; n++) await enqueueWrite(store.db, { installationId: 1, request: reaction(1, n) });
    for (let n = 1; n <= 3; n++) await enqueueWrite(store.db, { installationId: 2, request: reaction(2, n) });
    const scheduler = schedulerOn(store, probot);
    scheduler.start();
    try {
      await waitUntil(async () => (await pendingWrites(store.db)).length === 0, 15_000);
    } finally {
      await scheduler.stop();
    }
    const one = seen.filter((s) => s.owner === "owner1");
    const two = seen.filter((s) => s.owner === "owner2");
    expect(one).toHaveLength(4); // the refused one, then all three
    expect(two).toHaveLength(3);
    // Every later write of installation 1 waited out the retry-after; installation 2 did not wait for it.
    for (const write of one.slice(1)) expect(write.start - one[0]!.end).toBeGreaterThanOrEqual(1_900);
    expect(Math.max(...two.map((write) => write.end))).toBeLessThan(Math.min(...one.slice(1).map((write) => write.start)));
  });
});

describe("two replicas on one Postgres server", () => {
  let database: TestDatabase;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    database = await createTestDatabase("outbox");
    a = await openStore({ url: database.url });
    await a.migrate();
    b = await openStore({ url: database.url });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });
  afterEach(() => {
    nock.cleanAll();
    configureOutbox(DEFAULT_OUTBOX_SETTINGS);
  });

  it("write each installation's writes one at a time and at least the interval apart, sharing the work", { timeout: 30_000 }, async () => {
    const intervalMs = 250;
    configureOutbox({ writeIntervalMs: intervalMs });
    const seen = recordWrites({ delayMs: 40 });
    const installations = [1, 2, 3];
    for (let n = 1; n <= 6; n++) for (const installation of installations) await enqueueWrite(a.db, { installationId: installation, request: reaction(installation, n) });
    const replicas = [schedulerOn(a, probot), schedulerOn(b, probot)];
    for (const replica of replicas) replica.start();
    try {
      await waitUntil(async () => (await pendingWrites(a.db)).length === 0, 20_000);
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
    expect(seen).toHaveLength(18);
    for (const installation of installations) {
      const writes = seen.filter((s) => s.owner === `owner${installation}`).sort((x, y) => x.start - y.start);
      expect(writes.map((w) => Number(/comments\/(\d+)\//.exec(w.path)?.[1])).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      for (let i = 1; i < writes.length; i++) {
        // Never overlapping, and the interval counted from the end of the previous write (a few ms of clock slack).
        expect(writes[i]!.start, `write ${i} of installation ${installation}`).toBeGreaterThanOrEqual(writes[i - 1]!.end + intervalMs - 15);
      }
    }
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
