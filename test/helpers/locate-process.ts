// Runs the real Locate server as a child process, started exactly as production starts it, for end-to-end and crash tests.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onTestFailed, onTestFinished } from "vitest";
import { freePort } from "../../src/sandbox/ports.js";

export { freePort };

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface LocateProcessOptions {
  /** What the app needs to reach its GitHub: the sandbox's `sb.env` (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST, GHE_PROTOCOL). */
  readonly env: Readonly<Record<string, string>>;
  /** PGlite directory; ignored when databaseUrl is set. One of the two is required, so a test never writes ./.data. */
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  /** Minimum ms between content writes per installation; tests want it small. Default 0. */
  readonly writeIntervalMs?: number;
  /** LOCATE_PROGRESS_EDIT_SECONDS; 0 unless a scenario sets it. */
  readonly progressEditSeconds?: number;
  /** Default "info": the captured output is what a failing test prints, so it should say what happened. */
  readonly logLevel?: string;
  /** How long to wait for /healthz; PGlite's first start on a loaded 2-core box takes several seconds. Default 60 s. */
  readonly startTimeoutMs?: number;
}

export interface LocateProcess {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Where the sandbox must deliver webhooks. */
  readonly webhookUrl: string;
  readonly pid: number;
  /** Everything the process wrote so far, stdout and stderr interleaved as they arrived. */
  output(): string;
  /** The pino JSON lines of stdout, parsed; lines that are not JSON are skipped. */
  logs(): Array<Record<string, unknown> & { level: number; msg?: string }>;
  /** Resolves with how the process ended; never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** SIGTERM (graceful shutdown), then waits; SIGKILL if it has not exited after `graceMs` (default 15 s). */
  stop(graceMs?: number): Promise<ProcessExit>;
  /** SIGKILL, as a crash would, then waits. */
  kill(): Promise<ProcessExit>;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A port that was free a moment ago on 127.0.0.1; Probot's Server cannot listen on port 0, so the test picks one. */
/**
 * Ties the process to the running test: its output is printed if the test fails, and it is stopped (SIGTERM) when
 * the test ends, unless the test already stopped or killed it. Call it inside a test, not in a beforeAll hook.
 */
export function attachToTest(locate: LocateProcess, label = "locate"): LocateProcess {
  onTestFailed(() => {
    console.error(`--- ${label} output (pid ${locate.pid}) ---\n${locate.output()}`);
  });
  onTestFinished(async () => {
    await locate.stop();
  });
  return locate;
}

const BIND_ATTEMPTS = 3;

// A test run that ends without stop() (a crash, a timeout) must not leave servers behind.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Starts `node --import tsx src/main.ts` and resolves once /healthz answers; retries on another port if the chosen one was taken meanwhile. */
export async function startLocateProcess(options: LocateProcessOptions): Promise<LocateProcess> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
    const port = await freePort();
    try {
      return await startOnPort(options, port);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

async function startOnPort(options: LocateProcessOptions, port: number): Promise<LocateProcess> {
  if (!options.databaseUrl && !options.dataDir) throw new Error("startLocateProcess needs dataDir or databaseUrl");
  // Only what the app needs: nothing from the test runner's environment (DATABASE_URL, LOG_LEVEL, …) leaks in.
  const env: Record<string, string> = {
    ...options.env,
    HOST: "127.0.0.1",
    PORT: String(port),
    LOG_LEVEL: options.logLevel ?? "info",
    LOCATE_WRITE_INTERVAL_MS: String(options.writeIntervalMs ?? 0),
    // Scenarios wait for the comment to show each verdict; coalescing progress edits is measured in the bench.
    LOCATE_PROGRESS_EDIT_SECONDS: String(options.progressEditSeconds ?? 0),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { LOCATE_DATA_DIR: options.dataDir! }),
  };
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const chunks: string[] = [];
  let stdoutText = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    chunks.push(chunk);
    stdoutText += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => chunks.push(chunk));
  const exited = new Promise<ProcessExit>((resolve) => {
    // "close" rather than "exit": by then stdout and stderr are drained, so output() is complete.
    child.once("close", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    child.once("error", (error) => {
      running.delete(child);
      chunks.push(`spawn error: ${error.message}\n`);
      resolve({ code: null, signal: null });
    });
  });
  const output = () => chunks.join("");
  const url = `http://127.0.0.1:${port}`;

  try {
    await waitForHealth(url, exited, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await terminate(child, exited, "SIGKILL");
    if (/EADDRINUSE/.test(output())) throw new PortTakenError(`port ${port} was taken`);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- locate output ---\n${output()}`);
  }

  return {
    port,
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    pid: child.pid ?? -1,
    output,
    logs: () => parseLogLines(stdoutText),
    exited,
    stop: (graceMs = 15_000) => terminate(child, exited, "SIGTERM", graceMs),
    kill: () => terminate(child, exited, "SIGKILL"),
  };
}

async function waitForHealth(url: string, exited: Promise<ProcessExit>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended: ProcessExit | undefined;
  void exited.then((exit) => (ended = exit));
  while (Date.now() < deadline) {
    if (ended) throw new Error(`locate exited before it was healthy (code ${ended.code}, signal ${ended.signal})`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`locate did not answer ${url}/healthz within ${timeoutMs} ms`);
}

async function terminate(child: ChildProcess, exited: Promise<ProcessExit>, signal: NodeJS.Signals, graceMs = 15_000): Promise<ProcessExit> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  if (signal === "SIGKILL") return exited;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), graceMs);
  });
  const result = await Promise.race([exited, deadline]);
  clearTimeout(timer);
  if (result !== "late") return result;
  child.kill("SIGKILL");
  return exited;
}

function parseLogLines(text: string): Array<Record<string, unknown> & { level: number; msg?: string }> {
  const lines: Array<Record<string, unknown> & { level: number; msg?: string }> = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (typeof parsed.level === "number") lines.push(parsed as Record<string, unknown> & { level: number });
    } catch {
      // A line cut by a crash is not a log entry.
    }
  }
  return lines;
}
