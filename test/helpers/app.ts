// A Probot instance running Locate on an in-memory PGlite store, for integration tests through probot.receive().
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach } from "vitest";
import pino from "pino";
import { Probot } from "probot";
import { createOctokitClass } from "../../src/github/octokit.js";
import { type Store, openStore } from "../../src/db/client.js";
import { clearRoleCache } from "../../src/github/permissions.js";
import { forgetServerCapabilities } from "../../src/github/workflows.js";
import { HuntQueue } from "../../src/hunt/queue.js";
import type { GitHub } from "../../src/github/client.js";
import { locateApp } from "../../src/index.js";
import { WriteScheduler } from "../../src/outbox/scheduler.js";
import { configureOutbox } from "../../src/outbox/settings.js";

export interface TestApp {
  readonly probot: Probot;
  readonly store: Store;
  /** Delivers a webhook, then makes every GitHub write it stored (as the scheduler would, without its pacing). */
  receive(name: string, payload: unknown, id?: string): Promise<void>;
  /** Delivers a webhook and leaves the writes it stored in the outbox. */
  deliver(name: string, payload: unknown, id?: string): Promise<void>;
  /** The write scheduler of this app, not started: tests drain it. */
  readonly writes: WriteScheduler;
  close(): Promise<void>;
}

/** Starting PGlite costs seconds, so a test file opens one store and empties it between tests. */
export async function openTestStore(): Promise<Store> {
  const store = await openStore({ dataDir: "memory://" });
  await store.migrate();
  return store;
}

export async function emptyStore(store: Store): Promise<void> {
  await store.db.execute(sql`truncate hunts, versions, runs, deliveries, events, workflow_flakes, github_writes, installation_pacing restart identity cascade`);
}

export async function createTestApp(options: { store?: Store } = {}): Promise<TestApp> {
  clearRoleCache();
  forgetServerCapabilities();
  const store = options.store ?? (await openTestStore());
  await emptyStore(store);
  const probot = new Probot({
    githubToken: "test-token",
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    Octokit: createOctokitClass({ retry: false }),
  });
  const queue = new HuntQueue(store);
  configureOutbox({ writeIntervalMs: 0 });
  await probot.load(locateApp({ store, queue }));
  const writes = new WriteScheduler({ store, queue, log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }), authFor: async (id) => (await probot.auth(id)) as GitHub });
  const deliver = async (name: string, payload: unknown, id: string = randomUUID()) => {
    await probot.receive({ id, name, payload } as Parameters<Probot["receive"]>[0]);
  };
  return {
    probot,
    store,
    writes,
    deliver,
    async receive(name, payload, id = randomUUID()) {
      await deliver(name, payload, id);
      await writes.drain();
    },
    close: () => (options.store ? Promise.resolve() : store.close()),
  };
}

/** The app of the running test and the store it shares with the rest of its file. */
export interface TestAppContext {
  readonly app: TestApp;
  readonly store: Store;
}

/**
 * Registers a test file's hooks: one PGlite store for the whole file (starting one costs seconds), emptied and
 * given a fresh app before each test.
 */
export function useTestApp(): TestAppContext {
  let store: Store | undefined;
  let app: TestApp | undefined;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store?.close());
  beforeEach(async () => {
    app = await createTestApp({ store });
  });
  return {
    get app() {
      if (!app) throw new Error("useTestApp: no app outside a test");
      return app;
    },
    get store() {
      if (!store) throw new Error("useTestApp: no store outside a test");
      return store;
    },
  };
}
