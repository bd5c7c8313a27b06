// The store against both backends (§7, §8): migrations, snapshots, bigint ids, the one-active-hunt index, run and
// delivery idempotency, transactions and the per-hunt lock. One suite, run on PGlite and on the real Postgres server.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Db, PGLITE_SETTINGS, type Store, openStore } from "../../src/db/client.js";
import { claimDelivery, finishDelivery, releaseDelivery } from "../../src/db/queries/deliveries.js";
import { ActiveHuntExists, findActiveHunt, findLatestHunt, getHunt, insertHunt, loadSnapshot, updateHunt } from "../../src/db/queries/hunts.js";
import { type RunObservation, applyRunObservation, findRunByRunId, findRunByToken, insertRun, markDispatched } from "../../src/db/queries/runs.js";
import type { NewHunt, RunRow } from "../../src/db/schema.js";
import { emptyStore } from "../helpers/app.js";
import { type TestDatabase, createTestDatabase } from "../helpers/pg-database.js";

const MIGRATIONS_DIR = join(import.meta.dirname, "../../drizzle");
const JOURNAL = JSON.parse(readFileSync(join(MIGRATIONS_DIR, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
/** What drizzle records per applied migration: the sha256 of its SQL file. */
const MIGRATION_HASHES = JOURNAL.entries.map((e) => createHash("sha256").update(readFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), "utf8")).digest("hex"));

const REPO_ID = 4_000_000_001;
const INSTALLATION_ID = 5_000_000_001;

function newHunt(overrides: Partial<NewHunt> = {}): NewHunt {
  return {
    installationId: INSTALLATION_ID,
    repoId: REPO_ID,
    owner: "acme",
    repo: "widgets",
    repoUrl: "https://github.com/acme/widgets",
    issueNumber: 7,
    good: "v1.0.0",
    bad: "v2.0.0",
    state: "searching",
    workflow: "locate.yml",
    dispatchRef: "main",
    inputs: {},
    parallel: 3,
    candidates: 10,
    maxRuns: 50,
    timeoutMinutes: 120,
    createdBy: "alice",
    ...overrides,
  };
}

function sha(i: number): string {
  return i.toString(16).padStart(40, "0");
}

function versionList(n: number) {
  return Array.from({ length: n }, (_, i) => ({ names: i % 7 === 0 ? [`v${i}.0.0`, `release-${i}`] : [`v${i}.0.0`], sha: sha(i), title: i % 2 ? `title ${i}` : null }));
}

/** Rows of db.execute(): postgres.js returns an array, PGlite an object with rows. */
async function query<T>(db: Db, statement: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

async function appliedMigrationHashes(db: Db): Promise<string[]> {
  const rows = await query<{ hash: string }>(db, sql`select hash from drizzle.__drizzle_migrations order by id`);
  return rows.map((r) => r.hash);
}

/** Rejects when a promise does not settle in time, so a deadlock fails with a message instead of the test timeout. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`${what}: still pending after ${ms} ms`)))]);
}

type Backend = "pglite" | "postgres";

describe.each<[Backend]>([["pglite"], ["postgres"]])("store on %s", (backend) => {
  let store: Store;
  let db: Db;
  let database: TestDatabase | undefined;
  let closed = false;

  beforeAll(async () => {
    if (backend === "postgres") {
      database = await createTestDatabase("store");
      store = await openStore({ url: database.url });
    } else {
      store = await openStore({ dataDir: "memory://" });
    }
    await store.migrate();
    db = store.db;
  });

  afterAll(async () => {
    if (!closed) await store?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    if (!closed) await emptyStore(store);
  });

  it("opens the expected backend", async () => {
    expect(store.kind).toBe(backend);
    const [row] = await query<{ version: string }>(db, sql`select version() as version`);
    expect(row?.version).toMatch(/PostgreSQL/);
    if (backend === "postgres") expect(row?.version).not.toMatch(/emscripten|wasm/i);
  });

  it("migrates again without error or duplicate entries (idempotent)", async () => {
    await store.migrate();
    await store.migrate();
    await store.check();
    expect(await appliedMigrationHashes(db)).toEqual(MIGRATION_HASHES);
  });

  it("stores a 2,500-version hunt in slices and reads the snapshot back in order", async () => {
    const list = versionList(2500);
    const hunt = await insertHunt(db, newHunt({ inputs: { os: "linux", "node-version": "20" } }), list);
    const snapshot = await loadSnapshot(db, hunt.id);
    expect(snapshot?.hunt).toEqual(hunt);
    expect(snapshot?.hunt.inputs).toEqual({ os: "linux", "node-version": "20" });
    expect(snapshot?.versions).toHaveLength(2500);
    expect(snapshot?.versions.map((v) => v.position)).toEqual(list.map((_, i) => i));
    expect(snapshot?.versions.map((v) => ({ names: v.names, sha: v.sha, title: v.title }))).toEqual(list);
    expect(snapshot?.runs).toEqual([]);
    // Locking read inside a transaction sees the same.
    const locked = await db.transaction((tx) => loadSnapshot(tx, hunt.id, true));
    expect(locked?.versions).toHaveLength(2500);
    expect(await loadSnapshot(db, hunt.id + 1000)).toBeUndefined();
  });

  it("round-trips GitHub ids above 2^31 and 2^32 exactly (installation, repo, comment, run, hunt ids)", async () => {
    const ids = {
      installation: 2 ** 32 + 11,
      repo: 2 ** 31 + 7,
      comment: 2 ** 32 * 1000 + 3,
      run: Number.MAX_SAFE_INTEGER,
      parent: 2 ** 40 + 1,
    };
    // Hunt and run ids of their own above 2^32, as a long-lived installation would reach.
    await db.execute(sql`select setval(pg_get_serial_sequence('hunts', 'id'), 6000000000)`);
    await db.execute(sql`select setval(pg_get_serial_sequence('runs', 'id'), 7000000000)`);
    const hunt = await insertHunt(db, newHunt({ installationId: ids.installation, repoId: ids.repo, parentHuntId: ids.parent }), versionList(3));
    expect(hunt.id).toBe(6_000_000_001);
    await updateHunt(db, hunt.id, { commentId: ids.comment });
    const run = await insertRun(db, { huntId: hunt.id, position: 1, token: "tok-big", round: 1, status: "dispatching" });
    expect(run.id).toBe(7_000_000_001);
    await markDispatched(db, run.id, { runId: ids.run, url: "https://github.com/acme/widgets/actions/runs/x" });

    const read = await getHunt(db, hunt.id);
    expect(read).toMatchObject({ id: 6_000_000_001, installationId: ids.installation, repoId: ids.repo, commentId: ids.comment, parentHuntId: ids.parent });
    expect(await findActiveHunt(db, ids.repo, 7)).toMatchObject({ id: hunt.id });
    expect(await findRunByRunId(db, ids.run)).toMatchObject({ id: run.id, huntId: hunt.id, runId: ids.run });
    // Neighbouring values must not match: nothing was rounded through a double or truncated to 32 bits.
    expect(await findRunByRunId(db, ids.run - 1)).toBeUndefined();
    expect(await findActiveHunt(db, ids.repo - 2 ** 31, 7)).toBeUndefined();
    const snapshot = await loadSnapshot(db, hunt.id);
    expect(snapshot?.versions.map((v) => v.huntId)).toEqual([hunt.id, hunt.id, hunt.id]);
    expect(snapshot?.runs[0]).toMatchObject({ id: 7_000_000_001, runId: ids.run });

    // And as the database itself sees them, in text, so no client-side conversion hides a wrong value.
    const [row] = await query<{ installation: string; repo: string; comment: string; parent: string; run: string; type: string }>(
      db,
      sql`select h.installation_id::text as installation, h.repo_id::text as repo, h.comment_id::text as comment,
                 h.parent_hunt_id::text as parent, r.run_id::text as run, pg_typeof(r.run_id)::text as type
          from hunts h join runs r on r.hunt_id = h.id`,
    );
    expect(row).toEqual({
      installation: String(ids.installation),
      repo: String(ids.repo),
      comment: String(ids.comment),
      parent: String(ids.parent),
      run: "9007199254740991",
      type: "bigint",
    });
    // The lock takes a hunt id above 2^32 too.
    expect(await within(5000, "withHuntLock on a big id", store.withHuntLock(hunt.id, async () => "locked"))).toBe("locked");
  });

  describe("one active hunt per issue", () => {
    it("rejects a second active hunt with ActiveHuntExists and keeps nothing of it", async () => {
      const first = await insertHunt(db, newHunt(), versionList(3));
      await expect(insertHunt(db, newHunt({ good: "v1.1.0" }), versionList(1500))).rejects.toBeInstanceOf(ActiveHuntExists);
      // Paused counts as active too.
      await updateHunt(db, first.id, { state: "paused" });
      await expect(insertHunt(db, newHunt(), versionList(2))).rejects.toBeInstanceOf(ActiveHuntExists);
      const [count] = await query<{ hunts: number; versions: number }>(db, sql`select (select count(*)::int from hunts) as hunts, (select count(*)::int from versions) as versions`);
      expect(count).toEqual({ hunts: 1, versions: 3 });
    });

    it("allows hunts on other issues and other repositories at the same time", async () => {
      await insertHunt(db, newHunt(), versionList(2));
      await insertHunt(db, newHunt({ issueNumber: 8 }), versionList(2));
      await insertHunt(db, newHunt({ repoId: REPO_ID + 1 }), versionList(2));
      expect((await findActiveHunt(db, REPO_ID, 8))?.issueNumber).toBe(8);
    });

    it("allows a new hunt once the first is found (and after cancelled or failed)", async () => {
      const first = await insertHunt(db, newHunt(), versionList(3));
      await updateHunt(db, first.id, { state: "found" });
      expect(await findActiveHunt(db, REPO_ID, 7)).toBeUndefined();
      const second = await insertHunt(db, newHunt(), versionList(3));
      expect(second.id).toBeGreaterThan(first.id);
      await updateHunt(db, second.id, { state: "cancelled" });
      const third = await insertHunt(db, newHunt(), versionList(3));
      await updateHunt(db, third.id, { state: "failed" });
      const fourth = await insertHunt(db, newHunt(), versionList(3));
      expect((await findActiveHunt(db, REPO_ID, 7))?.id).toBe(fourth.id);
      expect((await findLatestHunt(db, REPO_ID, 7))?.id).toBe(fourth.id);
    });

    it("lets only one of two concurrent inserts win", async () => {
      const results = await Promise.allSettled([insertHunt(db, newHunt(), versionList(1200)), insertHunt(db, newHunt(), versionList(1200))]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected");
      expect(rejected?.reason).toBeInstanceOf(ActiveHuntExists);
      const [count] = await query<{ versions: number }>(db, sql`select count(*)::int as versions from versions`);
      expect(count?.versions).toBe(1200);
    });
  });

  describe("runs", () => {
    const RUN_ID = 9_000_000_001;
    const URL_A = "https://github.com/acme/widgets/actions/runs/9000000001";

    async function newRun(token = "tok-1"): Promise<RunRow> {
      const hunt = await insertHunt(db, newHunt(), versionList(5));
      return insertRun(db, { huntId: hunt.id, position: 2, token, round: 1, status: "dispatching" });
    }

    function seen(fields: Partial<RunObservation>): RunObservation {
      return { runId: RUN_ID, attempt: 1, status: "completed", verdict: "good", conclusion: "success", url: URL_A, ...fields };
    }

    async function reload(row: RunRow): Promise<RunRow> {
      const found = await findRunByToken(db, row.token!);
      if (!found) throw new Error("run vanished");
      return found;
    }

    it("inserts runs and finds them by token and by run id", async () => {
      const run = await newRun("tok-find");
      expect(run).toMatchObject({ position: 2, token: "tok-find", status: "dispatching", runId: null, attempt: 1, verdict: null, verdictSeq: null, round: 1 });
      expect(await findRunByToken(db, "tok-find")).toEqual(run);
      expect(await findRunByToken(db, "tok-other")).toBeUndefined();
      expect(await findRunByRunId(db, RUN_ID)).toBeUndefined();
      await markDispatched(db, run.id, { runId: RUN_ID, url: URL_A });
      expect(await findRunByRunId(db, RUN_ID)).toMatchObject({ id: run.id, status: "queued", runId: RUN_ID, url: URL_A });
      // Tokens are unique.
      await expect(insertRun(db, { huntId: run.huntId, position: 3, token: "tok-find", round: 1, status: "dispatching" })).rejects.toThrow();
      // Manual verdicts have no token, and several may exist.
      const manual1 = await insertRun(db, { huntId: run.huntId, position: 3, token: null, round: 1, status: "completed", verdict: "bad", manualBy: "alice", note: "seen locally" });
      const manual2 = await insertRun(db, { huntId: run.huntId, position: 4, token: null, round: 1, status: "completed", verdict: "good", manualBy: "bob" });
      expect(manual1).toMatchObject({ verdict: "bad", manualBy: "alice", note: "seen locally" });
      expect(manual2.verdictSeq!).toBeGreaterThan(manual1.verdictSeq!);
      const snapshot = await loadSnapshot(db, run.huntId);
      expect(snapshot?.runs.map((r) => r.id)).toEqual([run.id, manual1.id, manual2.id]);
    });

    it("markDispatched moves dispatching to queued, and a legacy dispatch leaves the run id unknown", async () => {
      const run = await newRun();
      await markDispatched(db, run.id, { runId: null, url: null });
      expect(await reload(run)).toMatchObject({ status: "queued", runId: null, url: null });
      await markDispatched(db, run.id, { runId: RUN_ID, url: URL_A });
      expect(await reload(run)).toMatchObject({ status: "queued", runId: RUN_ID, url: URL_A });
    });

    it("markDispatched never moves a run backwards when its webhook came first", async () => {
      const run = await newRun();
      expect(await applyRunObservation(db, run, seen({ status: "running", verdict: null, conclusion: null, url: "https://webhook/url" }))).toBe(true);
      await markDispatched(db, run.id, { runId: RUN_ID, url: URL_A });
      expect(await reload(run)).toMatchObject({ status: "running", runId: RUN_ID, url: "https://webhook/url" });

      expect(await applyRunObservation(db, await reload(run), seen({}))).toBe(true);
      await markDispatched(db, run.id, { runId: RUN_ID, url: URL_A });
      expect(await reload(run)).toMatchObject({ status: "completed", verdict: "good", conclusion: "success", runId: RUN_ID });
    });

    it("applies each run attempt's observation once, in order, with strictly increasing verdict sequence", async () => {
      const run = await newRun();
      await markDispatched(db, run.id, { runId: RUN_ID, url: URL_A });
      const seqs: number[] = [];

      // A different run is never applied to this row.
      expect(await applyRunObservation(db, await reload(run), seen({ runId: RUN_ID + 1 }))).toBe(false);

      expect(await applyRunObservation(db, await reload(run), seen({ status: "queued", verdict: null, conclusion: null }))).toBe(false);
      expect(await applyRunObservation(db, await reload(run), seen({ status: "running", verdict: null, conclusion: null }))).toBe(true);
      expect(await applyRunObservation(db, await reload(run), seen({}))).toBe(true);
      const afterFirst = await reload(run);
      expect(afterFirst).toMatchObject({ status: "completed", attempt: 1, verdict: "good", conclusion: "success" });
      seqs.push(afterFirst.verdictSeq!);

      // The same attempt counted twice is counted once.
      expect(await applyRunObservation(db, afterFirst, seen({}))).toBe(false);
      // in_progress arriving after completed is ignored.
      expect(await applyRunObservation(db, afterFirst, seen({ status: "running", verdict: null, conclusion: null }))).toBe(false);
      expect(await reload(run)).toEqual(afterFirst);

      // A re-run (newer attempt) replaces the verdict …
      expect(await applyRunObservation(db, afterFirst, seen({ attempt: 2, status: "running", verdict: null, conclusion: null }))).toBe(true);
      expect(await reload(run)).toMatchObject({ attempt: 2, status: "running", verdict: null });
      expect(await applyRunObservation(db, await reload(run), seen({ attempt: 2, verdict: "bad", conclusion: "failure" }))).toBe(true);
      const afterSecond = await reload(run);
      expect(afterSecond).toMatchObject({ attempt: 2, status: "completed", verdict: "bad", conclusion: "failure" });
      seqs.push(afterSecond.verdictSeq!);

      // … and the older attempt's late webhook is ignored.
      expect(await applyRunObservation(db, afterSecond, seen({ attempt: 1 }))).toBe(false);
      expect(await reload(run)).toEqual(afterSecond);

      expect(await applyRunObservation(db, afterSecond, seen({ attempt: 3, verdict: "inconclusive", conclusion: "cancelled" }))).toBe(true);
      seqs.push((await reload(run)).verdictSeq!);
      const manual = await insertRun(db, { huntId: run.huntId, position: 1, token: null, round: 2, status: "completed", verdict: "good", manualBy: "alice" });
      seqs.push(manual.verdictSeq!);

      expect(seqs.every((s) => Number.isInteger(s))).toBe(true);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
    });

    it("fills in the run id and url learned from a webhook when the dispatch could not tell them", async () => {
      const run = await newRun();
      await markDispatched(db, run.id, { runId: null, url: null });
      // Same status (queued) but the run id is news: stored, reported as a change.
      expect(await applyRunObservation(db, await reload(run), seen({ status: "queued", verdict: null, conclusion: null }))).toBe(true);
      expect(await reload(run)).toMatchObject({ runId: RUN_ID, url: URL_A, status: "queued" });
      // Told again: nothing new.
      expect(await applyRunObservation(db, await reload(run), seen({ status: "queued", verdict: null, conclusion: null }))).toBe(false);
    });
  });

  describe("deliveries", () => {
    it("claims a delivery once, while it is handled and after", async () => {
      expect(await claimDelivery(db, "delivery-1", "issue_comment")).toBe(true);
      expect(await claimDelivery(db, "delivery-1", "issue_comment")).toBe(false);
      await finishDelivery(db, "delivery-1");
      expect(await claimDelivery(db, "delivery-1", "issue_comment")).toBe(false);
      expect(await claimDelivery(db, "delivery-2", "issue_comment")).toBe(true);
    });

    it("lets exactly one of concurrent claims win", async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => claimDelivery(db, "delivery-race", "workflow_run")));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("frees a released claim for a redelivery, and takes over a claim a crash abandoned", async () => {
      expect(await claimDelivery(db, "delivery-failed", "workflow_run")).toBe(true);
      await releaseDelivery(db, "delivery-failed");
      expect(await claimDelivery(db, "delivery-failed", "workflow_run")).toBe(true);
      await db.execute(sql`update deliveries set received_at = now() - interval '1 hour' where id = 'delivery-failed'`);
      expect(await claimDelivery(db, "delivery-failed", "workflow_run")).toBe(true);
      await finishDelivery(db, "delivery-failed");
      await db.execute(sql`update deliveries set received_at = now() - interval '1 hour' where id = 'delivery-failed'`);
      expect(await claimDelivery(db, "delivery-failed", "workflow_run")).toBe(false);
    });
  });

  describe("transactions", () => {
    it("roll back every write when the callback throws", async () => {
      let huntId = 0;
      await expect(
        db.transaction(async (tx) => {
          const hunt = await insertHunt(tx, newHunt(), versionList(1100));
          huntId = hunt.id;
          await insertRun(tx, { huntId: hunt.id, position: 0, token: "tok-tx", round: 1, status: "dispatching" });
          await claimDelivery(tx, "delivery-tx", "issue_comment");
          // Visible inside the transaction …
          expect(await claimDelivery(tx, "delivery-tx", "issue_comment")).toBe(false);
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      // … and gone after it.
      expect(huntId).toBeGreaterThan(0);
      expect(await getHunt(db, huntId)).toBeUndefined();
      expect(await findRunByToken(db, "tok-tx")).toBeUndefined();
      expect(await claimDelivery(db, "delivery-tx", "issue_comment")).toBe(true);
      const [count] = await query<{ n: number }>(db, sql`select count(*)::int as n from versions`);
      expect(count?.n).toBe(0);
    });

    it("commit on success, and an ActiveHuntExists inside one does not poison the rest of it", async () => {
      await insertHunt(db, newHunt(), versionList(2));
      const outcome = await db.transaction(async (tx) => {
        let rejected = false;
        try {
          await insertHunt(tx, newHunt(), versionList(2));
        } catch (error) {
          if (!(error instanceof ActiveHuntExists)) throw error;
          rejected = true;
        }
        await claimDelivery(tx, "delivery-after-conflict", "issue_comment");
        return rejected;
      });
      expect(outcome).toBe(true);
      expect(await claimDelivery(db, "delivery-after-conflict", "issue_comment")).toBe(false);
    });
  });

  describe("withHuntLock", () => {
    async function section(log: string[], label: string, huntId: number): Promise<string> {
      log.push(`enter ${label}`);
      // Real work on the store inside the critical section: must not deadlock against the lock holder.
      await getHunt(db, huntId);
      await sleep(40);
      await claimDelivery(db, `lock-${label}`, "test");
      log.push(`exit ${label}`);
      return label;
    }

    it(`serializes critical sections of one hunt${backend === "pglite" ? " (PGlite: one process; only must not deadlock)" : ""}`, async () => {
      const hunt = await insertHunt(db, newHunt(), versionList(2));
      const log: string[] = [];
      const labels = ["a", "b", "c", "d"];
      const results = await within(10_000, "concurrent sections of one hunt", Promise.all(labels.map((l) => store.withHuntLock(hunt.id, () => section(log, l, hunt.id)))));
      expect(results).toEqual(labels);
      expect(log).toHaveLength(8);
      for (const l of labels) expect(await claimDelivery(db, `lock-${l}`, "test")).toBe(false);
      if (backend === "postgres") {
        // No interleaving: every enter is followed directly by its own exit.
        for (let i = 0; i < log.length; i += 2) {
          expect(log[i]).toMatch(/^enter /);
          expect(log[i + 1]).toBe(log[i]!.replace("enter", "exit"));
        }
      }
    });

    it("runs critical sections of different hunts concurrently", async () => {
      const one = await insertHunt(db, newHunt(), versionList(2));
      const two = await insertHunt(db, newHunt({ issueNumber: 8 }), versionList(2));
      const entered = new Set<number>();
      // Each section waits until both are inside: only possible if the two hunts do not block each other.
      const meet = (id: number) => async () => {
        entered.add(id);
        await getHunt(db, id);
        for (let i = 0; i < 200 && entered.size < 2; i++) await sleep(10);
        if (entered.size < 2) throw new Error(`hunt ${id} waited alone: the other hunt's section never started`);
        return id;
      };
      expect(await within(10_000, "sections of two hunts", Promise.all([store.withHuntLock(one.id, meet(one.id)), store.withHuntLock(two.id, meet(two.id))]))).toEqual([
        one.id,
        two.id,
      ]);
    });

    it("passes the result and the error through, and releases the lock after an error", async () => {
      const hunt = await insertHunt(db, newHunt(), versionList(2));
      expect(await store.withHuntLock(hunt.id, async () => ({ value: 42 }))).toEqual({ value: 42 });
      await expect(
        store.withHuntLock(hunt.id, async () => {
          throw new Error("inside the lock");
        }),
      ).rejects.toThrow("inside the lock");
      expect(await within(5000, "lock after an error", store.withHuntLock(hunt.id, async () => "again"))).toBe("again");
    });
  });

  // Last: it closes the suite's store.
  it("check() passes while open and fails once the store is closed", async () => {
    await store.check();
    await store.close();
    closed = true;
    await expect(within(10_000, "check after close", store.check())).rejects.toThrow();
  });
});

describe("store on postgres only: replicas sharing one server", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  async function freshDatabase(label: string): Promise<TestDatabase> {
    const database = await createTestDatabase(label);
    cleanups.push(() => database.drop());
    return database;
  }

  async function open(url: string): Promise<Store> {
    const store = await openStore({ url });
    cleanups.push(() => store.close());
    return store;
  }

  it("postgres only: stores migrating the same fresh database at once all succeed, each migration applied once", async () => {
    const database = await freshDatabase("race");
    const stores = await Promise.all([1, 2, 3, 4].map(() => open(database.url)));
    await within(30_000, "concurrent migrations", Promise.all(stores.map((s) => s.migrate())));
    for (const s of stores) await s.check();
    expect(await appliedMigrationHashes(stores[0]!.db)).toEqual(MIGRATION_HASHES);
    // And later starts find nothing to do.
    await Promise.all(stores.map((s) => s.migrate()));
    expect(await appliedMigrationHashes(stores[0]!.db)).toEqual(MIGRATION_HASHES);
  });

  it("postgres only: check() fails on a database that was never migrated", async () => {
    const database = await freshDatabase("bare");
    const store = await open(database.url);
    await expect(store.check()).rejects.toThrow();
    await store.migrate();
    await store.check();
  });

  it("postgres only: check() fails once the server database is dropped", async () => {
    const database = await freshDatabase("dropped");
    const store = await open(database.url);
    await store.migrate();
    await store.check();
    await database.drop();
    await expect(within(10_000, "check after drop", store.check())).rejects.toThrow();
  });

  it("postgres only: two stores (two replicas) serialize one hunt's sections and share one-active-hunt", async () => {
    const database = await freshDatabase("replicas");
    const [a, b] = await Promise.all([open(database.url), open(database.url)]);
    await a!.migrate();
    await b!.migrate();
    const hunt = await insertHunt(a!.db, newHunt(), versionList(2));
    await expect(insertHunt(b!.db, newHunt(), versionList(2))).rejects.toBeInstanceOf(ActiveHuntExists);

    const log: string[] = [];
    const section = (label: string, s: Store) => async () => {
      log.push(`enter ${label}`);
      await getHunt(s.db, hunt.id);
      await sleep(50);
      log.push(`exit ${label}`);
    };
    await within(10_000, "sections across replicas", Promise.all([a!.withHuntLock(hunt.id, section("a1", a!)), b!.withHuntLock(hunt.id, section("b1", b!)), a!.withHuntLock(hunt.id, section("a2", a!)), b!.withHuntLock(hunt.id, section("b2", b!))]));
    expect(log).toHaveLength(8);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace("enter", "exit"));

    // A delivery recorded through one replica is seen by the other.
    expect(await claimDelivery(a!.db, "shared", "issue_comment")).toBe(true);
    expect(await claimDelivery(b!.db, "shared", "issue_comment")).toBe(false);
  });
});

describe("store on PGlite only: embedded settings", () => {
  it("starts Postgres with the small-footprint settings (shared_buffers, work memory, connections), also on a reopened data dir", async () => {
    const dir = mkdtempSync(join(tmpdir(), "locate-pglite-settings-"));
    try {
      for (const pass of ["fresh", "reopened"]) {
        const store = await openStore({ dataDir: dir });
        try {
          await store.migrate();
          const rows = await query<{ name: string; value: string }>(
            store.db,
            sql`select name, current_setting(name) as value from pg_settings where name in ('shared_buffers', 'wal_buffers', 'temp_buffers', 'work_mem', 'maintenance_work_mem', 'max_connections')`,
          );
          const shown = Object.fromEntries(rows.map((r) => [r.name, r.value]));
          expect(shown, pass).toEqual(PGLITE_SETTINGS);
        } finally {
          await store.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
