// A fresh, uniquely named database on the run's Postgres server (inject("postgresUrl")), so test files never share tables.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";

export interface TestDatabase {
  /** Connection string of the new database, for openStore({ url }). */
  readonly url: string;
  readonly name: string;
  /** Ends every connection to the database and drops it; safe to call more than once. */
  drop(): Promise<void>;
}

function adminClient() {
  return postgres(inject("postgresUrl"), { max: 1, onnotice: () => undefined });
}

export async function createTestDatabase(label = "t"): Promise<TestDatabase> {
  const name = `locate_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = adminClient();
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(inject("postgresUrl"));
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = adminClient();
  try {
    // pg_terminate_backend rather than `with (force)`: works on every server version an external DATABASE_URL may point at.
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
    await admin.unsafe(`drop database if exists "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}
