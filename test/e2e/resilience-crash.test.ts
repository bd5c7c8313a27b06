// Crash safety (§8 "Durable") with the real server process: Locate is killed with SIGKILL at an exact step of a hunt
// (the API proxy in front of the sandbox holds the request that marks the step), started again on the same Postgres
// database, and the hunt must end exactly as it would have without the crash: right answer, nothing dispatched twice,
// no verdict lost, one hunt comment.
import { describe, expect, it } from "vitest";
import type { LocateProcess } from "../helpers/locate-process.js";
import type { ProxiedRequest, ProxiedResponse } from "../helpers/relays.js";
import {
  type Rig,
  commentOutcome,
  doubleDispatches,
  errorLines,
  expectedAnswer,
  huntComments,
  lostVerdicts,
  expectNotifiedOnce,
  replies,
  startRig,
  storedHunts,
  storedRuns,
} from "../helpers/resilience.js";

const TAGS = 16;
/** The restarted process reconciles every second and treats a dispatch unconfirmed after 2 s as interrupted. */
const APP_ENV = { LOCATE_RECONCILE_SECONDS: "1", LOCATE_DISPATCH_GRACE_SECONDS: "2" };
const KILL_WAIT_MS = 20_000;

/**
 * Kills `locate` (SIGKILL) when a request matching `match` reaches the proxy: before it goes to GitHub ("before"), or
 * after GitHub answered but before Locate hears the answer ("after"). The request or answer is then lost with the process.
 */
function killWhen(
  rig: Rig,
  locate: LocateProcess,
  phase: "before" | "after",
  match: (req: ProxiedRequest, res?: ProxiedResponse) => boolean,
): Promise<ProxiedRequest> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      rig.proxy[phase] = undefined;
      reject(new Error(`the request to kill Locate at (${phase} it reaches GitHub) never came within ${KILL_WAIT_MS} ms`));
    }, KILL_WAIT_MS);
    const hook = async (req: ProxiedRequest, res?: ProxiedResponse) => {
      if (!match(req, res)) return "forward" as const;
      rig.proxy[phase] = undefined;
      clearTimeout(timer);
      const exit = await locate.kill();
      expect(exit.signal).toBe("SIGKILL");
      resolve(req);
      return "drop" as const;
    };
    rig.proxy[phase] = hook;
  });
}

const isDispatch = (req: ProxiedRequest) => req.method === "POST" && /\/actions\/workflows\/[^/]+\/dispatches$/.test(req.path);
const isCommentEdit = (req: ProxiedRequest) => req.method === "PATCH" && /\/issues\/comments\/\d+$/.test(req.path);

async function openHunt(rig: Rig, command: string): Promise<{ issue: number; commandDelivery: string }> {
  const issue = await rig.sb.openIssue({ user: "alice", title: "Regression somewhere in the releases" });
  await rig.sb.postComment({ issue, user: "alice", body: command });
  const delivery = rig.sb.deliveries.findLast((d) => d.event === "issue_comment" && d.action === "created");
  return { issue, commandDelivery: delivery!.id };
}

