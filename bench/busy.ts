// A busy installation (issue 13): 20 auto-pilot hunts started at once in one installation, on two Locate replicas
// sharing one Postgres database, with GitHub writes paced at GitHub's real one second. Measures what the
// installation's owner and GitHub see: wall time, the writes GitHub receives and their rate, and how fast the
// webhooks are answered while all of it goes on.
import postgres from "postgres";
import { findState, parseResultMarker } from "../src/render/markers.js";
import { startSandbox } from "../src/sandbox/index.js";
import type { RequestLogEntry, Sandbox } from "../src/sandbox/index.js";
import { DEFAULT_OUTBOX_SETTINGS } from "../src/outbox/settings.js";
import { type LocateProcess, startLocateProcess } from "../test/helpers/locate-process.js";
import { type WebhookRelay, startWebhookRelay } from "../test/helpers/relays.js";
import { doubleDispatches, storedHunts, storedRuns } from "../test/helpers/resilience.js";
import type { PostgresForBench } from "./harness.js";
import { USER } from "./harness.js";
import { type SectionResult, type Table, type TargetResult, fixed, integer, mark, quantile, seconds } from "./table.js";

const SEED = 1313;
const TAGS = 40;
/** The hidden first bad; every hunt's range holds it. */
const FIRST_BAD_AT = 20;
/** Tags per hunt's range, good and bad included: small, so 20 hunts at one write a second fit in a few minutes. */
const RANGE_TAGS = 4;
const WRITE_INTERVAL_MS = 1000;
/** GitHub gives up on a delivery after 10 s. */
const GITHUB_TIMEOUT_MS = 10_000;
const DEADLINE_MS = 6 * 60_000;
/** After the last hunt is found, how long without a write before the installation counts as quiet again. */
const QUIET_MS = 5_000;
const ACCESS_TOKENS = "POST /app/installations/{installation_id}/access_tokens";
const EDIT_COMMENT = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";

/**
 * The requests that write to GitHub, as its secondary limits count them: every POST, PATCH, PUT and DELETE but the
 * app's installation tokens and GraphQL (Locate only queries there). The sandbox serves one installation.
 */
export function githubWrites(requests: readonly RequestLogEntry[]): RequestLogEntry[] {
  return requests.filter((r) => r.method !== "GET" && r.method !== "HEAD" && r.route !== ACCESS_TOKENS && r.route !== "POST /graphql");
}

/** When the request reached the sandbox: the log keeps when it was answered and how long that took. */
export function arrivedAt(request: RequestLogEntry): number {
  return request.at - request.ms;
}

/** The most of `times` (ms, any order) inside any window of `windowMs` starting at one of them. */
export function mostInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + windowMs) end++;
    most = Math.max(most, end - start);
  }
  return most;
}

function huntComment(sb: Sandbox, issue: number) {
  return sb.listComments(issue).find((c) => c.user === sb.botLogin && c.body.includes("<!-- locate:hunt:"));
}

