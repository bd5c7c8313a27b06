// Two Locate replicas on one Postgres database (§8 "Serialized per hunt", "Idempotent", "Order-free"): a burst of well
// over a thousand deliveries for many hunts, spread at random over both processes by a relay, with duplicates under
// the same id (some sent to both replicas at the same moment), copies under new ids, shuffled order, and people
// ticking candidates while verdicts arrive. Every hunt must end exactly as a single process would end it, with no
// run dispatched twice and no delivery or verdict lost.
import { readFileSync } from "node:fs";
import { describe, expect, it, onTestFinished } from "vitest";
import { commentConcernsLocate, issueConcernsLocate, workflowRunConcernsLocate } from "../../src/handlers/relevance.js";
import { findState } from "../../src/render/markers.js";
import { toggleTask } from "../../src/sandbox/index.js";
import { encodeMarkerName } from "../../src/render/escape.js";
import { prng, seedFrom } from "../../src/sandbox/prng.js";
import { type WebhookRelay, startWebhookRelay } from "../helpers/relays.js";
import {
  type Rig,
  commentOutcome,
  doubleDispatches,
  errorLines,
  eventCount,
  expectedAnswer,
  huntComments,
  lostVerdicts,
  expectNotifiedOnce,
  replies,
  startRig,
  storedHunts,
  storedRuns,
} from "../helpers/resilience.js";
import { suggestedPicks } from "./harness.js";

const ALREADY_ACTIVE = "A hunt is already running on this issue.";
const SEED = Number(process.env.LOCATE_REPLICAS_SEED ?? 7411);
const HUNTS = 18;
const TAGS = 48;
/** Hunts start this far apart: a sustained burst rather than one instant. */
const STAGGER_MS = 400;
/** How long a person looks at a new hunt comment before the first tick. */
const READING_MS = 500;
/** GitHub gives up on a delivery after 10 s. */
const GITHUB_TIMEOUT_MS = 10_000;