/** Waits for the issue's hunt comment to name an answer, then for every run and webhook to settle. */
async function waitForFound(rig: Rig, issue: number, timeoutMs = 30_000): Promise<string> {
  const body = await rig.sb
    .waitFor(
      () => {
        const comment = huntComments(rig.sb, issue)[0];
        return comment && commentOutcome(comment.body).state === "found" && comment.body;
      },
      { timeoutMs, message: "the restarted Locate to finish the hunt and show it found" },
    )
    .catch(async (error: unknown) => {
      const [hunt] = await storedHunts(rig.sql);
      const runs = await storedRuns(rig.sql);
      const shown = commentOutcome(huntComments(rig.sb, issue)[0]?.body ?? "").state;
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\nstored: hunt ${hunt?.state ?? "none"}, round ${hunt?.round}; ` +
          `runs ${runs.map((r) => `${r.position}/${r.round}:${r.status}`).join(" ")}; the comment says ${shown ?? "nothing"}; ` +
          `GitHub runs not completed in the store: ${lostVerdicts(rig.sb, runs).length}`,
      );
    });
  await rig.sb.waitFor(() => rig.sb.runs.every((run) => run.status === "completed"), { timeoutMs: 10_000, message: "every run to complete" });
  await rig.sb.idle();
  return body;
}

/** The §8 promise after a crash: the right answer, one comment, nothing twice, nothing lost, no error note. */
async function expectCarriedOn(rig: Rig, issue: number, body: string, restarted: LocateProcess): Promise<void> {
  const expected = expectedAnswer(rig.sb);
  expect(commentOutcome(body)).toEqual({ state: "found", ...expected });
  const [hunt] = await storedHunts(rig.sql);
  expect(hunt?.state).toBe("found");
  expect(huntComments(rig.sb, issue)).toHaveLength(1);
  expect(replies(rig.sb, issue)).toEqual([]);
  // The notification waits in the outbox like every other write: a crash neither loses nor doubles it.
  await expectNotifiedOnce(rig.sb, issue);
  // Every verdict GitHub produced is stored, including those whose webhooks went to the dead process.
  await rig.sb.waitFor(async () => lostVerdicts(rig.sb, await storedRuns(rig.sql)).length === 0, {
    timeoutMs: 10_000,
    message: "every completed run's verdict stored",
  }).catch(() => undefined);
  const runs = await storedRuns(rig.sql);
  expect(lostVerdicts(rig.sb, runs)).toEqual([]);
  expect(doubleDispatches(rig.sb, runs)).toEqual([]);
  expect(errorLines(restarted)).toEqual([]);
}

describe("a crash mid-hunt, then a restart on the same database", () => {
  it("between storing the runs and dispatching them: the stored dispatches are made once after the restart", { timeout: 60_000 }, async () => {
    const rig = await startRig({ seed: 101, history: { tags: TAGS }, permissions: { alice: "maintain" }, appEnv: APP_ENV });
    const first = await rig.launch("locate before the crash");
    const killed = killWhen(rig, first, "before", isDispatch);
    const { issue } = await openHunt(rig, `/locate v0.1.0..v0.${TAGS}.0 auto`);
    await killed;

    // The runs were committed with their tokens before the call, and the call never reached GitHub.
    expect(rig.sb.runs).toHaveLength(0);
    const stranded = (await storedRuns(rig.sql)).filter((run) => run.status === "dispatching");
    expect(stranded.length).toBeGreaterThan(0);

    const second = await rig.launch("locate after the restart");
    const body = await waitForFound(rig, issue);
    await expectCarriedOn(rig, issue, body, second);
    // They waited in the outbox: the restarted process (once the dead one's claim ran out) made each of them, once.
    const after = await storedRuns(rig.sql);
    for (const run of stranded) {
      const now = after.find((row) => row.id === run.id);
      expect(now?.status).toBe("completed");
      expect(rig.sb.runs.filter((r) => r.inputs.locate_id === run.token)).toHaveLength(1);
    }
  });

  it("after GitHub accepted a dispatch but before Locate heard back: the run is found by its token, not dispatched again", { timeout: 60_000 }, async () => {
    const rig = await startRig({ seed: 202, history: { tags: TAGS }, permissions: { alice: "maintain" }, appEnv: APP_ENV });
    const first = await rig.launch("locate before the crash");
    const killed = killWhen(rig, first, "after", (req, res) => isDispatch(req) && res?.status === 200);
    const { issue } = await openHunt(rig, `/locate v0.1.0..v0.${TAGS}.0 auto`);
    await killed;

    expect(rig.sb.runs).toHaveLength(1);
    const accepted = rig.sb.runs[0]!;
    const second = await rig.launch("locate after the restart");
    const body = await waitForFound(rig, issue);
    await expectCarriedOn(rig, issue, body, second);
    // The run GitHub accepted is the one stored for its token (its webhooks went to the dead process: found by polling).
    const row = (await storedRuns(rig.sql)).find((run) => run.token === accepted.inputs.locate_id);
    expect(row).toMatchObject({ runId: accepted.id, status: "completed", conclusion: accepted.conclusion });
  });

  it("between a verdict and the comment edit mid-hunt: the next process catches the comment up and finishes", { timeout: 60_000 }, async () => {
    const rig = await startRig({ seed: 303, history: { tags: TAGS }, permissions: { alice: "maintain" }, appEnv: APP_ENV });
    const first = await rig.launch("locate before the crash");
    const verdictsIn = (body: string) => (body.match(/✅ good|❌ bad/g) ?? []).length;
    // The first edit that brings a verdict onto the comment, mid-hunt: the verdict is committed, the edit is lost.
    const killed = killWhen(rig, first, "before", (req) => {
      if (!isCommentEdit(req)) return false;
      const body = (JSON.parse(req.body) as { body: string }).body;
      return verdictsIn(body) > 0 && commentOutcome(body).state === "searching";
    });
    const { issue } = await openHunt(rig, `/locate v0.1.0..v0.${TAGS}.0 auto`);
    await killed;
    const before = huntComments(rig.sb, issue)[0]!.body;

    const second = await rig.launch("locate after the restart");
    const body = await waitForFound(rig, issue);
    expect(body).not.toBe(before);
    await expectCarriedOn(rig, issue, body, second);
  });

  it("between the verdict that decides the hunt and the comment edit that says so: the comment shows the answer", { timeout: 60_000 }, async () => {
    const rig = await startRig({ seed: 404, history: { tags: TAGS }, permissions: { alice: "maintain" }, appEnv: APP_ENV });
    const first = await rig.launch("locate before the crash");
    const killed = killWhen(rig, first, "before", (req) => isCommentEdit(req) && req.body.includes("<!-- locate:state:found -->"));
    const { issue } = await openHunt(rig, `/locate v0.1.0..v0.${TAGS}.0 auto`);
    await killed;

    // The answer is committed; GitHub still shows the hunt searching.
    expect((await storedHunts(rig.sql))[0]?.state).toBe("found");
    expect(commentOutcome(huntComments(rig.sb, issue)[0]!.body).state).toBe("searching");

    const second = await rig.launch("locate after the restart");
    const body = await waitForFound(rig, issue, 15_000);
    await expectCarriedOn(rig, issue, body, second);
  });

  it("between the last verdict and naming the answer: the restarted process declares it", { timeout: 60_000 }, async () => {
    const rig = await startRig({ seed: 505, history: { tags: TAGS }, permissions: { alice: "maintain" }, appEnv: APP_ENV });
    const first = await rig.launch("locate before the crash");
    // The compare call that fetches the commits of the answer: the hunt's start made the only other one, before any run.
    const killed = killWhen(rig, first, "before", (req) => req.method === "GET" && req.path.includes("/compare/") && rig.sb.runs.length > 0);
    const { issue } = await openHunt(rig, `/locate v0.1.0..v0.${TAGS}.0 auto`);
    await killed;
    expect((await storedHunts(rig.sql))[0]?.state).toBe("searching");

    const second = await rig.launch("locate after the restart");
    const body = await waitForFound(rig, issue);
    await expectCarriedOn(rig, issue, body, second);
  });

  it("while handling a command: GitHub's redelivery of the failed delivery runs it", { timeout: 60_000 }, async () => {
    const rig = await startRig({ seed: 606, history: { tags: TAGS }, permissions: { alice: "maintain" }, appEnv: APP_ENV });
    const first = await rig.launch("locate before the crash");
    // Reading the tags (over GraphQL, or REST where GraphQL is not used) is the start command's first step after its
    // delivery was claimed.
    const killed = killWhen(rig, first, "before", (req) => (req.method === "POST" && req.path === "/api/graphql") || (req.method === "GET" && /\/repos\/[^/]+\/[^/]+\/tags/.test(req.path)));
    const { issue, commandDelivery } = await openHunt(rig, `/locate v0.1.0..v0.${TAGS}.0 auto`);
    await killed;
    await rig.sb.idle();
    // GitHub saw the delivery fail (the connection died with the process) …
    expect(rig.sb.deliveries.find((d) => d.id === commandDelivery)?.outcome).toBe("failed");
    expect(await storedHunts(rig.sql)).toEqual([]);

    // … and its "Redeliver" (by hand or by a script for failed deliveries) sends it again once Locate is back.
    const second = await rig.launch("locate after the restart");
    const redelivery = rig.sb.redeliver(commandDelivery);
    await rig.sb.idle();
    expect(redelivery.outcome).toBe("delivered");
    const body = await rig.sb
      .waitFor(() => huntComments(rig.sb, issue)[0]?.body, { timeoutMs: 10_000, message: "the redelivered command to start the hunt" })
      .catch((error: unknown) => {
        const ignored = second.logs().some((line) => line.msg === "delivery already handled; ignoring the redelivery");
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}\n` +
            (ignored ? "Locate answered the redelivery as a duplicate: the dead process's claim on the delivery id is still held." : ""),
        );
      });
    expect(commentOutcome(body).state).not.toBeNull();
    expect(await storedHunts(rig.sql)).toHaveLength(1);
  });
});
