// Opens the store: embedded PGlite by default, a Postgres server when DATABASE_URL is set; applies migrations.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema.js";

/** A database or a transaction: queries take this first so they compose inside a transaction. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Store {
  readonly db: Db;
  readonly kind: "pglite" | "postgres";
  /** Applies pending migrations; safe when several replicas start at once. */
  migrate(): Promise<void>;
  /** Throws unless the database answers and the migrations are applied. */
  check(): Promise<void>;
  /**
   * Runs fn while holding the hunt's lock across every process sharing this database (§8: serialized per hunt).
   * fn works through `db` as usual, so what it writes is committed at once and visible to webhooks that race it.
   */
  withHuntLock<T>(huntId: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Postgres connection string; when absent, PGlite is used. */
  readonly url?: string | undefined;
  /** PGlite data directory; `memory://` keeps it in memory (tests). */
  readonly dataDir?: string | undefined;
}

// Any fixed 64-bit number works as long as every replica uses the same one.
const MIGRATION_LOCK_KEY = 4_242_001;
// Hunt locks use the two-key form, so they can never collide with the migration lock.
const HUNT_LOCK_NAMESPACE = 4242;

export async function openStore(options: StoreOptions): Promise<Store> {
  const migrationsFolder = findMigrationsFolder();
  if (options.url) return openPostgres(options.url, migrationsFolder);
  return openPglite(options.dataDir ?? "./.data", migrationsFolder);
}

/**
 * Postgres settings for an embedded store that one process uses and that holds a few MB. PGlite otherwise keeps a
 * server's defaults, and they cost memory that never comes back: Postgres allocates its shared memory (mostly
 * shared_buffers, 128 MB by default) zero-filled at start, so every page of it is resident, and WebAssembly memory
 * only grows, so a sort or index build that takes maintenance_work_mem (64 MB) keeps those pages for good. These save
 * about 150 MB resident (the store alone went from ~490 MB to ~215 MB in bench table 4, with npm start's node flags
 * doing the rest); 16 MB of page cache still holds thousands of hunts' rows, and WAL and temp buffers follow its scale.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: "16MB",
  wal_buffers: "512kB",
  temp_buffers: "1MB",
  work_mem: "2MB",
  maintenance_work_mem: "8MB",
  // Single-user mode has one backend; the lock and process tables in shared memory are sized by this.
  max_connections: "5",
};

async function openPglite(dataDir: string, migrationsFolder: string): Promise<Store> {
  const settings = Object.entries(PGLITE_SETTINGS).map(([name, value]) => `${name}=${value}`);
  const options = {
    // On the command line, so a data directory made before these settings gets them too. (PGlite's `postgresqlconf`
    // option would replace the whole postgresql.conf that initdb wrote.)
    startParams: [...PGlite.defaultStartParams, ...settings.flatMap((setting) => ["-c", setting])],
    // initdb's bootstrap runs with them, and writes them into the new postgresql.conf.
    initDbStartParams: settings.flatMap((setting) => ["--set", setting]),
  };
  if (!dataDir.startsWith("memory://")) {
    mkdirSync(dataDir, { recursive: true });
    if (!existsSync(join(dataDir, "PG_VERSION"))) await initPgliteDir(dataDir, options);
  }
  const client = new PGlite(dataDir, options);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    // PGlite lives in this one process, so there is no other replica to race with.
    migrate: () => migratePglite(drizzlePglite({ client, schema }), { migrationsFolder }),
    check: () => checkMigrated(db),
    // One process owns a PGlite directory; the in-process queue already serializes each hunt.
    withHuntLock: (_huntId, fn) => fn(),
    close: () => client.close(),
  };
}

async function openPostgres(url: string, migrationsFolder: string): Promise<Store> {
  const client = postgres(url, { max: 10, onnotice: () => {} });
  // Lock holders wait idle in a transaction while their work runs on `client`; separate pools keep
  // lock holders from starving that work of connections.
  const locks = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    async migrate() {
      // A session-level advisory lock needs one connection for lock, migrations and unlock.
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migratePostgres(drizzlePostgres({ client: single }), { migrationsFolder });
        await single`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        await single.end();
      }
    },
    check: () => checkMigrated(db),
    async withHuntLock(huntId, fn) {
      let result: Awaited<ReturnType<typeof fn>> | undefined;
      await locks.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${HUNT_LOCK_NAMESPACE}, ${huntId % 2_147_483_647})`;
        result = await fn();
      });
      return result as Awaited<ReturnType<typeof fn>>;
    },
    async close() {
      await Promise.all([client.end({ timeout: 5 }), locks.end({ timeout: 5 })]);
    },
  };
}

/**
 * Creates a new data directory in a short-lived child process. PGlite runs initdb in a second Postgres instance
 * and an initdb module of its own, each with its own WebAssembly memory; in this process they would be garbage that
 * an idle server keeps resident for as long as V8 sees no reason to collect it (about 400 MB on a first start,
 * measured). A process that exits gives all of it back. Plain JavaScript run by the same node binary, so it works
 * from src/ under tsx and from dist/ alike.
 */
async function initPgliteDir(dataDir: string, options: { startParams: string[]; initDbStartParams: string[] }): Promise<void> {
  const script = "const [url, dir, options] = JSON.parse(process.argv[1]); const { PGlite } = await import(url); const pg = new PGlite(dir, options); await pg.waitReady; await pg.close();";
  const args = JSON.stringify([import.meta.resolve("@electric-sql/pglite"), dataDir, options]);
  await new Promise<void>((resolvePromise, reject) => {
    execFile(process.execPath, ["--input-type=module", "--eval", script, args], { maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`creating the PGlite data directory ${dataDir} failed: ${stderr.trim() || error.message}`, { cause: error }));
      else resolvePromise();
    });
  });
}

async function checkMigrated(db: Db): Promise<void> {
  await db.execute(sql`select 1 from hunts limit 1`);
}

/** drizzle/ sits at the package root, whether this file runs from src/ (tsx) or dist/src/ (compiled). */
function findMigrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    const parent = resolve(dir, "..");
    if (parent === dir) throw new Error("drizzle/ migrations folder not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
