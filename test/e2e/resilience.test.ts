// Idempotent and order-free (§8) with the real server on Postgres: every webhook twice (same delivery id, and again
// under a new one) and shuffled; `completed` without `requested`; run webhooks lost altogether (the reconciler polls);
// and a tick that arrives before Locate has stored which comment is the hunt's.
import { describe, expect, it, onTestFinished } from "vitest";
import { findState } from "../../src/render/markers.js";
import type { Sandbox } from "../../src/sandbox/index.js";
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
import { isOffered, suggestedPicks } from "./harness.js";

const ALREADY_ACTIVE = "A hunt is already running on this issue.";

async function relayTo(rig: Rig, targets: string[], options: Omit<Parameters<typeof startWebhookRelay>[0], "targets">): Promise<WebhookRelay> {
  const relay = await startWebhookRelay({ targets, ...options });
  onTestFinished(() => relay.close());
  rig.sb.setWebhookTarget(relay.url);
  return relay;
}

async function openHunt(sb: Sandbox, command: string): Promise<number> {
  const issue = await sb.openIssue({ user: "alice", title: "Regression somewhere in the releases" });
  await sb.postComment({ issue, user: "alice", body: command });
  return issue;
}

async function waitForAllFound(rig: Rig, issues: readonly number[], timeoutMs = 30_000): Promise<void> {
  await rig.sb.waitFor(() => issues.every((issue) => commentOutcome(huntComments(rig.sb, issue)[0]?.body ?? "").state === "found"), {
    timeoutMs,
    message: "every hunt comment to show the answer",
  });
  await rig.sb.waitFor(() => rig.sb.runs.every((run) => run.status === "completed"), { timeoutMs: 10_000, message: "every run to complete" });
  await rig.sb.idle();
  await rig.sb.waitFor(() => issues.every((issue) => !/⏳ queued|🏃 running/.test(huntComments(rig.sb, issue)[0]?.body ?? "")), {
    timeoutMs: 10_000,
    message: "every verdict shown",
  });
}

/** The hidden answer in every comment; nothing dispatched twice; every verdict GitHub produced stored once. */
async function expectExactlyOnce(rig: Rig, issues: readonly number[]): Promise<void> {
  const answer = expectedAnswer(rig.sb);
  const stored = await storedHunts(rig.sql);
  expect(stored).toHaveLength(issues.length);
  for (const issue of issues) {
    const comments = huntComments(rig.sb, issue);
    expect(comments, `hunt comments on issue ${issue}`).toHaveLength(1);
    expect(commentOutcome(comments[0]!.body)).toEqual({ state: "found", ...answer });
    const hunt = stored.find((h) => h.issueNumber === issue)!;
    expect(hunt.state).toBe("found");
    expect(await eventCount(rig.sql, hunt.id, "found"), "the answer is declared once").toBe(1);
    await expectNotifiedOnce(rig.sb, issue);
  }
  const runs = await storedRuns(rig.sql);
  expect(doubleDispatches(rig.sb, runs)).toEqual([]);
  expect(lostVerdicts(rig.sb, runs)).toEqual([]);
  // One verdict per GitHub run: no stored run counts a verdict GitHub never gave.
  const ciVerdicts = runs.filter((run) => run.token !== null && run.status === "completed");
  expect(ciVerdicts).toHaveLength(rig.sb.runs.length);
}