function percentiles(values: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

/** Mean handling time (ms) per event and how many deliveries took over 5 s, from a replica's /metrics histogram. */
function concernsLocate(event: string, payload: Record<string, unknown>): boolean {
  if (event === "issue_comment") return commentConcernsLocate(payload as Parameters<typeof commentConcernsLocate>[0]);
  if (event === "issues") return issueConcernsLocate(payload as Parameters<typeof issueConcernsLocate>[0]);
  if (event === "workflow_run") return workflowRunConcernsLocate(payload as Parameters<typeof workflowRunConcernsLocate>[0]);
  return false;
}

async function handlerTimes(url: string): Promise<Record<string, { n: number; meanMs: number; over5s: number }>> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const out: Record<string, { n: number; meanMs: number; over5s: number }> = {};
  for (const [, name, labelText, raw] of text.matchAll(/^(locate_handler_seconds_\w+)\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...labelText!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const entry = (out[labels.event ?? "?"] ??= { n: 0, meanMs: 0, over5s: 0 });
    const value = Number(raw);
    if (name === "locate_handler_seconds_count") entry.n = value;
    if (name === "locate_handler_seconds_sum") entry.meanMs = value * 1000;
    if (name === "locate_handler_seconds_bucket" && labels.le === "5") entry.over5s = -value;
  }
  for (const entry of Object.values(out)) {
    entry.meanMs = entry.n ? Math.round(entry.meanMs / entry.n) : 0;
    entry.over5s = entry.n + entry.over5s;
  }
  return out;
}

/** User + system CPU seconds a live process used so far (Linux /proc), or -1 where unavailable. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Math.round(((Number(fields[11]) + Number(fields[12])) / 100) * 10) / 10;
  } catch {
    return -1;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What each unfinished hunt holds, next to what GitHub (the sandbox) knows about its runs. */
async function describeUnfinished(rig: Rig, relay?: WebhookRelay): Promise<string> {
  const { sb } = rig;
  const storedNow = await storedHunts(rig.sql);
  const runsNow = await storedRuns(rig.sql);
  const out: string[] = [];
  for (const hunt of storedNow.filter((h) => h.state !== "found" || commentOutcome(huntComments(sb, h.issueNumber)[0]?.body ?? "").state !== "found")) {
    const own = runsNow.filter((r) => r.huntId === hunt.id);
    const lines = own.map((r) => {
      const remote = sb.runs.find((run) => run.inputs.locate_id === r.token);
      return `  row ${r.id} pos ${r.position} round ${r.round} ${r.status} ${r.verdict ?? "-"} run ${r.runId ?? "-"} | github: ${remote ? `${remote.id} ${remote.inputs.tag} ${remote.status} ${remote.conclusion}` : "none"}`;
    });
    const comment = huntComments(sb, hunt.issueNumber)[0];
    const [flags] = await rig.sql`select autopilot, comment_id, length(comment_body) as stored_body from hunts where id = ${hunt.id}`;
    const events = await rig.sql`select actor, action, detail, at from events where hunt_id = ${hunt.id} order by id`;
    const deliveries = sb.deliveries
      .filter((d) => (d.payload.issue as { number?: number } | undefined)?.number === hunt.issueNumber)
      .map((d) => {
        const copies = relay?.log.filter((r) => r.originalId === d.id).map((r) => `${r.kind}→${r.target.split(":")[2]?.split("/")[0]} ${r.status ?? r.error}`);
        const sender = (d.payload.sender as { login?: string } | undefined)?.login;
        return `  ${d.event}.${d.action ?? ""} by ${sender} ${d.id} ${d.outcome} ${d.status ?? d.error ?? ""}${d.duplicate ? " (dup)" : ""} [${copies?.join("; ") ?? ""}]`;
      });
    out.push(
      `hunt ${hunt.id} issue ${hunt.issueNumber} ${hunt.good}..${hunt.bad} ${hunt.state} round ${hunt.round} ${JSON.stringify(flags)}; comment ${comment ? `${comment.id} ${commentOutcome(comment.body).state}` : "none"}`,
      ...lines,
      `  events: ${events.map((e) => `${e.actor} ${e.action} ${JSON.stringify(e.detail)}`).join("; ")}`,
      ...deliveries,
      `  comment body:\n${comment?.body ?? ""}`,
    );
  }
  return out.join("\n");
}

describe("two replicas on one Postgres server", () => {
  it("handle a shuffled, duplicated burst of deliveries for many hunts exactly as one process would", { timeout: 150_000 }, async () => {
    console.info(`[replicas] seed ${SEED} (LOCATE_REPLICAS_SEED to replay)`);
    const started = Date.now();
    const rig = await startRig({
      seed: SEED,
      history: { tags: TAGS },
      permissions: { alice: "maintain", bob: "write" },
      duplicateRate: 0.4,
      shuffleWindowMs: 40,
      // The reconciler of both replicas polls runs in flight while their webhooks race it.
      appEnv: { LOCATE_RECONCILE_SECONDS: "5" },
    });
    const { sb } = rig;
    // Both start at once: migrations under the advisory lock.
    const [a, b] = await Promise.all([rig.launch("replica A", { webhooks: false }), rig.launch("replica B", { webhooks: false })]);
    const relay = await startWebhookRelay({ targets: [a!.webhookUrl, b!.webhookUrl], seed: SEED ^ 0x5eed, fanOutRate: 0.1, newIdRate: 0.1 });
    onTestFinished(() => relay.close());
    sb.setWebhookTarget(relay.url);
    const answer = expectedAnswer(sb);
    const names = sb.tags.map((t) => t.name);
    const firstBadAt = names.indexOf(answer.firstBad);

    // Many hunts on many issues, each over its own range around the hidden first bad, started a little apart; half on
    // auto-pilot from the start. People tick the suggested picks of the others whenever new ones appear, while earlier
    // runs still report; sometimes a second maintainer ticks one again in another edit, and one manual hunt is switched
    // to auto-pilot midway.
    const hunts: Array<{ issue: number; auto: boolean; range: string }> = [];
    let ticking = true;
    const tickLog: string[] = [];
    const drive = async (i: number) => {
      // One stream per hunt, so a hunt's range and ticks replay from the seed whatever the timing.
      const r = prng(seedFrom(SEED, "hunt", i));
      await sleep(i * STAGGER_MS);
      const good = names[r.int(0, firstBadAt - 1)]!;
      const bad = names[r.int(firstBadAt, names.length - 1)]!;
      const auto = i % 2 === 0;
      const range = `${good}..${bad}`;
      const issue = await sb.openIssue({ user: "alice", title: `Regression ${i}` });
      hunts.push({ issue, auto, range });
      await sb.postComment({ issue, user: "alice", body: `/locate ${range}${auto ? " auto" : ""}` });
      if (auto) return;
      let lastTicked = "";
      let firstSeen: number | undefined;
      let edits = 0;
      while (ticking) {
        await sleep(r.int(20, 80));
        const comment = huntComments(sb, issue)[0];
        if (!comment || findState(comment.body) !== "searching") continue;
        // A person reads the new comment before the first tick. (A tick within milliseconds of the comment's creation,
        // before Locate stored its id, is lost: resilience.test.ts covers that race on its own.)
        firstSeen ??= Date.now();
        if (Date.now() - firstSeen < READING_MS) continue;
        const picks = suggestedPicks(comment.body);
        // The same pick may be suggested again in a later round (a re-run where the evidence is thin).
        const key = `${/Round (\d+)/.exec(comment.body)?.[1] ?? 0}:${picks.join(",")}`;
        if (picks.length === 0 || key === lastTicked) continue;
        lastTicked = key;
        let body = comment.body;
        for (const tag of picks) body = toggleTask(body, `locate:tag:${encodeMarkerName(tag)}`, true) ?? body;
        if (i === 1 && ++edits === 2) body = toggleTask(body, "locate:auto", true) ?? body;
        tickLog.push(`issue ${issue} ${new Date().toISOString()} alice ticks ${picks.join(",")}`);
        await sb.editComment({ commentId: comment.id, user: "alice", body });
        if (r.chance(0.3)) await sb.tick({ commentId: comment.id, user: "bob", tag: picks[0]!, force: true }).catch(() => false);
      }
    };
    const drivers = Array.from({ length: HUNTS }, (_, i) => drive(i));

    const allFound = async () => {
      const stored = await storedHunts(rig.sql);
      return hunts.length === HUNTS && stored.length === HUNTS && stored.every((h) => h.state === "found") && hunts.every((h) => commentOutcome(huntComments(sb, h.issue)[0]?.body ?? "").state === "found");
    };
    try {
      await sb.waitFor(allFound, { timeoutMs: 90_000, intervalMs: 200, message: "every hunt found on both replicas' watch" });
    } catch (error) {
      console.error(`[replicas] unfinished hunts:\n${await describeUnfinished(rig, relay)}\nticks:\n${tickLog.join("\n")}`);
      throw error;
    } finally {
      ticking = false;
      await Promise.all(drivers);
    }
    await sb.waitFor(() => sb.runs.every((run) => run.status === "completed"), { timeoutMs: 15_000, message: "every run to complete" });
    await sb.idle();
    await relay.idle();
    // The last verdicts of runs still in flight when a hunt was found get rendered too.
    await sb.waitFor(() => hunts.every((h) => !/⏳ queued|🏃 running/.test(huntComments(sb, h.issue)[0]?.body ?? "")), {
      timeoutMs: 15_000,
      message: "every comment to show every verdict",
    });
    const elapsed = Date.now() - started;
    const handled = { replicaA: await handlerTimes(a!.url), replicaB: await handlerTimes(b!.url) };
    const cpu = { replicaA: cpuSeconds(a!.pid), replicaB: cpuSeconds(b!.pid), testProcess: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e5) / 10 };

    // Nothing twice: each stored run dispatched once, each version once per round of its hunt.
    const runs = await storedRuns(rig.sql);
    const doubles = doubleDispatches(sb, runs);
    // Nothing lost: every delivery was answered 2xx by the replica that got it, within GitHub's 10 s (measured at the
    // relay, next to the apps: the sandbox's own clock also counts the relay's hop, which a loaded test process slows),
    // and every verdict is stored.
    const refused = [
      ...relay.log
        .filter((d) => d.status === null || d.status >= 300 || (d.ms ?? 0) > GITHUB_TIMEOUT_MS)
        .map((d) => `${d.kind} ${d.event}.${d.action ?? ""} ${d.id} → ${d.status ?? d.error} after ${d.ms} ms`),
      ...sb.deliveries
        .filter((d) => d.outcome !== "delivered" && !relay.log.some((r) => r.id === d.id && r.status !== null && r.status < 300 && (r.ms ?? 0) <= GITHUB_TIMEOUT_MS))
        .map((d) => `sandbox ${d.event}.${d.action ?? ""} ${d.id} ${d.outcome} after ${d.ms} ms: ${d.status ?? d.error}`),
    ];
    const lost = lostVerdicts(sb, runs);
    const claims = await rig.sql`select count(*)::int as n, count(*) filter (where not done)::int as open from deliveries`;
    // Deliveries that cannot concern Locate (its own comment edits, above all) are left before any query (issue 13).
    const received = new Set(relay.log.filter((d) => concernsLocate(d.event, d.payload)).map((d) => d.id));

    const figures = {
      seconds: Math.round(elapsed / 100) / 10,
      deliveries: sb.deliveries.length,
      sameIdDuplicates: sb.deliveries.filter((d) => d.duplicate).length,
      sentToBothReplicas: relay.log.filter((d) => d.kind === "fan-out").length,
      newIdCopies: relay.log.filter((d) => d.kind === "new-id").length,
      receivedByA: relay.log.filter((d) => d.target === a!.webhookUrl).length,
      receivedByB: relay.log.filter((d) => d.target === b!.webhookUrl).length,
      hunts: HUNTS,
      runs: sb.runs.length,
      doubleDispatches: doubles.length,
      lostDeliveries: refused.length,
      timedOutAtTheSandbox: sb.deliveries.filter((d) => /timeout/i.test(d.error ?? "")).length,
      appAnswerMs: percentiles(relay.log.map((d) => d.ms ?? 0)),
      lostVerdicts: lost.length,
      sandboxDeliveryMs: percentiles(sb.deliveries.filter((d) => d.outcome !== "pending").map((d) => d.ms)),
      cpuSeconds: cpu,
      stillProcessing202: relay.log.filter((d) => d.status === 202).length,
    };
    console.info(`[replicas] seed ${SEED}: ${JSON.stringify(figures)}`);
    console.info(`[replicas] handler time by event: ${JSON.stringify(handled)}`);

    // Same answer as one process (and as the hidden truth) for every hunt; one hunt comment each, no error notes.
    const stored = await storedHunts(rig.sql);
    for (const hunt of hunts) {
      const comments = huntComments(sb, hunt.issue);
      expect(comments, `hunt comments on issue ${hunt.issue}`).toHaveLength(1);
      expect(commentOutcome(comments[0]!.body), `issue ${hunt.issue} (${hunt.range})`).toEqual({ state: "found", ...answer });
      // The one reply allowed: the start command seen again under a new delivery id is a second `/locate a..b` to
      // Locate, refused because the hunt it started is active (reported: the hunt could remember its command's comment).
      const commandIds = new Set(
        relay.log
          .filter((d) => d.event === "issue_comment" && d.action === "created" && (d.payload.sender as { type: string }).type === "User")
          .filter((d) => (d.payload.issue as { number: number }).number === hunt.issue)
          .map((d) => d.id),
      );
      expect(replies(sb, hunt.issue), `replies on issue ${hunt.issue}`).toEqual([...commandIds].slice(1).map(() => expect.stringContaining(ALREADY_ACTIVE)));
      const row = stored.find((h) => h.issueNumber === hunt.issue);
      expect(row?.state).toBe("found");
      expect(await eventCount(rig.sql, row!.id, "found"), `found events of hunt ${row!.id}`).toBe(1);
      await expectNotifiedOnce(sb, hunt.issue);
    }

    expect(figures.deliveries + figures.sentToBothReplicas + figures.newIdCopies).toBeGreaterThanOrEqual(1000);
    expect(figures.receivedByA).toBeGreaterThan(100);
    expect(figures.receivedByB).toBeGreaterThan(100);
    expect(doubles).toEqual([]);
    expect(refused).toEqual([]);
    expect(lost).toEqual([]);
    // Every delivery id the replicas saw that concerns Locate was claimed once and finished.
    expect(claims[0]).toEqual({ n: received.size, open: 0 });
    expect(errorLines(a!)).toEqual([]);
    expect(errorLines(b!)).toEqual([]);
  });
});
