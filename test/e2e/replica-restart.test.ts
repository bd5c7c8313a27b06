// Issue 13, "a restart in the middle loses no comment update, reply or dispatch": two replicas on one Postgres server
// write at a real pace, so writes wait in the outbox; one replica is killed (SIGKILL) while they wait and comes back
// later. Every hunt must still end right, every command get its reply once, no run be dispatched twice, and the
// installation never see two writes closer than the pace.
import { describe, expect, it, onTestFinished } from "vitest";
import { startWebhookRelay } from "../helpers/relays.js";
import {
  commentOutcome,
  doubleDispatches,
  errorLines,
  expectNotifiedOnce,
  expectedAnswer,
  huntComments,
  lostVerdicts,
  replies,
  startRig,
  storedRuns,
} from "../helpers/resilience.js";

const HUNTS = 5;
const WRITE_INTERVAL_MS = 150;
const HELP = "🔎 Locate commands";

describe("two replicas writing at a pace, one killed while writes wait", () => {
  it("loses no dispatch, reply or comment update, and doubles none", { timeout: 120_000 }, async () => {
    const rig = await startRig({ seed: 1313, history: { tags: 24 }, permissions: { alice: "maintain" }, appEnv: { LOCATE_RECONCILE_SECONDS: "1", LOCATE_DISPATCH_GRACE_SECONDS: "2" } });
    const { sb } = rig;
    const a = await rig.launch("replica A", { webhooks: false, writeIntervalMs: WRITE_INTERVAL_MS });
    const b = await rig.launch("replica B", { webhooks: false, writeIntervalMs: WRITE_INTERVAL_MS });
    const relay = await startWebhookRelay({ targets: [a.webhookUrl, b.webhookUrl], seed: 1313 });
    onTestFinished(() => relay.close());
    sb.setWebhookTarget(relay.url);

    const issues: number[] = [];
    for (let i = 0; i < HUNTS; i++) {
      const issue = await sb.openIssue({ user: "alice", title: `Regression ${i + 1}` });
      issues.push(issue);
      await sb.postComment({ issue, user: "alice", body: `/locate ${sb.tags[0]!.name}..${sb.tags.at(-1)!.name} auto` });
      await sb.postComment({ issue, user: "alice", body: "/locate help" });
    }
    // Every command was answered (its effect stored); at this pace most of their writes still wait in the outbox.
    await sb.waitFor(() => relay.log.filter((d) => d.event === "issue_comment" && d.action === "created" && d.status === 200).length >= 2 * HUNTS, {
      timeoutMs: 15_000,
      message: "every command answered",
    });
    const waiting = (await rig.sql<{ n: number }[]>`select count(*)::int as n from github_writes`)[0]?.n ?? 0;
    relay.targets = [b.webhookUrl];
    await a.kill();

    // A while later the killed replica is back.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const again = await rig.launch("replica A again", { webhooks: false, writeIntervalMs: WRITE_INTERVAL_MS });
    relay.targets = [b.webhookUrl, again.webhookUrl];

    const answer = expectedAnswer(sb);
    await sb.waitFor(() => issues.every((issue) => commentOutcome(huntComments(sb, issue)[0]?.body ?? "").state === "found"), {
      timeoutMs: 90_000,
      intervalMs: 200,
      message: "every hunt found",
    });
    await sb.waitFor(() => sb.runs.every((run) => run.status === "completed"), { timeoutMs: 15_000, message: "every run to complete" });
    await sb.idle();

    expect(waiting, "writes waiting in the outbox when replica A died").toBeGreaterThan(0);
    const runs = await storedRuns(rig.sql);
    expect(doubleDispatches(sb, runs)).toEqual([]);
    expect(lostVerdicts(sb, runs)).toEqual([]);
    for (const issue of issues) {
      expect(huntComments(sb, issue), `hunt comments on issue ${issue}`).toHaveLength(1);
      expect(commentOutcome(huntComments(sb, issue)[0]!.body)).toEqual({ state: "found", ...answer });
      expect(replies(sb, issue).filter((body) => body.includes(HELP)), `help replies on issue ${issue}`).toHaveLength(1);
      await expectNotifiedOnce(sb, issue);
    }
    // One installation, two replicas and a restart: never two writes closer than the pace (a few ms of timer slack).
    const writes = sb.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/access_tokens") && !r.path.endsWith("/graphql")).map((r) => r.at).sort((x, y) => x - y);
    const gaps = writes.slice(1).map((at, i) => at - writes[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(WRITE_INTERVAL_MS - 20);
    expect(errorLines(b)).toEqual([]);
    expect(errorLines(again)).toEqual([]);
  });
});
