// Proves the test harness provides a real PostgreSQL server (not PGlite) and can boot and tear down independent ones.
import { existsSync } from "node:fs";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startPostgresServer } from "../helpers/postgres-server.js";

// Above 2^31 and above 2^32: GitHub ids no longer fit in int4.
const GITHUB_SIZED_ID = 9_876_543_210_123n;

describe("provided postgresUrl", () => {
  // One connection, so the temp table below is visible to every statement.
  const sql = postgres(inject("postgresUrl"), { max: 1, onnotice: () => undefined });
  afterAll(() => sql.end({ timeout: 5 }));

  it("points at a real PostgreSQL server, not PGlite", async () => {
    const [row] = await sql<{ version: string; addr: string | null }[]>`
      select version() as version, inet_server_addr()::text as addr`;
    expect(row?.version).toMatch(/^PostgreSQL \d+/);
    // PGlite reports an Emscripten build and has no network socket.
    expect(row?.version).not.toMatch(/pglite|emscripten|emcc|wasm/i);
    expect(row?.addr).toBeTruthy();
  });

  it("round-trips a bigint above 2^31", async () => {
    await sql`create temp table harness_ids (id bigint primary key, label text not null)`;
    await sql`insert into harness_ids (id, label) values (${GITHUB_SIZED_ID.toString()}, 'big')`;
    const rows = await sql<{ id: string; above: boolean; type: string }[]>`
      select id::text as id, id > 2147483647 as above, pg_typeof(id)::text as type from harness_ids`;
    expect(rows).toHaveLength(1);
    expect(BigInt(rows[0]!.id)).toBe(GITHUB_SIZED_ID);
    expect(rows[0]!.above).toBe(true);
    expect(rows[0]!.type).toBe("bigint");
  });
});

describe("startPostgresServer", () => {
  it("starts a second, independent server and stops it cleanly", { timeout: 90_000 }, async () => {
    const server = await startPostgresServer();
    let stopped = false;
    try {
      expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/locate_test$/);
      expect(new URL(server.url).port).not.toBe(new URL(inject("postgresUrl")).port);
      expect(existsSync(server.dir)).toBe(true);

      const second = postgres(server.url, { max: 1, onnotice: () => undefined });
      const first = postgres(inject("postgresUrl"), { max: 1, onnotice: () => undefined });
      try {
        const [db] = await second<{ name: string }[]>`select current_database() as name`;
        expect(db?.name).toBe("locate_test");
        await second`create table only_on_second (id bigint)`;
        const [onFirst] = await first<{ found: string | null }[]>`select to_regclass('only_on_second')::text as found`;
        expect(onFirst?.found).toBeNull();
      } finally {
        await Promise.all([second.end({ timeout: 5 }), first.end({ timeout: 5 })]);
      }

      await server.stop();
      stopped = true;
      expect(existsSync(server.dir)).toBe(false);
      // Stopping twice must be harmless: teardown paths may race.
      await server.stop();

      const after = postgres(server.url, { max: 1, connect_timeout: 2, onnotice: () => undefined });
      try {
        await expect(after`select 1`).rejects.toThrow();
      } finally {
        await after.end({ timeout: 1 }).catch(() => undefined);
      }
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
