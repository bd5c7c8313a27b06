// The running server: health and readiness checks on PGlite and Postgres, and webhook signature checks, through real HTTP.
/*
 * startLocate() is the same function the process entry calls, so this is the server as deployed minus the
 * process: a real port, Probot's webhook middleware, the store opened and migrated. Readiness must follow the
 * database (a load balancer stops routing to a replica whose database is gone) while liveness must not (an
 * orchestrator would otherwise restart a process that cannot fix a database outage by restarting).
 */
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { loadEnv } from "../../src/config/env.js";
import { type RunningLocate, createLogger, startLocate } from "../../src/main.js";
import { freePort } from "../../src/sandbox/ports.js";

const WEBHOOK_SECRET = "health-test-secret";
const WEBHOOK_PATH = "/api/github/webhooks";
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

async function start(extra: Record<string, string>): Promise<{ locate: RunningLocate; base: string }> {
  const env = loadEnv({
    APP_ID: "1",
    WEBHOOK_SECRET,
    HOST: "127.0.0.1",
    // Probot's Server treats port 0 as "use the default", so a free port is picked here instead.
    PORT: String(await freePort()),
    LOG_LEVEL: "silent",
    ...extra,
  });
  const locate = await startLocate(env, privateKey, log);
  return { locate, base: `http://127.0.0.1:${locate.port}` };
}

async function get(base: string, route: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${base}${route}`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

function deliver(base: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${base}${WEBHOOK_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-delivery": randomUUID(), ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });
}

const sign = (body: string, secret = WEBHOOK_SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

// GitHub's own first delivery to a new hook: no installation, nothing for Locate to act on.
const pingBody = JSON.stringify({
  zen: "Keep it logically awesome.",
  hook_id: 1,
  hook: { type: "App", id: 1, name: "web", active: true, events: ["issue_comment", "issues", "workflow_run"], config: {} },
});

describe("server on embedded PGlite", () => {
  let dataDir: string;
  let app: { locate: RunningLocate; base: string } | undefined;

  beforeAll(async () => {
    // A real directory, as in production: this also proves the data dir is created when missing.
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "locate-health-"));
    app = await start({ LOCATE_DATA_DIR: path.join(dataDir, "pglite") });
  });

  afterAll(async () => {
    await app?.locate.stop();
    await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  });

  it("/healthz answers 200 ok", async () => {
    expect(await get(app!.base, "/healthz")).toEqual({ status: 200, body: "ok" });
  });

  it("/readyz answers 200 once migrations are applied", async () => {
    expect((await get(app!.base, "/readyz")).status).toBe(200);
  });

  it("health checks ignore query strings but not methods", async () => {
    expect((await get(app!.base, "/healthz?probe=1")).status).toBe(200);
    const post = await fetch(`${app!.base}/healthz`, { method: "POST", signal: AbortSignal.timeout(10_000) });
    expect(post.status).not.toBe(200);
  });

  it("rejects a webhook delivery without a signature", async () => {
    const response = await deliver(app!.base, pingBody, { "x-github-event": "ping" });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it("rejects a webhook delivery signed with another secret", async () => {
    const response = await deliver(app!.base, pingBody, { "x-github-event": "ping", "x-hub-signature-256": sign(pingBody, "wrong") });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it("accepts a correctly signed ping delivery", async () => {
    const response = await deliver(app!.base, pingBody, { "x-github-event": "ping", "x-hub-signature-256": sign(pingBody) });
    expect(response.status, await response.text()).toBe(200);
  });
});

describe("server on a Postgres server", () => {
  const adminUrl = inject("postgresUrl");
  const database = `locate_health_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  let admin: postgres.Sql;
  let app: { locate: RunningLocate; base: string } | undefined;

  beforeAll(async () => {
    admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database ${database}`);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    app = await start({ DATABASE_URL: url.toString() });
  });

  afterAll(async () => {
    // stop() closes the pools; with the database already gone that must still resolve.
    await app?.locate.stop();
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end({ timeout: 5 });
  });

  it("/readyz answers 200 while its database is up", async () => {
    expect((await get(app!.base, "/readyz")).status).toBe(200);
    expect((await get(app!.base, "/healthz")).status).toBe(200);
  });

  it("/readyz answers 503 once the database is unreachable, while /healthz stays 200", async () => {
    // FORCE terminates the app's pooled connections, so its next query must reconnect and fail.
    await admin.unsafe(`drop database ${database} with (force)`);
    const ready = await get(app!.base, "/readyz");
    expect(ready.status).toBe(503);
    // The reason stays generic: a connection error names the database, host and user, which a probe must not leak.
    expect(ready.body).not.toContain(database);
    expect(ready.body).not.toMatch(/postgres:\/\//);
    expect(await get(app!.base, "/healthz")).toEqual({ status: 200, body: "ok" });
    // Still 503 on a second probe: the failure is not a one-off from the terminated connection.
    expect((await get(app!.base, "/readyz")).status).toBe(503);
  });
});


describe("health probes in the log", () => {
  // Locate's own logger (createLogger, as the process uses it) over an in-memory stream, at the given level.
  async function startLogged(level: "info" | "debug") {
    const lines: { level: number; msg?: string }[] = [];
    const destination = { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg?: string }) };
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "locate-probe-log-"));
    const env = loadEnv({ APP_ID: "1", WEBHOOK_SECRET, HOST: "127.0.0.1", PORT: String(await freePort()), LOG_LEVEL: level, LOCATE_DATA_DIR: dataDir });
    const locate = await startLocate(env, privateKey, createLogger(env, destination));
    const base = `http://127.0.0.1:${locate.port}`;
    return {
      base,
      lines,
      /** Access lines pino-http wrote for this path, with their levels. */
      accessLevels: (route: string) => lines.filter((l) => l.msg?.startsWith(`${route.startsWith("POST") ? "" : "GET "}${route}`)).map((l) => l.level),
      async stop() {
        await locate.stop();
        await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
      },
    };
  }

  it("at info: successful /healthz, /readyz and /metrics write no line, a webhook delivery still does", async () => {
    const app = await startLogged("info");
    try {
      for (const route of ["/healthz", "/readyz", "/metrics", "/healthz?probe=1"]) expect((await get(app.base, route)).status).toBe(200);
      expect((await deliver(app.base, pingBody, { "x-github-event": "ping", "x-hub-signature-256": sign(pingBody) })).status).toBe(200);
      // pino-http logs when the response finishes, just after the client has it.
      await vi.waitFor(() => expect(app.lines.some((l) => l.msg?.startsWith(`POST ${WEBHOOK_PATH} 200`))).toBe(true));
      expect(app.lines.filter((l) => /^GET \/(healthz|readyz|metrics)/.test(l.msg ?? ""))).toEqual([]);
      // A request that is not a probe keeps its info line.
      expect((await get(app.base, "/no-such-page")).status).toBe(404);
      await vi.waitFor(() => expect(app.accessLevels("/no-such-page")).toEqual([30]));
    } finally {
      await app.stop();
    }
  });

  it("at debug: the probes are logged, at debug level", async () => {
    const app = await startLogged("debug");
    try {
      for (const route of ["/healthz", "/readyz", "/metrics"]) expect((await get(app.base, route)).status).toBe(200);
      await vi.waitFor(() => {
        for (const route of ["/healthz", "/readyz", "/metrics"]) expect(app.accessLevels(route), route).toEqual([20]);
      });
    } finally {
      await app.stop();
    }
  });
});
