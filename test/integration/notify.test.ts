// Issue 14, telling people: one new comment mentioning the starter when a hunt ends (found, failed, cancelled, out of
// runs) or waits for a person (a manual round done, a contradiction), at most once per change across redeliveries,
// crashes and replicas; `notify: false` turns it off. Through probot.receive() against the nock GitHub.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { findLatestHunt } from "../../src/db/queries/hunts.js";
import { listNotifications } from "../../src/db/queries/notifications.js";
import { enqueueWrite } from "../../src/db/queries/writes.js";
import { githubWrites, notifications } from "../../src/db/schema.js";
import { useTestApp } from "../helpers/app.js";
import { type HuntDriver, huntOnNock } from "../helpers/hunt-driver.js";
import { type NockGitHub, closeExpectingAllMatched } from "../helpers/nock-github.js";
import { INSTALLATION_ID, REPO, workflowRun } from "../helpers/payloads.js";

const ctx = useTestApp();
let gh: NockGitHub;
let hunt: HuntDriver;

afterEach(() => closeExpectingAllMatched(gh));

function setUp(tags: number, firstBad: number, config?: string) {
  ({ gh, hunt } = huntOnNock(ctx.app, { tags, firstBad, roles: { alice: "write", bob: "write" }, config }));
}


const huntLink = () => `${REPO.htmlUrl}/issues/7#issuecomment-${gh.huntComment().id}`;

describe("when a hunt ends", () => {
  it("mentions the starter once, names the answer and links the hunt comment", async () => {
    setUp(8, 5);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0 auto");
    await hunt.runToTheEnd();
    expect(hunt.state()).toBe("found");
    const [note, ...more] = gh.notifications();
    expect(more).toEqual([]);
    expect(note).toMatch(/^@alice 🎯 The hunt found the first bad tag: `v1\.5\.0` \(last good `v1\.4\.0`, 99(\.\d+)? % sure\)\./);
    expect(note).toContain(`[See the hunt](${huntLink()})`);
    // Nothing else happened to the hunt while it ran on auto-pilot: no other notification.
    expect(gh.notifications()).toHaveLength(1);
  });

  it("stays at one when the deciding webhook is delivered again, under the same or a new delivery id, and on status", async () => {
    setUp(8, 5);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0 auto");
    await hunt.runToTheEnd();
    const last = gh.dispatches.at(-1)!;
    const displayTitle = `locate ${last.inputs.tag} [${last.inputs.locate_id}]`;
    const completed = workflowRun("completed", { id: last.runId, status: "completed", conclusion: gh.conclusionFor(last), displayTitle });
    await ctx.app.receive("workflow_run", completed, randomUUID());
    await hunt.comment("bob", "/locate status");
    expect(gh.notifications()).toHaveLength(1);
  });

  it("tells the starter, not the person who cancelled, that the hunt was cancelled", async () => {
    setUp(8, 5);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0");
    await hunt.comment("bob", "/locate cancel");
    expect(gh.notifications()).toEqual([expect.stringMatching(/^@alice 🚫 The hunt was cancelled\./)]);
  });

  it("says why when the hunt fails", async () => {
    setUp(8, 5);
    for (let t = 0; t < 8; t++) gh.forced.set(`v1.${t}.0`, Array.from({ length: 20 }, () => "success"));
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0 auto");
    await hunt.runToTheEnd();
    expect(hunt.state()).toBe("failed");
    expect(gh.notifications()).toEqual([expect.stringMatching(/^@alice 💥 The hunt stopped: .*bad end v1\.7\.0 passes/)]);
  });

  it("says so when the hunt runs out of runs", async () => {
    setUp(20, 15, "max-runs: 4\n");
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0 auto parallel=2");
    await hunt.runToTheEnd();
    expect(hunt.state()).toBe("paused");
    expect(gh.notifications()).toEqual([expect.stringMatching(/^@alice ⏸️ The hunt used its budget of 4 runs and is paused\./)]);
  });
});

