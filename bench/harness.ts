// Shared set-up for the sections that run the real app: its environment, in-process start, the server child process, temp dirs and the Postgres server.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import postgres from "postgres";
import { type Env, loadEnv } from "../src/config/env.js";
import { createLogger, startLocate } from "../src/main.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { startPostgresServer } from "../test/helpers/postgres-server.js";
import { Child } from "./child.js";
import type { MemorySample } from "./gc.js";
import { withFreePort } from "./ports.js";
import type { ServerRequest } from "./server-process.js";

/** The person who opens issues and gives commands; sandboxes give this login write permission. */
export const USER = "alice";

/** The shared fixtures sit beside the repository (…/main and …/shared), locally and on CI. */
export const HISTORIES_DIR = fileURLToPath(new URL("../../shared/fixtures/histories/", import.meta.url));

export type Storage = { readonly dataDir: string } | { readonly databaseUrl: string };

/**
 * The app's environment as loadEnv returns it. Writes are not spaced (the sandbox has no secondary limits), and the
 * reconciler's periodic pass is pushed out of the measurement window: with no missed webhooks it finds nothing,
 * and a pass over hundreds of hunts in flight would be counted as a hunt's cost.
 */
export function appEnv(sandboxEnv: Sandbox["env"], port: number, storage: Storage, overrides: Record<string, string> = {}): Env {
  return loadEnv({
    ...sandboxEnv,
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: "silent",
    LOCATE_WRITE_INTERVAL_MS: "0",
    LOCATE_RECONCILE_SECONDS: "3600",
    ...("dataDir" in storage ? { LOCATE_DATA_DIR: storage.dataDir } : { DATABASE_URL: storage.databaseUrl }),
    ...overrides,
  });
}

export function webhookUrl(port: number): string {
  return `http://127.0.0.1:${port}/api/github/webhooks`;
}

export interface InProcessApp {
  readonly port: number;
  stop(): Promise<void>;
}

/** Locate in this process, receiving the sandbox's webhooks. */
export async function startAppInProcess(sb: Sandbox, storage: Storage, overrides: Record<string, string> = {}): Promise<InProcessApp> {
  const locate = await withFreePort((port) => {
    const env = appEnv(sb.env, port, storage, overrides);
    return startLocate(env, sb.env.PRIVATE_KEY, createLogger(env));
  });
  sb.setWebhookTarget(webhookUrl(locate.port));
  return {
    port: locate.port,
    async stop() {
      sb.setWebhookTarget(undefined);
      await locate.stop();
    },
  };
}

/**
 * The node flags of `npm start` (and of the image's CMD, which the Dockerfile test holds to the same line): what
 * production runs with, so the memory section measures it that way.
 */
export function startFlags(): string[] {
  const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> };
  const words = (packageJson.scripts.start ?? "").split(/\s+/);
  if (words[0] !== "node" || words.length < 2) throw new Error(`npm start is not "node [flags] <script>": ${packageJson.scripts.start}`);
  return words.slice(1, -1);
}

/** The child scripts compiled to JavaScript, to run under plain node as production does (no tsx loader in the process). */
export interface CompiledBench {
  script(name: "server-process" | "store-process"): URL;
  remove(): void;
}

/**
 * Compiles the memory section's child scripts and what they import (src/ included) with the project's tsconfig, into
 * a folder under node_modules/.cache: bare imports then resolve to this checkout's node_modules, a package.json there
 * makes the output ES modules, and a copy of drizzle/ beside it is where the store looks for its migrations.
 */
export async function compileBench(): Promise<CompiledBench> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const out = join(root, "node_modules", ".cache", `locate-bench-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const config = join(out, "tsconfig.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, "tsconfig.json"),
      compilerOptions: { noEmit: false, sourceMap: false, rootDir: root, outDir: out },
      include: [],
      files: [join(root, "bench", "server-process.ts"), join(root, "bench", "store-process.ts")],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, [tsc, "-p", config], { cwd: root }, (error, stdout) => (error ? reject(new Error(`compiling the bench children failed:\n${stdout}`)) : resolve())),
  );
  writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module" }));
  cpSync(join(root, "drizzle"), join(out, "drizzle"), { recursive: true });
  return {
    script: (name) => pathToFileURL(join(out, "bench", `${name}.js`)),
    remove: () => rmSync(out, { recursive: true, force: true }),
  };
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `locate-bench-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A Postgres server for the run: DATABASE_URL when set, otherwise a throwaway one (the test suite's helper). */
export interface PostgresForBench {
  /** A fresh, empty database on the server; its connection string. */
  newDatabase(label: string): Promise<string>;
  readonly version: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresForBench> {
  const external = process.env.DATABASE_URL?.trim();
  const server = external ? undefined : await startPostgresServer();
  const adminUrl = external ?? (server as { url: string }).url;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  const created: string[] = [];
  let counter = 0;
  const [row] = await admin<{ version: string }[]>`select version() as version`;
  return {
    version: row?.version.split(" on ")[0] ?? "unknown",
    async newDatabase(label) {
      const name = `locate_bench_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${process.pid}_${++counter}`;
      await admin.unsafe(`create database "${name}"`);
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      // On a server we did not start, leave nothing behind; a throwaway server goes away whole.
      if (external) {
        for (const name of created) {
          await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
          await admin.unsafe(`drop database if exists "${name}"`);
        }
      }
      await admin.end({ timeout: 5 });
      await server?.stop();
    },
  };
}

/** A server under test in its own process, so the load generator and the sandbox do not share its event loop. */
export class ServerProcess {
  private constructor(
    private readonly child: Child<ServerRequest>,
    readonly port: number,
  ) {}

  static async start(
    request: Extract<ServerRequest, { kind: "start" }>,
    options: { exposeGc?: boolean; nodeFlags?: readonly string[]; compiled?: CompiledBench } = {},
  ): Promise<ServerProcess> {
    const script = options.compiled ? options.compiled.script("server-process") : new URL("./server-process.ts", import.meta.url);
    const child = Child.fork<ServerRequest>(script, { ...options, compiled: options.compiled !== undefined });
    try {
      return new ServerProcess(child, await child.ask<number>(request));
    } catch (error) {
      await child.stop({ kind: "stop" });
      throw error;
    }
  }

  get url(): string {
    return webhookUrl(this.port);
  }

  memory(): Promise<MemorySample> {
    return this.child.ask<MemorySample>({ kind: "measure" });
  }

  stop(): Promise<void> {
    return this.child.stop({ kind: "stop" });
  }
}