export async function runBusyBench(options: { quick: boolean; pg: PostgresForBench; log: (line: string) => void }): Promise<SectionResult> {
  const hunts = options.quick ? 6 : 20;
  const sb = await startSandbox({
    seed: SEED,
    history: { tags: TAGS },
    firstBad: `v0.${FIRST_BAD_AT}.0`,
    runDuration: { minMs: 1_000, maxMs: 3_000 },
    permissions: { [USER]: "maintain" },
    validateRequests: false,
  });
  const databaseUrl = await options.pg.newDatabase("busy");
  const replicas: LocateProcess[] = [];
  let relay: WebhookRelay | undefined;
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    // Both start at once, as a deployment's replicas do: migrations under the advisory lock.
    replicas.push(
      ...(await Promise.all(
        ["A", "B"].map(() => startLocateProcess({ env: { ...sb.env }, databaseUrl, writeIntervalMs: WRITE_INTERVAL_MS, progressEditSeconds: DEFAULT_OUTBOX_SETTINGS.progressDelayMs / 1000, logLevel: "warn" })),
      )),
    );
    // One replica per delivery, chosen at random, as a load balancer in front of both would.
    relay = await startWebhookRelay({ targets: replicas.map((r) => r.webhookUrl), seed: SEED });
    sb.setWebhookTarget(relay.url);

    const names = sb.tags.map((t) => t.name);
    const at = names.indexOf(sb.firstBad.tag ?? "");
    const issues: number[] = [];
    const started = Date.now();
    for (let i = 0; i < hunts; i++) {
      // Ranges of RANGE_TAGS tags, each holding the first bad at another place.
      const good = names[at - 1 - (i % (RANGE_TAGS - 1))]!;
      const bad = names[names.indexOf(good) + RANGE_TAGS - 1]!;
      const issue = await sb.openIssue({ user: USER, title: `Regression ${i + 1}` });
      await sb.postComment({ issue, user: USER, body: `/locate ${good}..${bad} auto` });
      issues.push(issue);
    }
    const ended = (issue: number) => ["found", "failed", "paused", "cancelled"].includes(findState(huntComment(sb, issue)?.body ?? "") ?? "");
    const finished = await sb
      .waitFor(() => issues.every(ended), { timeoutMs: DEADLINE_MS, intervalMs: 250, message: "every hunt of the busy installation to end" })
      .then(() => true, () => false);
    const wallMs = Date.now() - started;
    options.log(`  ${issues.filter(ended).length}/${hunts} hunts ended in ${seconds(wallMs)}${finished ? "" : " (deadline)"}`);
    // What follows the answers (the last edits, the notifications) is part of the load: wait until writes stop.
    await sb.waitFor(() => sb.runs.every((run) => run.status === "completed"), { timeoutMs: 30_000, message: "every run to complete" }).catch(() => undefined);
    await sb.waitFor(() => Date.now() - Math.max(0, ...githubWrites(sb.requests).map((r) => r.at)) > QUIET_MS, { timeoutMs: 90_000, intervalMs: 250 }).catch(() => undefined);
    await sb.idle();
    await relay.idle();

    const writes = githubWrites(sb.requests);
    const arrivals = writes.map(arrivedAt).sort((a, b) => a - b);
    const spanMs = arrivals.length > 1 ? arrivals[arrivals.length - 1]! - arrivals[0]! : Number.NaN;
    const perSecond = arrivals.length > 1 ? (arrivals.length - 1) / (spanMs / 1000) : Number.NaN;
    const most = mostInWindow(arrivals, 1000);
    // Timers fire late, never early: a write 1 s after one that went out a few ms late lands just inside its second.
    const mostWithSlack = mostInWindow(arrivals, 1000 - 50);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    const closest = gaps.length > 0 ? Math.min(...gaps) : Number.NaN;

    const answered = relay.log.filter((d) => d.ms !== undefined);
    const latencies = answered.map((d) => d.ms!).sort((a, b) => a - b);
    const late = answered.filter((d) => d.ms! > GITHUB_TIMEOUT_MS || d.status === null || d.status >= 300).length;
    // @octokit/webhooks answers 202 "still processing" when the handlers take over 9 s; they go on after it.
    const stillProcessing = answered.filter((d) => d.status === 202).length;
    const byReplica = replicas.map((r) => relay!.log.filter((d) => d.target === r.webhookUrl).length);

    const stored = await storedHunts(sql);
    const runs = await storedRuns(sql);
    const doubles = doubleDispatches(sb, runs);
    const outcomes = issues.map((issue) => {
      const comment = huntComment(sb, issue);
      const result = parseResultMarker(comment?.body ?? "");
      const hunt = stored.find((h) => h.issueNumber === issue);
      const rounds = hunt ? Math.max(0, ...runs.filter((r) => r.huntId === hunt.id).map((r) => r.round)) : 0;
      const edits = comment ? sb.requests.filter((r) => r.route === EDIT_COMMENT && r.path.endsWith(`/issues/comments/${comment.id}`)).length : 0;
      return { issue, state: findState(comment?.body ?? ""), named: result?.firstBad ?? null, rounds, edits };
    });
    const right = outcomes.filter((o) => o.state === "found" && o.named === sb.firstBad.tag).length;
    const edits = outcomes.map((o) => o.edits);
    const rounds = outcomes.reduce((sum, o) => sum + o.rounds, 0);
    const overBudget = outcomes.filter((o) => o.edits > o.rounds + 1).length;
    const errors = replicas.flatMap((r) => r.logs().filter((line) => line.level >= 50)).length;
    const p99 = quantile(latencies, 0.99);
    const byRoute = new Map<string, number>();
    for (const w of writes) byRoute.set(w.route, (byRoute.get(w.route) ?? 0) + 1);
    options.log(`  ${writes.length} writes in ${seconds(spanMs)} (${fixed(perSecond, 2)}/s, most in 1 s ${most}), webhook p50 ${fixed(quantile(latencies, 0.5), 0)} ms, p99 ${fixed(p99, 0)} ms`);

    const table: Table = {
      title: "3d. Busy installation: 20 auto-pilot hunts at once in one installation, two replicas on one Postgres, writes paced at 1 s",
      head: [
        "hunts",
        "found the first bad",
        "wall time",
        "GitHub writes",
        "writes / s",
        "most writes in 1 s",
        "closest writes",
        "webhooks (A / B)",
        "webhook p50",
        "webhook p99",
        "webhook max",
        "202 at 9 s",
        "over 10 s or failed",
        "double dispatches",
        "edits / hunt (max)",
        "edits / round",
        "error lines",
      ],
      rows: [
        [
          String(hunts),
          `${right}/${hunts}`,
          seconds(wallMs),
          integer(writes.length),
          fixed(perSecond, 2),
          `${most} (${mostWithSlack} with 50 ms slack)`,
          `${fixed(closest, 0)} ms`,
          `${integer(answered.length)} (${byReplica.join(" / ")})`,
          `${fixed(quantile(latencies, 0.5), 0)} ms`,
          `${fixed(p99, 0)} ms`,
          `${fixed(latencies[latencies.length - 1] ?? Number.NaN, 0)} ms`,
          String(stillProcessing),
          String(late),
          String(doubles.length),
          `${fixed(edits.reduce((a, b) => a + b, 0) / Math.max(1, hunts), 1)} (${Math.max(0, ...edits)})`,
          fixed(edits.reduce((a, b) => a + b, 0) / Math.max(1, rounds), 2),
          String(errors),
        ],
      ],
      left: [],
      notes: [
        `Two Locate processes (node src/main.ts) on one Postgres database, LOCATE_WRITE_INTERVAL_MS=${WRITE_INTERVAL_MS} (GitHub's one second), the other settings at their defaults; the sandbox (one installation, ${TAGS} tags, runs of 1–3 s) delivers each webhook to one replica chosen at random by a relay in front of both. ${hunts} issues get \`/locate good..bad auto\` one after the other, with no wait: ranges of ${RANGE_TAGS} tags, each holding the hidden first bad ${sb.firstBad.tag} at another place.`,
        `Wall time: from the first command to the last hunt's answer (deadline ${seconds(DEADLINE_MS)}). GitHub writes: every POST, PATCH, PUT and DELETE the sandbox received but installation tokens and GraphQL queries, until ${seconds(QUIET_MS)} passed without one (${[...byRoute.entries()].map(([route, n]) => `${route.replace("/repos/{owner}/{repo}", "")} ${n}`).join(", ")}).`,
        "`writes / s`: writes after the first over the time from the first to the last, by arrival at the sandbox. `most writes in 1 s`: the most that arrived within one second of each other (with 50 ms slack: within 950 ms, as a timer that fires a little late lets the next write land just inside its second); `closest writes`: the shortest gap between two.",
        "Webhook latency is measured at the relay, next to the replicas: from forwarding a delivery to the replica's answer, which Probot sends once every handler has finished, or after 9 s with a 202 (still processing) while the handlers go on (`202 at 9 s`: latencies stop there); `over 10 s or failed` counts the deliveries GitHub would have marked failed. Double dispatches: a token dispatched twice, more runs in a round or in flight than `parallel` (the replicas test's check). Edits: PATCHes of each hunt comment in the sandbox's request log; rounds are the app's own numbering.",
      ],
    };
    const fastWebhooks = p99 < 1000;
    const allFound = right === hunts && doubles.length === 0;
    const polite = mostWithSlack <= 1;
    const targets: TargetResult[] = [
      {
        target: "busy installation (20 hunts, two replicas, writes at 1 s): webhook p99 < 1 s",
        measured: `p99 ${fixed(p99, 0)} ms, p50 ${fixed(quantile(latencies, 0.5), 0)} ms, ${stillProcessing} answered 202 at 9 s, ${late} over 10 s or failed, of ${answered.length}`,
        met: fastWebhooks,
      },
      {
        target: "busy installation: every hunt finds its tag, no double dispatch",
        measured: `${right}/${hunts} found in ${seconds(wallMs)}, ${doubles.length} double dispatches`,
        met: allFound,
      },
      {
        target: "busy installation: ≤ 1 GitHub write per second for the installation (most in any 1 s, 50 ms slack)",
        measured: `most ${mostWithSlack} in 1 s (${most} strictly), mean ${fixed(perSecond, 2)}/s, ${writes.length} writes`,
        met: polite,
      },
    ];
    targets.push({
      target: "busy installation: hunt comment edits ≤ 1 per round plus the answer",
      measured: `${overBudget} of ${hunts} hunts over; ${fixed(edits.reduce((a, b) => a + b, 0) / Math.max(1, hunts), 1)} edits per hunt in ${fixed(rounds / Math.max(1, hunts), 1)} rounds`,
      met: overBudget === 0,
    });
    if (doubles.length > 0) options.log(`  double dispatches: ${doubles.slice(0, 5).join("; ")}`);
    return { tables: [table], targets };
  } finally {
    sb.setWebhookTarget(undefined);
    await relay?.close();
    for (const replica of replicas) await replica.stop();
    await sql.end({ timeout: 5 });
    await sb.close();
  }
}
