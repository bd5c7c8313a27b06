// Shared pieces of the resilience tests (§8): a sandbox GitHub behind an API proxy, a fresh Postgres database, Locate
// processes that can be killed and started again on it, and the checks "nothing lost, nothing twice".
import postgres from "postgres";
import { expect, onTestFailed, onTestFinished } from "vitest";
import { findState, parseResultMarker } from "../../src/render/markers.js";
import { mostInFlight, startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox, SandboxComment, SandboxOptions, SandboxRun } from "../../src/sandbox/index.js";
import { type LocateProcess, attachToTest, startLocateProcess } from "./locate-process.js";
import { createTestDatabase } from "./pg-database.js";
import { type ApiProxy, startApiProxy } from "./relays.js";

export interface Rig {
  readonly sb: Sandbox;
  /** Between Locate and the sandbox's API: GHE_HOST of every process started by launch(). */
  readonly proxy: ApiProxy;
  readonly databaseUrl: string;
  /** A client on the test database, for reading what Locate stored. */
  readonly sql: postgres.Sql;
  /** Every process launched so far, oldest first. */
  readonly processes: LocateProcess[];
  /** Starts a Locate process on the rig's database and points the sandbox's webhooks at it (unless `webhooks: false`). */
  launch(label: string, options?: { env?: Record<string, string>; webhooks?: boolean; writeIntervalMs?: number }): Promise<LocateProcess>;
}

/** Simulated runs are quick: these tests are about what survives, not about waiting. */
export const FAST_RUNS = { minMs: 20, maxMs: 80 };

/**
 * A sandbox (seeded, printed), an API proxy in front of it, and a fresh database on the suite's Postgres server; all
 * torn down with the test. On failure the sandbox's traffic and every process's output are printed.
 */
export async function startRig(options: SandboxOptions & { seed: number; appEnv?: Record<string, string> }): Promise<Rig> {
  const { appEnv = {}, ...sandboxOptions } = options;
  console.info(`[resilience] sandbox seed ${options.seed}`);
  const sb = await startSandbox({ runDuration: FAST_RUNS, ...sandboxOptions });
  onTestFinished(() => sb.close());
  const proxy = await startApiProxy(sb.url);
  onTestFinished(() => proxy.close());
  const database = await createTestDatabase("resilience");
  onTestFinished(() => database.drop());
  const sql = postgres(database.url, { max: 2, onnotice: () => undefined });
  onTestFinished(() => sql.end({ timeout: 5 }));
  const processes: LocateProcess[] = [];
  onTestFinished(() => sb.setWebhookTarget(undefined));
  onTestFailed(() => {
    console.error(`--- sandbox traffic (seed ${options.seed}) ---\n${describeTraffic(sb)}`);
  });
  return {
    sb,
    proxy,
    databaseUrl: database.url,
    sql,
    processes,
    async launch(label, launchOptions = {}) {
      const locate = await startLocateProcess({
        env: { ...sb.env, GHE_HOST: proxy.host, ...appEnv, ...launchOptions.env },
        databaseUrl: database.url,
        writeIntervalMs: launchOptions.writeIntervalMs ?? 0,
      });
      attachToTest(locate, label);
      processes.push(locate);
      if (launchOptions.webhooks !== false) sb.setWebhookTarget(locate.webhookUrl);
      return locate;
    },
  };
}

export function describeTraffic(sb: Sandbox): string {
  const requests = sb.requests.map((r) => `${r.status} ${r.method} ${r.path}${r.query}`);
  const deliveries = sb.deliveries.map(
    (d) => `${d.outcome} ${d.status ?? "-"} ${d.event}.${d.action ?? ""} ${d.id}${d.duplicate ? " (dup)" : ""}${d.error ? ` (${d.error})` : ""}`,
  );
  return [`requests:`, ...requests.slice(-300), `deliveries:`, ...deliveries.slice(-300)].join("\n  ");
}

// ---------------------------------------------------------------------------------------------------------------
// What Locate stored

export interface StoredHunt {
  readonly id: number;
  readonly issueNumber: number;
  readonly state: string;
  readonly commentId: number | null;
  readonly good: string;
  readonly bad: string;
  readonly round: number;
}

export interface StoredRun {
  readonly id: number;
  readonly huntId: number;
  readonly position: number;
  readonly token: string | null;
  readonly runId: number | null;
  readonly status: string;
  readonly verdict: string | null;
  readonly conclusion: string | null;
  readonly round: number;
  readonly note: string | null;
  readonly url: string | null;
}

export async function storedHunts(sql: postgres.Sql): Promise<StoredHunt[]> {
  const rows = await sql`select id, issue_number, state, comment_id, good, bad, round from hunts order by id`;
  return rows.map((r) => ({
    id: Number(r.id),
    issueNumber: Number(r.issue_number),
    state: String(r.state),
    commentId: r.comment_id === null ? null : Number(r.comment_id),
    good: String(r.good),
    bad: String(r.bad),
    round: Number(r.round),
  }));
}

export async function storedRuns(sql: postgres.Sql): Promise<StoredRun[]> {
  const rows = await sql`select id, hunt_id, position, token, run_id, status, verdict, conclusion, round, note, url from runs order by id`;
  return rows.map((r) => ({
    id: Number(r.id),
    huntId: Number(r.hunt_id),
    position: Number(r.position),
    token: r.token === null ? null : String(r.token),
    runId: r.run_id === null ? null : Number(r.run_id),
    status: String(r.status),
    verdict: r.verdict === null ? null : String(r.verdict),
    conclusion: r.conclusion === null ? null : String(r.conclusion),
    round: Number(r.round),
    note: r.note === null ? null : String(r.note),
    url: r.url === null ? null : String(r.url),
  }));
}

