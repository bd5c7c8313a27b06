// Vitest globalSetup: hands every test file one real Postgres server URL, booting a throwaway server when DATABASE_URL is unset.
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startPostgresServer } from "./postgres-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Connection URL of a real PostgreSQL server (never PGlite); read it with inject("postgresUrl"). */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL?.trim();
  if (external) {
    // Fail once, here, with the reason — not as dozens of connection errors spread over the suite.
    await assertReachable(external);
    project.provide("postgresUrl", external);
    return async () => undefined;
  }

  const startedAt = Date.now();
  const server = await startPostgresServer();
  // One line, so a CI log shows which binaries the Postgres suite actually ran against.
  console.error(
    `[locate] test PostgreSQL ready in ${Date.now() - startedAt} ms: ${server.version} (${server.binDir}) at ${server.url}`,
  );
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}

async function assertReachable(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => undefined });
  try {
    await sql`select 1`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`DATABASE_URL is set but its server cannot be queried (${reason}). Unset it to use a throwaway server.`, {
      cause: error,
    });
  } finally {
    await sql.end({ timeout: 5 }).catch(() => undefined);
  }
}
