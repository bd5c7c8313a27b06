// Two Locate replicas on one Postgres database (§8 "Serialized per hunt", "Idempotent", "Order-free"): a burst of well
// over a thousand deliveries for many hunts, spread at random over both processes by a relay, with duplicates under
// the same id (some sent to both replicas at the same moment), copies under new ids, shuffled order, and people
// ticking candidates while verdicts arrive. Every hunt must end exactly as a single process would end it, with no
// run dispatched twice and no delivery or verdict lost.
import { describe, expect, it, onTestFinished } from "vitest";
import { findState } from "../../src/render/markers.js";
import { toggleTask } from "../../src/sandbox/index.js";
import { encodeMarkerName } from "../../src/render/escape.js";
import { prng } from "../../src/sandbox/prng.js";
import { startWebhookRelay } from "../helpers/relays.js";
import {
  commentOutcome,
  doubleDispatches,
  errorLines,
  eventCount,
  expectedAnswer,
  huntComments,
  lostVerdicts,
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

function percentiles(values: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("two replicas on one Postgres server", () => {
  it("handle a shuffled, duplicated burst of deliveries for many hunts exactly as one process would", { timeout: 150_000 }, async () => {
    console.info(`[replicas] seed ${SEED} (LOCATE_REPLICAS_SEED to replay)`);
    const started = Date.now();
    const rand = prng(SEED);
    const rig = await startRig({
      seed: SEED,
      history: { tags: TAGS },
      permissions: { alice: "maintain", bob: "write" },
      duplicateRate: 0.3,
      shuffleWindowMs: 40,
      // The reconciler of both replicas polls runs in flight while their webhooks race it.
      appEnv: { LOCATE_RECONCILE_SECONDS: process.env.LOCATE_REPLICAS_RECONCILE ?? "3" },
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

    // Many hunts on many issues, each over its own range around the hidden first bad; half on auto-pilot from the start.
    const hunts: Array<{ issue: number; auto: boolean; range: string }> = [];
    await Promise.all(
      Array.from({ length: HUNTS }, async (_, i) => {
        const good = names[rand.int(0, firstBadAt - 1)]!;
        const bad = names[rand.int(firstBadAt, names.length - 1)]!;
        const auto = i % 2 === 0;
        const range = `${good}..${bad}`;
        const issue = await sb.openIssue({ user: "alice", title: `Regression ${i}` });
        hunts.push({ issue, auto, range });
        await sb.postComment({ issue, user: "alice", body: `/locate ${range}${auto ? " auto" : ""}` });
      }),
    );

    // People tick the suggested picks of the manual hunts as soon as they appear, while earlier runs still report;
    // sometimes a second maintainer ticks one again in another edit, and one hunt is switched to auto-pilot midway.
    const ticked = new Map<number, string>();
    let ticking = true;
    const drivers = hunts
      .filter((h) => !h.auto)
      .map(async (hunt, index) => {
        let edits = 0;
        while (ticking) {
          await sleep(rand.int(20, 80));
          const comment = huntComments(sb, hunt.issue)[0];
          if (!comment || findState(comment.body) !== "searching") continue;
          const picks = suggestedPicks(comment.body);
          const key = picks.join(",");
          if (picks.length === 0 || ticked.get(hunt.issue) === key) continue;
          ticked.set(hunt.issue, key);
          let body = comment.body;
          for (const tag of picks) body = toggleTask(body, `locate:tag:${encodeMarkerName(tag)}`, true) ?? body;
          if (index === 0 && ++edits === 2) body = toggleTask(body, "locate:auto", true) ?? body;
          await sb.editComment({ commentId: comment.id, user: "alice", body });
          if (rand.chance(0.3)) await sb.tick({ commentId: comment.id, user: "bob", tag: picks[0]!, force: true }).catch(() => false);
        }
      });

    const allFound = async () => {
      const stored = await storedHunts(rig.sql);
      return stored.length === HUNTS && stored.every((h) => h.state === "found") && hunts.every((h) => commentOutcome(huntComments(sb, h.issue)[0]?.body ?? "").state === "found");
    };
    try {
      await sb.waitFor(allFound, { timeoutMs: 90_000, intervalMs: 200, message: "every hunt found on both replicas' watch" });
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

    // Same answer as one process (and as the hidden truth) for every hunt; one hunt comment each, no error notes.
    const stored = await storedHunts(rig.sql);
    for (const hunt of hunts) {
      const comments = huntComments(sb, hunt.issue);
      expect(comments, `hunt comments on issue ${hunt.issue}`).toHaveLength(1);
      expect(commentOutcome(comments[0]!.body), `issue ${hunt.issue} (${hunt.range})`).toEqual({ state: "found", ...answer });
      // The one reply allowed: the start command seen again under a new delivery id is a second `/locate a..b` to
      // Locate, refused because the hunt it started is active (reported: the hunt could remember its command's comment).
      const commandCopies = relay.log.filter(
        (d) => d.kind === "new-id" && d.event === "issue_comment" && d.action === "created" && (d.payload.issue as { number: number }).number === hunt.issue,
      ).length;
      expect(replies(sb, hunt.issue).filter((text) => !(commandCopies > 0 && text.startsWith(ALREADY_ACTIVE))), `replies on issue ${hunt.issue}`).toEqual([]);
      const row = stored.find((h) => h.issueNumber === hunt.issue);
      expect(row?.state).toBe("found");
      expect(await eventCount(rig.sql, row!.id, "found"), `found events of hunt ${row!.id}`).toBe(1);
    }

    // Nothing twice: each stored run dispatched once, each version once per round of its hunt.
    const runs = await storedRuns(rig.sql);
    const doubles = doubleDispatches(sb, runs);
    // Nothing lost: every delivery was accepted (2xx) by whichever replica got it, and every verdict is stored.
    const refused = [
      ...sb.deliveries.filter((d) => d.outcome !== "delivered" || (d.status ?? 0) >= 300).map((d) => `sandbox ${d.event}.${d.action ?? ""} ${d.id} ${d.outcome} ${d.status ?? d.error}`),
      ...relay.log.filter((d) => d.status === null || d.status >= 300).map((d) => `relay ${d.kind} ${d.event}.${d.action ?? ""} ${d.id} → ${d.status ?? d.error}`),
    ];
    const lost = lostVerdicts(sb, runs);
    const claims = await rig.sql`select count(*)::int as n, count(*) filter (where not done)::int as open from deliveries`;
    const received = new Set(relay.log.map((d) => d.id));

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
      lost: refused.length + lost.length,
      deliveryMs: percentiles(sb.deliveries.filter((d) => d.outcome !== "pending").map((d) => d.ms)),
      stillProcessing202: relay.log.filter((d) => d.status === 202).length,
    };
    console.info(`[replicas] seed ${SEED}: ${JSON.stringify(figures)}`);

    expect(figures.deliveries + figures.sentToBothReplicas + figures.newIdCopies).toBeGreaterThanOrEqual(1000);
    expect(figures.receivedByA).toBeGreaterThan(100);
    expect(figures.receivedByB).toBeGreaterThan(100);
    expect(doubles).toEqual([]);
    expect(refused).toEqual([]);
    expect(lost).toEqual([]);
    // Every delivery id the replicas saw was claimed once and finished.
    expect(claims[0]).toEqual({ n: received.size, open: 0 });
    expect(errorLines(a!)).toEqual([]);
    expect(errorLines(b!)).toEqual([]);
  });
});