describe("every webhook more than once, in any order", () => {
  it("delivered twice under one id, again under a new id, and shuffled: each run dispatched once, one verdict per run", { timeout: 60_000 }, async () => {
    const seed = 8128;
    const rig = await startRig({ seed, history: { tags: 40 }, permissions: { alice: "maintain" }, duplicateRate: 1, shuffleWindowMs: 150 });
    const locate = await rig.launch("locate", { webhooks: false });
    const relay = await relayTo(rig, [locate.webhookUrl], { seed, newIdRate: 1 });
    const { sb } = rig;
    const first = sb.tags[0]!.name;
    const last = sb.tags.at(-1)!.name;

    const auto = await openHunt(sb, `/locate ${first}..${last} auto`);
    const manual = await openHunt(sb, `/locate ${first}..${last} parallel=2`);
    // The manual hunt: tick the picks as they are offered, while verdicts (and their copies) keep arriving.
    const commentId = (await sb.waitFor(() => huntComments(sb, manual)[0], { timeoutMs: 15_000, message: "the manual hunt's comment" })).id;
    await sb.waitFor(
      async () => {
        const body = huntComments(sb, manual)[0]?.body ?? "";
        if (findState(body) !== "searching") return true;
        for (const tag of suggestedPicks(body)) if (isOffered(body, tag)) await sb.tick({ commentId, user: "alice", tag });
        return false;
      },
      { timeoutMs: 30_000, intervalMs: 100, message: "the manual hunt to end" },
    );
    await waitForAllFound(rig, [auto, manual]);
    await relay.idle();

    await expectExactlyOnce(rig, [auto, manual]);
    const copies = relay.log.filter((d) => d.kind === "new-id").length;
    console.info(`[resilience] seed ${seed}: ${sb.deliveries.length} deliveries, ${sb.deliveries.filter((d) => d.duplicate).length} same-id duplicates, ${copies} new-id copies, ${sb.runs.length} runs`);
    expect(sb.deliveries.filter((d) => d.duplicate).length).toBeGreaterThan(50);
    expect(copies).toBeGreaterThan(50);
    expect(sb.deliveries.filter((d) => d.outcome !== "delivered").map((d) => `${d.event}.${d.action} ${d.status ?? d.error}`)).toEqual([]);
    expect(relay.log.filter((d) => d.status !== 200).map((d) => `${d.kind} ${d.event}.${d.action} ${d.status ?? d.error}`)).toEqual([]);
    // The start command seen again under a new id is a second `/locate a..b`: each copy is refused (no second hunt)
    // with a reply, which the person who typed one command sees (reported: the hunt could remember its comment).
    for (const issue of [auto, manual]) {
      const ids = new Set(
        relay.log.filter((d) => d.event === "issue_comment" && d.action === "created" && (d.payload.issue as { number: number }).number === issue && (d.payload.sender as { type: string }).type === "User").map((d) => d.id),
      );
      expect(replies(sb, issue)).toEqual([...ids].slice(1).map(() => expect.stringContaining(ALREADY_ACTIVE)));
    }
    expect(errorLines(locate)).toEqual([]);
  });

  it("a tick that arrives before Locate has stored the new comment's id still dispatches", { timeout: 60_000 }, async () => {
    const rig = await startRig({ seed: 9001, history: { tags: 20 }, permissions: { alice: "maintain" } });
    const locate = await rig.launch("locate");
    const { sb } = rig;
    let tickedTag: string | undefined;
    // GitHub has created the hunt comment; before Locate hears back (and stores its id), the maintainer ticks a pick
    // and that webhook is handled. Then the creation's answer reaches Locate.
    rig.proxy.after = async (req, res) => {
      if (req.method !== "POST" || !/\/issues\/\d+\/comments$/.test(req.path) || !req.body.includes("<!-- locate:hunt:")) return;
      rig.proxy.after = undefined;
      const comment = JSON.parse(res.body) as { id: number; body: string };
      tickedTag = suggestedPicks(comment.body)[0];
      await sb.tick({ commentId: comment.id, user: "alice", tag: tickedTag! });
      // The tick's webhook is on its way before Locate hears back. Its handler waits for the hunt's lock, which the
      // render creating the comment holds until the id is stored: so this cannot wait for the tick to be answered.
      await new Promise((resolve) => setTimeout(resolve, 500));
    };
    await openHunt(sb, `/locate ${sb.tags[0]!.name}..${sb.tags.at(-1)!.name}`);
    await sb.waitFor(() => tickedTag !== undefined && sb.deliveries.some((d) => d.event === "issue_comment" && d.action === "edited" && d.outcome === "delivered"), {
      timeoutMs: 15_000,
      message: "the early tick to be delivered",
    });
    const dispatched = await sb
      .waitFor(() => sb.runs.find((run) => run.inputs.tag === tickedTag), { timeoutMs: 5_000, message: `a run of the ticked ${tickedTag}` })
      .catch(() => undefined);
    const [hunt] = await storedHunts(rig.sql);
    expect(
      dispatched?.inputs.tag,
      `the tick of ${tickedTag} arrived while the hunt's comment id was not stored yet, and was dropped ` +
        `(hunt round ${hunt?.round}, ${sb.runs.length} runs)`,
    ).toBe(tickedTag);
    expect(errorLines(locate)).toEqual([]);
  });
});

describe("run webhooks missing", () => {
  it("`completed` without `requested` or `in_progress` is enough", { timeout: 60_000 }, async () => {
    const seed = 4242;
    // The reconciler stays out of the way: every verdict must come from a `completed` webhook.
    const rig = await startRig({ seed, history: { tags: 30 }, permissions: { alice: "maintain" }, appEnv: { LOCATE_RECONCILE_SECONDS: "600" } });
    const locate = await rig.launch("locate", { webhooks: false });
    const relay = await relayTo(rig, [locate.webhookUrl], { seed, drop: (event, payload) => event === "workflow_run" && payload.action !== "completed" });
    const { sb } = rig;
    const issue = await openHunt(sb, `/locate ${sb.tags[0]!.name}..${sb.tags.at(-1)!.name} auto`);
    await waitForAllFound(rig, [issue]);

    await expectExactlyOnce(rig, [issue]);
    expect(relay.dropped.filter((d) => d.event === "workflow_run")).toHaveLength(2 * sb.runs.length);
    expect(relay.log.filter((d) => d.event === "workflow_run").map((d) => d.action)).toEqual(sb.runs.map(() => "completed"));
    // Each run holds its link, from the dispatch answer or the `completed` payload.
    const urls = (await storedRuns(rig.sql)).filter((run) => run.token !== null).map((run) => run.url);
    expect(urls.sort()).toEqual(sb.runs.map((run) => `${sb.repo.htmlUrl}/actions/runs/${run.id}`).sort());
    expect(errorLines(locate)).toEqual([]);
  });

  it("no run webhook at all, on a server that returns no run ids: the reconciler finds each run by its token and applies it", { timeout: 60_000 }, async () => {
    const seed = 515;
    const rig = await startRig({
      seed,
      history: { tags: 30 },
      permissions: { alice: "maintain" },
      dispatchMode: "legacy",
      appEnv: { LOCATE_RECONCILE_SECONDS: "1" },
    });
    const locate = await rig.launch("locate", { webhooks: false });
    const relay = await relayTo(rig, [locate.webhookUrl], { seed, drop: (event) => event === "workflow_run" });
    const { sb } = rig;
    const issue = await openHunt(sb, `/locate ${sb.tags[0]!.name}..${sb.tags.at(-1)!.name} auto`);
    await waitForAllFound(rig, [issue], 45_000);

    await expectExactlyOnce(rig, [issue]);
    expect(relay.log.filter((d) => d.event === "workflow_run")).toEqual([]);
    expect(relay.dropped.filter((d) => d.event === "workflow_run")).toHaveLength(3 * sb.runs.length);
    expect(locate.logs().some((line) => line.msg === "reconciler applied missed run updates")).toBe(true);
    expect(errorLines(locate)).toEqual([]);
  });
});
