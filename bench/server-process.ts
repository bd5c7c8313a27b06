// Child process of the benchmark: runs Locate (startLocate) or a bare Probot app that only acknowledges, and reports its memory on request.
import { Probot, Server } from "probot";
import type { Env } from "../src/config/env.js";
import { createLogger, startLocate } from "../src/main.js";
import { serve } from "./child.js";
import { type MemorySample, settledMemory } from "./gc.js";
import { withFreePort } from "./ports.js";

export type ServerRequest =
  | {
      readonly kind: "start";
      /** "locate": the real app; "bare": Probot's own Server with handlers that do nothing, the baseline. */
      readonly app: "locate" | "bare";
      /** As loadEnv returns it; HOST and PORT are the child's to pick. */
      readonly env: Env;
      readonly privateKey: string;
    }
  | { readonly kind: "measure" }
  | { readonly kind: "stop" };

export type { MemorySample };

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

let running: Running | undefined;

serve<ServerRequest>(
  async (request) => {
    switch (request.kind) {
      case "start":
        running = await withFreePort((port) => {
          const env: Env = { ...request.env, HOST: "127.0.0.1", PORT: port };
          return request.app === "locate" ? startLocate(env, request.privateKey, createLogger(env)) : startBare(env, request.privateKey, port);
        });
        return running.port;
      case "measure":
        return settledMemory();
      case "stop":
        await running?.stop();
        running = undefined;
        return null;
    }
  },
  async () => {
    await running?.stop();
  },
);