describe("when a hunt waits for a person", () => {
  it("in manual mode, once per round whose runs all reported", async () => {
    setUp(20, 13);
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    expect(gh.notifications()).toEqual([]);
    await hunt.tick("alice", ["locate:tag:v1.5.0", "locate:tag:v1.10.0"]);
    await hunt.reportRuns({ only: (tag) => tag === "v1.5.0" });
    // One run of the round is still out: nobody needs to act yet.
    expect(gh.notifications()).toEqual([]);
    await hunt.reportRuns();
    expect(gh.notifications()).toEqual([expect.stringMatching(/^@alice 👉 The runs of round 1 are done: tick the next candidates/)]);
    await hunt.comment("alice", "/locate status");
    expect(gh.notifications()).toHaveLength(1);
    await hunt.tick("alice", ["locate:tag:v1.15.0"]);
    await hunt.reportRuns();
    expect(gh.notifications()).toHaveLength(2);
    expect(gh.notifications()[1]).toMatch(/round 2 are done/);
  });

  it("not after a verdict given by hand: that person is already there", async () => {
    setUp(20, 13);
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    await hunt.comment("alice", "/locate good v1.5.0");
    expect(gh.notifications()).toEqual([]);
  });

  it("when verdicts contradict each other", async () => {
    setUp(20, 6);
    await hunt.comment("alice", "/locate v1.0.0..v1.19.0");
    await hunt.comment("alice", "/locate bad v1.8.0");
    gh.forced.set("v1.12.0", ["success"]);
    await hunt.comment("alice", "/locate retry v1.12.0");
    await hunt.reportRuns();
    expect(gh.notifications()).toEqual([expect.stringMatching(/^@alice ⚠️ Verdicts contradict each other \(`v1\.12\.0` passed after an earlier tag failed\)/)]);
  });
});

describe("notify: false", () => {
  it("posts nothing", async () => {
    setUp(8, 5, "notify: false\n");
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0 auto");
    await hunt.runToTheEnd();
    expect(hunt.state()).toBe("found");
    expect(gh.notifications()).toEqual([]);
  });
});

describe("at most once across crashes and replicas", () => {
  it("a post interrupted after GitHub got it (the claim ran out) is found by its marker, not posted again", async () => {
    setUp(8, 5);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0");
    const row = (await findLatestHunt(ctx.store.db, REPO.id, 7))!;
    await hunt.comment("alice", "/locate cancel");
    expect(gh.notifications()).toHaveLength(1);
    // A process posted it and died before it could finish the write: the outbox row is back, its claim run out.
    const [sent] = await listNotifications(ctx.store.db, row.id);
    await ctx.store.db.update(notifications).set({ status: "pending", commentId: null });
    const body = [...gh.comments.values()].find((c) => c.body.includes("<!-- locate:notify:"))!.body;
    const marker = body.slice(body.indexOf("<!-- locate:notify:"));
    await enqueueWrite(ctx.store.db, { installationId: INSTALLATION_ID, huntId: row.id, request: { kind: "reply", repo: { owner: REPO.owner, repo: REPO.repo }, issueNumber: 7, body, notificationId: sent!.id, marker } });
    await ctx.store.db.update(githubWrites).set({ attempts: 1, claimedUntil: sql`now() - interval '1 second'` });
    await ctx.app.writes.drain();
    expect(gh.notifications()).toHaveLength(1);
    expect(await listNotifications(ctx.store.db, row.id)).toMatchObject([{ key: "cancelled", status: "sent", commentId: sent!.commentId }]);
  });

  it("a change notified before is not scheduled again by later events", async () => {
    setUp(8, 5);
    await hunt.comment("alice", "/locate v1.0.0..v1.7.0");
    const row = (await findLatestHunt(ctx.store.db, REPO.id, 7))!;
    // Another replica already stored this notification (with its post): this one leaves it alone.
    await ctx.store.db.insert(notifications).values({ huntId: row.id, key: "cancelled" });
    await hunt.comment("alice", "/locate cancel");
    await hunt.comment("alice", "/locate status");
    expect(gh.notifications()).toEqual([]);
  });
});
