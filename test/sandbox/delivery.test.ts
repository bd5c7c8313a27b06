// Webhook delivery mechanics (ordering, failures, redelivery, chaos) and the sandbox's answers for calls it does not model.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signature, startSandbox } from "../../src/sandbox/index.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { appOctokit, failure, ownerRepo, webhookReceiver } from "./support.js";
import type { Receiver } from "./support.js";

let sb: Sandbox;
let hooks: Receiver;
beforeAll(async () => {
  sb = await startSandbox({ history: { tags: 4 } });
  hooks = await webhookReceiver(sb.env.WEBHOOK_SECRET);
  sb.setWebhookTarget(hooks.url);
});
afterAll(async () => {
  await sb.close();
  await hooks.close();
});

describe("webhook delivery", () => {
  it("signs the exact body with WEBHOOK_SECRET and logs status and timing", async () => {
    await sb.openIssue({ user: "u", title: "t" });
    await sb.idle();
    const entry = sb.deliveries.at(-1)!;
    expect(entry).toMatchObject({ event: "issues", action: "opened", status: 200, outcome: "delivered" });
    const got = hooks.events.find((e) => e.id === entry.id)!;
    expect(got.signatureValid).toBe(true);
    expect(got.headers["x-hub-signature-256"]).toBe(signature(sb.env.WEBHOOK_SECRET, JSON.stringify(entry.payload)));
    expect(got.headers["x-github-hook-installation-target-id"]).toBe(sb.env.APP_ID);
  });

  it("keeps per-source order for a burst of edits", async () => {
    const issue = await sb.openIssue({ user: "u", title: "t" });
    const id = await sb.postComment({ issue, user: "u", body: "0" });
    for (let i = 1; i <= 10; i++) await sb.editComment({ commentId: id, user: "u", body: String(i) });
    await sb.idle();
    const bodies = hooks.events.filter((e) => e.payload.comment?.id === id).map((e) => e.payload.comment.body);
    expect(bodies).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
  });

  it("records a failing receiver and redelivers with the same delivery id", async () => {
    hooks.status = 500;
    await sb.openIssue({ user: "u", title: "fails" });
    await sb.idle();
    hooks.status = 200;
    const failed = sb.deliveries.at(-1)!;
    expect([failed.outcome, failed.status]).toEqual(["failed", 500]);
    const again = sb.redeliver(failed.id);
    await sb.idle();
    expect(again).toMatchObject({ id: failed.id, redelivery: true, outcome: "delivered", status: 200 });
    expect(hooks.events.filter((e) => e.id === failed.id)).toHaveLength(2);
  });

  it("records 'no target' instead of throwing when no target is set", async () => {
    sb.setWebhookTarget(undefined);
    await sb.openIssue({ user: "u", title: "nowhere" });
    await sb.idle();
    expect(sb.deliveries.at(-1)).toMatchObject({ outcome: "failed", error: expect.stringMatching(/no webhook target/) });
    sb.setWebhookTarget(hooks.url);
  });

  it("chaos: duplicates reuse the id, drops are logged and never sent", async () => {
    sb.setChaos({ duplicateRate: 1 });
    await sb.openIssue({ user: "u", title: "twice" });
    await sb.idle();
    const dup = sb.deliveries.filter((d) => d.payload.issue && (d.payload.issue as { title: string }).title === "twice");
    expect(dup.map((d) => [d.outcome, Boolean(d.duplicate)])).toEqual([
      ["delivered", false],
      ["delivered", true],
    ]);
    expect(new Set(dup.map((d) => d.id)).size).toBe(1);
    sb.setChaos({ duplicateRate: 0, dropRate: 1 });
    const before = hooks.events.length;
    await sb.openIssue({ user: "u", title: "lost" });
    await sb.idle();
    expect(sb.deliveries.at(-1)!.outcome).toBe("dropped");
    expect(hooks.events.length).toBe(before);
    sb.setChaos({ dropRate: 0 });
  });

  it("chaos: a shuffle window lets later events overtake earlier ones (eventually all arrive)", async () => {
    sb.setChaos({ shuffleWindowMs: 40 });
    const issue = await sb.openIssue({ user: "u", title: "shuffle" });
    const id = await sb.postComment({ issue, user: "u", body: "0" });
    for (let i = 1; i <= 15; i++) await sb.editComment({ commentId: id, user: "u", body: String(i) });
    await sb.idle();
    sb.setChaos({ shuffleWindowMs: 0 });
    const bodies = hooks.events.filter((e) => e.payload.comment?.id === id).map((e) => Number(e.payload.comment.body));
    expect([...bodies].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(bodies).not.toEqual([...bodies].sort((a, b) => a - b));
  });
});

describe("calls the sandbox does not model", () => {
  it("answers 501 naming the call for REST, and an error naming the field for GraphQL", async () => {
    const octokit = appOctokit(sb);
    const rest = await failure(octokit.pulls.list(ownerRepo(sb)));
    expect(rest.status).toBe(501);
    expect(rest.data.message).toBe(`sandbox does not model GET /repos/${sb.repo.owner}/${sb.repo.name}/pulls`);
    const gql = await octokit
      .graphql(`query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { stargazerCount } }`, { owner: sb.repo.owner, name: sb.repo.name })
      .then(() => null, (error: { errors?: { message: string }[] }) => error.errors?.[0]?.message);
    expect(gql).toBe("sandbox does not model Repository.stargazerCount");
    expect(sb.requests.at(-1)!.route).toBe("POST /graphql");
  });

  it("404s other repositories, like GitHub for a repo the installation cannot see", async () => {
    const res = await failure(appOctokit(sb).repos.get({ owner: sb.repo.owner, repo: "other" }));
    expect(res.status).toBe(404);
  });

  it("answers 400 for a body that is not JSON", async () => {
    await appOctokit(sb).repos.get(ownerRepo(sb)); // ensure a token exists
    const token = (sb.requests.find((r) => r.route.startsWith("POST /app/"))!.response as { token: string }).token;
    const res = await fetch(`${sb.url}/api/v3/repos/${sb.repo.owner}/${sb.repo.name}/issues/1/comments`, {
      method: "POST",
      headers: { authorization: `token ${token}` },
      body: "{not json",
    });
    expect(res.status).toBe(400);
  });
});
