// Process entry: environment, database and migrations, the webhook server with health checks, graceful shutdown.
import { realpathSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { getPrivateKey } from "@probot/get-private-key";
import type { Logger } from "pino";
import { Probot, Server, run } from "probot";
import { type Env, loadEnv } from "./config/env.js";
import { type Store, openStore } from "./db/client.js";
import { createOctokitClass } from "./github/octokit.js";
import type { GitHub } from "./github/client.js";
import { HuntQueue } from "./hunt/queue.js";
import { DEFAULT_DISPATCH_GRACE_MS, startReconciler } from "./hunt/reconcile.js";
import { locateApp } from "./index.js";
import { createLogger } from "./observability/logging.js";
import { metricsHandler } from "./observability/metrics.js";
import { WriteScheduler } from "./outbox/scheduler.js";
import { DEFAULT_OUTBOX_SETTINGS, configureOutbox } from "./outbox/settings.js";

export { createLogger };

export interface RunningLocate {
  readonly port: number;
  stop(): Promise<void>;
}

function healthHandler(store: Store) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = req.url?.split("?")[0];
    if (req.method !== "GET") return false;
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return true;
    }
    if (path === "/readyz") {
      try {
        await store.check();
        res.writeHead(200, { "content-type": "text/plain" }).end("ready");
      } catch {
        res.writeHead(503, { "content-type": "text/plain" }).end("database not ready");
      }
      return true;
    }
    return false;
  };
}

/** Starts Locate with an installed GitHub App's credentials; resolves once it listens. */
export async function startLocate(env: Env, privateKey: string, log: Logger = createLogger(env)): Promise<RunningLocate> {
  if (!env.WEBHOOK_SECRET) throw new Error("Invalid environment:\n  WEBHOOK_SECRET: required when APP_ID is set (webhook signatures are always verified)");
  const store = await openStore({ url: env.DATABASE_URL, dataDir: env.LOCATE_DATA_DIR });
  await store.migrate();
  log.info({ database: store.kind }, "database ready");
  const queue = new HuntQueue(store);
  configureOutbox({
    writeIntervalMs: env.LOCATE_WRITE_INTERVAL_MS ?? DEFAULT_OUTBOX_SETTINGS.writeIntervalMs,
    progressDelayMs: (env.LOCATE_PROGRESS_EDIT_SECONDS ?? DEFAULT_OUTBOX_SETTINGS.progressDelayMs / 1000) * 1000,
  });
  const baseUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3` : undefined;
  const server = new Server({
    host: env.HOST ?? "localhost",
    port: env.PORT ?? 3000,
    ...(env.WEBHOOK_PATH ? { webhookPath: env.WEBHOOK_PATH } : {}),
    log,
    Probot: Probot.defaults({
      appId: Number(env.APP_ID),
      privateKey,
      secret: env.WEBHOOK_SECRET,
      log,
      Octokit: createOctokitClass(),
      ...(baseUrl ? { baseUrl } : {}),
    }),
  });
  server.addHandler(healthHandler(store));
  server.addHandler(metricsHandler(store));
  let reconciler: { stop(): Promise<void> } | undefined;
  let writes: WriteScheduler | undefined;
  await server.load(async (app, options) => {
    await locateApp({ store, queue })(app, options);
    const authFor = async (installationId: number) => (await app.auth(installationId)) as GitHub;
    writes = new WriteScheduler({ store, queue, log: log.child({ component: "writes" }), authFor });
    writes.start();
    const dispatchGraceMs = (env.LOCATE_DISPATCH_GRACE_SECONDS ?? DEFAULT_DISPATCH_GRACE_MS / 1000) * 1000;
    const intervalMs = (env.LOCATE_RECONCILE_SECONDS ?? 60) * 1000;
    // A run is polled only after a whole pass without news from GitHub: webhooks normally keep it current.
    reconciler = startReconciler({ store, queue, log, authFor, dispatchGraceMs, quietMs: intervalMs }, intervalMs);
  });
  await server.start();
  return {
    port: server.port,
    async stop() {
      // Stop accepting, let handlers in flight finish, then close the database.
      await server.stop();
      await reconciler?.stop();
      await queue.drain();
      // Writes not made yet stay in the outbox for the next start (or another replica).
      await writes?.stop();
      await store.close();
    },
  };
}

async function main(): Promise<void> {
  // Probot's setup page writes the new app's credentials to .env; variables already set win.
  try {
    process.loadEnvFile();
  } catch {
    // No .env: everything comes from the environment.
  }
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const privateKey = env.APP_ID ? getPrivateKey({ env: process.env }) : null;
  if (!env.APP_ID || !privateKey) {
    // Not registered yet: Probot's setup page creates the GitHub App from app.yml and writes .env.
    await run(() => {});
    return;
  }
  const log = createLogger(env);
  const locate = await startLocate(env, privateKey, log);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    locate.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
