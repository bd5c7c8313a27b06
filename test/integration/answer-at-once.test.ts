// Issue 13, answering at once: a delivery stores its effect with the GitHub writes it implies and returns; the write
// scheduler makes them afterwards, people's replies and the first comment before dispatches, dispatches before
// progress edits; an auto-pilot hunt costs one comment edit per round plus the first comment and the answer; the
// reconciler leaves dispatches that wait in the outbox alone. Through probot.receive() against the nock GitHub.
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { findLatestHunt } from "../../src/db/queries/hunts.js";
import { pendingWrites } from "../../src/db/queries/writes.js";
import { runs } from "../../src/db/schema.js";
import type { GitHub } from "../../src/github/client.js";
import { HuntQueue } from "../../src/hunt/queue.js";
import { reconcileAll } from "../../src/hunt/reconcile.js";
import { useTestApp } from "../helpers/app.js";
import { HuntDriver, huntState } from "../helpers/hunt-driver.js";
import { NockGitHub, closeExpectingAllMatched } from "../helpers/nock-github.js";
import { INSTALLATION_ID, REPO, issueCommentCreated, workflowRun } from "../helpers/payloads.js";

const ctx = useTestApp();
let gh: NockGitHub;

afterEach(() => closeExpectingAllMatched(gh));

const isWrite = (request: string) => !request.startsWith("GET ") && request !== "POST /graphql";
const isDispatch = (request: string) => request.endsWith("/dispatches");
const isCommentPost = (request: string) => /^POST .*\/issues\/\d+\/comments$/.test(request);
const isCommentEdit = (request: string) => request.startsWith("PATCH ") && request.includes("/issues/comments/");

/** Delivers a webhook, then makes the writes that are due, as the scheduler would: delays and priorities kept. */
async function deliverAndWrite(name: string, payload: unknown): Promise<void> {
  await ctx.app.deliver(name, payload);
  await ctx.app.writes.drain({ ignoreDelays: false });
}

describe("a delivery is answered before any GitHub write", () => {
  it("stores the reply, the first comment and the dispatches, and the scheduler makes them in that order", async () => {
    gh = new NockGitHub({ tags: 12, firstBad: 7, roles: { alice: "write" } });
    await ctx.app.deliver("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.11.0 auto", login: "alice" }));
    // Reads happened (config, permission, tags); not one write.
    expect(gh.requests.filter(isWrite)).toEqual([]);
    const waiting = await pendingWrites(ctx.store.db);
    expect(waiting.map((w) => w.request.kind).sort()).toEqual(["comment", "dispatch", "dispatch", "dispatch", "reaction"]);

    await ctx.app.writes.drain({ ignoreDelays: false });
    const writes = gh.requests.filter(isWrite);
    const firstComment = writes.findIndex(isCommentPost);
    const dispatches = writes.flatMap((request, i) => (isDispatch(request) ? [i] : []));
    expect(dispatches).toHaveLength(3);
    expect(firstComment).toBeGreaterThanOrEqual(0);
    expect(firstComment).toBeLessThan(dispatches[0]!);
    // Once the round is on its way, one edit shows its runs with their links.
    expect(writes.slice(dispatches.at(-1)! + 1).filter(isCommentEdit)).toHaveLength(1);
    expect(gh.huntComment().body).toContain("/actions/runs/");
    expect(await pendingWrites(ctx.store.db)).toEqual([]);
  });
});

describe("auto-pilot writes little", () => {
  it("edits the hunt comment at most once per round, plus the first comment and the answer", async () => {
    gh = new NockGitHub({ tags: 40, firstBad: 23, roles: { alice: "write" } });
    await deliverAndWrite("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.39.0 auto", login: "alice" }));
    const reported = new Set<number>();
    for (let pass = 0; pass < 40 && huntState(gh.huntComment().body) === "searching"; pass++) {
      for (const d of [...gh.dispatches]) {
        if (reported.has(d.runId)) continue;
        reported.add(d.runId);
        const displayTitle = `locate ${d.inputs.tag} [${d.inputs.locate_id}]`;
        await deliverAndWrite("workflow_run", workflowRun("requested", { id: d.runId, status: "requested", displayTitle }));
        gh.completedRuns++;
        await deliverAndWrite("workflow_run", workflowRun("completed", { id: d.runId, status: "completed", conclusion: gh.conclusionFor(d), displayTitle }));
      }
    }
    expect(huntState(gh.huntComment().body)).toBe("found");
    const hunt = (await findLatestHunt(ctx.store.db, REPO.id, 7))!;
    const edits = gh.requests.filter((request) => request === `PATCH /repos/${REPO.owner}/${REPO.repo}/issues/comments/${hunt.commentId}`);
    expect(hunt.round).toBeGreaterThan(2);
    expect(edits.length).toBeLessThanOrEqual(hunt.round + 1);
    // Verdicts mid-round waited for the round's edit: they are all in the final comment all the same.
    expect(gh.requests.filter(isCommentPost)).toHaveLength(2); // the hunt comment and the notification
  });
});

describe("the reconciler and the outbox", () => {
  it("does not give up on a dispatch that waits for the installation's pace", async () => {
    gh = new NockGitHub({ tags: 12, firstBad: 7, roles: { alice: "write" } });
    await ctx.app.deliver("issue_comment.created", issueCommentCreated({ body: "/locate v1.0.0..v1.11.0 auto", login: "alice" }));
    // Stored long ago, still not made: a crash would look like this, but the write is still in the outbox.
    await ctx.store.db.update(runs).set({ createdAt: sql`now() - interval '10 minutes'`, updatedAt: sql`now() - interval '10 minutes'` });
    const authFor = async () => (await ctx.app.probot.auth(INSTALLATION_ID)) as GitHub;
    await reconcileAll({ store: ctx.store, queue: new HuntQueue(ctx.store), log: pino({ level: "silent" }), authFor, dispatchGraceMs: 1_000, quietMs: 0 });
    expect((await ctx.store.db.select().from(runs)).map((run) => run.status)).toEqual(["dispatching", "dispatching", "dispatching"]);
    await ctx.app.writes.drain();
    expect(gh.dispatches).toHaveLength(3);
    expect((await ctx.store.db.select().from(runs).where(eq(runs.status, "queued"))).length).toBe(3);
  });
});
