// Child process of the benchmark: runs Locate (startLocate) or a bare Probot app that only acknowledges, and reports its memory on request.
import type { Env } from "../src/config/env.js";
import { createLogger, startLocate } from "../src/main.js";
import { Probot, Server } from "probot";
import { withFreePort } from "./harness.js";

export type ServerRequest =
  | {
      readonly kind: "start";
      /** "locate": the real app; "bare": Probot's own Server with handlers that do nothing, the baseline. */
      readonly app: "locate" | "bare";
      /** Everything but HOST/PORT, which the child picks; as loadEnv returns it. */
      readonly env: Env;
      readonly privateKey: string;
    }
  | { readonly kind: "measure" }
  | { readonly kind: "stop" };

export type ServerReply =
  | { readonly kind: "started"; readonly port: number }
  | { readonly kind: "memory"; readonly rss: number; readonly heapUsed: number; readonly external: number; readonly arrayBuffers: number }
  | { readonly kind: "stopped" }
  | { readonly kind: "error"; readonly message: string };

interface Running {
  readonly port: number;
  stop(): Promise<void>;
}

async function startBare(env: Env, privateKey: string, port: number): Promise<Running> {
  const log = createLogger(env);
  const baseUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3` : undefined;
  const server = new Server({
    host: "127.0.0.1",
    port,
    log,
    Probot: Probot.defaults({ appId: Number(env.APP_ID), privateKey, secret: env.WEBHOOK_SECRET, log, ...(baseUrl ? { baseUrl } : {}) }),
  });
  // The same events Locate subscribes to, so both servers verify, parse and dispatch every delivery alike.
  await server.load((app) => {
    app.on(["issue_comment.created", "issue_comment.edited"], async () => {});
    app.on("issues.opened", async () => {});
    app.on("workflow_run", async () => {});
  });
  await server.start();
  return { port, stop: () => server.stop() };
}

async function measure(): Promise<ServerReply> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return { kind: "error", message: "memory needs --expose-gc" };
  // Several passes with turns of the event loop between them, so finalizers and weak references settle first.
  for (let pass = 0; pass < 4; pass++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const usage = process.memoryUsage();
  return { kind: "memory", rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers };
}

let running: Running | undefined;

async function handle(request: ServerRequest): Promise<ServerReply> {
  switch (request.kind) {
    case "start": {
      running = await withFreePort((port) => {
        const env: Env = { ...request.env, HOST: "127.0.0.1", PORT: port };
        return request.app === "locate" ? startLocate(env, request.privateKey, createLogger(env)) : startBare(env, request.privateKey, port);
      });
      return { kind: "started", port: running.port };
    }
    case "measure":
      return measure();
    case "stop":
      await running?.stop();
      running = undefined;
      return { kind: "stopped" };
  }
}

process.on("message", (request: ServerRequest) => {
  handle(request).then(
    (reply) => {
      process.send?.(reply);
      if (request.kind === "stop") process.disconnect();
    },
    (error: unknown) => process.send?.({ kind: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ServerReply),
  );
});
// The parent going away (Ctrl-C, a crash) takes the server with it.
process.on("disconnect", () => {
  void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