export async function eventCount(sql: postgres.Sql, huntId: number, action: string): Promise<number> {
  const [row] = await sql`select count(*)::int as n from events where hunt_id = ${huntId} and action = ${action}`;
  return Number(row?.n ?? 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Nothing twice, nothing lost

/**
 * Dispatches GitHub received more than once for one stored run row (a token used twice), runs whose token Locate
 * never stored, and more runs than `parallel` in one round or in flight at once for one hunt (two rows where one was
 * meant: a round is planned once, and `parallel` caps the runs in flight).
 */
export function doubleDispatches(sb: Sandbox, runs: readonly StoredRun[], parallel = 3): string[] {
  const byToken = new Map(runs.filter((r) => r.token !== null).map((r) => [r.token!, r]));
  const problems: string[] = [];
  const tokens = new Map<string, number>();
  const rounds = new Map<string, number[]>();
  const byHunt = new Map<number, SandboxRun[]>();
  for (const run of sb.runs) {
    const token = run.inputs.locate_id ?? "";
    tokens.set(token, (tokens.get(token) ?? 0) + 1);
    const row = byToken.get(token);
    if (!row) {
      problems.push(`run ${run.id} (${run.inputs.tag}) carries token ${token}, which no stored run has`);
      continue;
    }
    const round = `hunt ${row.huntId} round ${row.round}`;
    rounds.set(round, [...(rounds.get(round) ?? []), run.id]);
    byHunt.set(row.huntId, [...(byHunt.get(row.huntId) ?? []), run]);
  }
  for (const [token, count] of tokens) if (count > 1) problems.push(`token ${token} dispatched ${count} times`);
  for (const [round, ids] of rounds) if (ids.length > parallel) problems.push(`${round} dispatched ${ids.length} runs (parallel ${parallel}): ${ids.join(", ")}`);
  for (const [huntId, huntRuns] of byHunt) {
    const most = mostInFlight(huntRuns);
    if (most > parallel) problems.push(`hunt ${huntId} had ${most} runs in flight at once (parallel ${parallel})`);
  }
  return problems;
}

/** Completed sandbox runs whose verdict Locate does not hold (by token), or holds for another run or conclusion. */
export function lostVerdicts(sb: Sandbox, runs: readonly StoredRun[]): string[] {
  const byToken = new Map(runs.filter((r) => r.token !== null).map((r) => [r.token!, r]));
  const problems: string[] = [];
  for (const run of sb.runs) {
    if (run.status !== "completed") continue;
    const row = byToken.get(run.inputs.locate_id ?? "");
    if (!row) continue; // reported by doubleDispatches
    if (row.runId !== run.id || row.status !== "completed" || row.conclusion !== run.conclusion) {
      problems.push(`run ${run.id} (${run.inputs.tag}) ended ${run.conclusion}; stored: run id ${row.runId}, ${row.status}, ${row.conclusion}`);
    }
  }
  return problems;
}

/** The single-process answer, from the sandbox's hidden first bad: the first bad tag and the tag before it in the range. */
export function expectedAnswer(sb: Sandbox): { firstBad: string; lastGood: string } {
  const names = sb.tags.map((t) => t.name);
  const at = names.indexOf(sb.firstBad.tag ?? "");
  if (at < 1) throw new Error(`the hidden first bad ${sb.firstBad.tag} has no tag before it`);
  return { firstBad: names[at]!, lastGood: names[at - 1]! };
}

export function huntComments(sb: Sandbox, issue: number): SandboxComment[] {
  return sb.listComments(issue).filter((c) => c.user === sb.botLogin && c.body.includes("<!-- locate:hunt:"));
}

/** What a hunt comment says: its state and its result marker. */
export function commentOutcome(body: string): { state: string | null; firstBad: string | null; lastGood: string | null } {
  const result = parseResultMarker(body);
  return { state: findState(body), firstBad: result?.firstBad ?? null, lastGood: result?.lastGood ?? null };
}

/** Locate's replies on an issue that are neither the hunt comment nor a notification. */
export function replies(sb: Sandbox, issue: number): string[] {
  return sb
    .listComments(issue)
    .filter((c) => c.user === sb.botLogin && !c.body.includes("<!-- locate:hunt:") && !c.body.includes("<!-- locate:notify:"))
    .map((c) => c.body);
}

/** The comments that told the starter a hunt ended or waits for them (issue 14). */
export function notifications(sb: Sandbox, issue: number): string[] {
  return sb.listComments(issue).filter((c) => c.user === sb.botLogin && c.body.includes("<!-- locate:notify:")).map((c) => c.body);
}

export function errorLines(locate: LocateProcess): string[] {
  return locate
    .logs()
    .filter((line) => line.level >= 50)
    .map((line) => `${line.msg ?? ""} ${JSON.stringify((line as { err?: { message?: string } }).err?.message ?? "")}`);
}

/**
 * Issue 14's "at most one per change", under duplicates, shuffles and replicas: the starter is told of the answer
 * exactly once (waiting for that comment, which follows the found render), and no notification is posted twice.
 */
export async function expectNotifiedOnce(sb: Sandbox, issue: number): Promise<void> {
  const found = () => notifications(sb, issue).filter((body) => body.includes("🎯"));
  await sb.waitFor(() => found().length > 0, { timeoutMs: 10_000, message: `the found notification on issue ${issue}` });
  await sb.idle();
  expect(found(), `found notifications on issue ${issue}`).toHaveLength(1);
  const all = notifications(sb, issue);
  expect(new Set(all).size, `distinct notifications on issue ${issue}`).toBe(all.length);
}
