// Order-free and idempotent (§8) through probot.receive on Postgres: the webhooks of every round of an auto-pilot hunt
// are delivered in a seeded random order, twice under one delivery id, again under new ids, concurrently, or with only
// `completed`; each way must end in the same state as delivering them in order, with no extra dispatch or verdict.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Store, openStore } from "../../src/db/client.js";
import { parseResultMarker } from "../../src/render/markers.js";
import { prng } from "../../src/sandbox/prng.js";
import { type TestApp, createTestApp } from "../helpers/app.js";
import { huntState, tick } from "../helpers/hunt-driver.js";
import { NockGitHub } from "../helpers/nock-github.js";
import { BOT_LOGIN, issueCommentCreated, issueCommentEdited, workflowRun } from "../helpers/payloads.js";
import { type TestDatabase, createTestDatabase } from "../helpers/pg-database.js";

let database: TestDatabase;
let store: Store;
let app: TestApp | undefined;
let gh: NockGitHub | undefined;

beforeAll(async () => {
  database = await createTestDatabase("order");
  store = await openStore({ url: database.url });
  await store.migrate();
});
afterAll(async () => {
  await store.close();
  await database.drop();
});
afterEach(async () => {
  const unmatched = gh?.unmatched ?? [];
  gh?.close();
  gh = undefined;
  await app?.close();
  app = undefined;
  expect(unmatched).toEqual([]);
});

const TAGS = 30;
const FIRST_BAD = 17;

interface Delivery {
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
}

interface Mode {
  /** Seed of the delivery order within each batch; undefined keeps GitHub's order (requested, in_progress, completed per run). */
  readonly seed?: number;
  readonly sameIdTwice?: boolean;
  readonly newIdCopy?: boolean;
  readonly completedOnly?: boolean;
  /** All deliveries of a batch at once instead of one after another. */
  readonly concurrent?: boolean;
}

interface Outcome {
  readonly state: string | undefined;
  readonly result: ReturnType<typeof parseResultMarker>;
  /** Per round, the versions dispatched, as "position" strings sorted. */
  readonly rounds: Record<number, string[]>;
  readonly dispatches: number;
  readonly foundEvents: number;
  readonly ciVerdicts: number;
}

function shuffle<T>(items: T[], seed: number): T[] {
  const rand = prng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rand.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The webhooks GitHub sends for the runs dispatched since the last batch, transformed by the mode. */
function batchFor(github: NockGitHub, reported: Set<number>, mode: Mode, batch: number): Delivery[] {
  const deliveries: Delivery[] = [];
  for (const d of github.dispatches) {
    if (reported.has(d.runId)) continue;
    reported.add(d.runId);
    const displayTitle = `locate ${d.inputs.tag} [${d.inputs.locate_id}]`;
    const events = [
      workflowRun("requested", { id: d.runId, status: "requested", displayTitle }),
      workflowRun("in_progress", { id: d.runId, status: "in_progress", displayTitle }),
      workflowRun("completed", { id: d.runId, status: "completed", conclusion: github.conclusionFor(d), displayTitle }),
    ];
    for (const payload of mode.completedOnly ? events.slice(2) : events) {
      const id = randomUUID();
      deliveries.push({ id, name: "workflow_run", payload });
      if (mode.sameIdTwice) deliveries.push({ id, name: "workflow_run", payload });
      if (mode.newIdCopy) deliveries.push({ id: randomUUID(), name: "workflow_run", payload });
    }
  }
  return mode.seed === undefined ? deliveries : shuffle(deliveries, mode.seed * 1000 + batch);
}

async function runAutopilotHunt(mode: Mode): Promise<Outcome> {
  app = await createTestApp({ store });
  gh = new NockGitHub({ tags: TAGS, firstBad: FIRST_BAD, roles: { alice: "write" } });
  await app.receive("issue_comment.created", issueCommentCreated({ body: `/locate v1.0.0..v1.${TAGS - 1}.0 auto` }));
  const reported = new Set<number>();
  for (let batch = 0; batch < 15 && huntState(gh.huntComment().body) === "searching"; batch++) {
    const deliveries = batchFor(gh, reported, mode, batch);
    if (deliveries.length === 0) break;
    if (mode.concurrent) await Promise.all(deliveries.map((d) => app!.receive(d.name, d.payload, d.id)));
    else for (const d of deliveries) await app.receive(d.name, d.payload, d.id);
  }
  // Runs still in flight when the answer was named report too.
  const rest = batchFor(gh, reported, mode, 99);
  for (const d of rest) await app.receive(d.name, d.payload, d.id);
  return outcome(gh);
}

async function outcome(github: NockGitHub): Promise<Outcome> {
  const rows = (await store.db.execute(sql`select position, round, token, status from runs order by id`)) as unknown as Array<{
    position: number;
    round: number;
    token: string | null;
    status: string;
  }>;
  const rounds: Record<number, string[]> = {};
  for (const row of rows.filter((r) => r.token !== null)) (rounds[row.round] ??= []).push(String(row.position));
  for (const list of Object.values(rounds)) list.sort();
  const found = (await store.db.execute(sql`select count(*)::int as n from events where action = 'found'`)) as unknown as Array<{ n: number }>;
  const body = github.huntComment().body;
  return {
    state: huntState(body),
    result: parseResultMarker(body),
    rounds,
    dispatches: github.dispatches.length,
    foundEvents: Number(found[0]?.n),
    ciVerdicts: rows.filter((r) => r.token !== null && r.status === "completed").length,
  };
}

describe("an auto-pilot hunt's webhooks in any order, any number of times", () => {
  let inOrder: Outcome;

  beforeAll(async () => {
    inOrder = await runAutopilotHunt({});
    gh?.close();
    gh = undefined;
    await app?.close();
    app = undefined;
    expect(inOrder.state).toBe("found");
    expect(inOrder.result).toMatchObject({ firstBad: `v1.${FIRST_BAD}.0`, lastGood: `v1.${FIRST_BAD - 1}.0` });
    expect(inOrder.foundEvents).toBe(1);
    expect(inOrder.ciVerdicts).toBe(inOrder.dispatches);
  });

  const modes: Array<[string, Mode]> = [
    ["shuffled (seed 1)", { seed: 1 }],
    ["shuffled (seed 2)", { seed: 2 }],
    ["shuffled, each twice under one id (seed 4)", { seed: 4, sameIdTwice: true }],
    ["shuffled, each again under a new id (seed 5)", { seed: 5, newIdCopy: true }],
    ["only `completed`, shuffled (seed 6)", { seed: 6, completedOnly: true }],
    ["shuffled, twice under one id and again under a new id, all of a round at once (seed 7)", { seed: 7, sameIdTwice: true, newIdCopy: true, concurrent: true }],
  ];

  it.each(modes)("%s ends as delivered in order", { timeout: 30_000 }, async (label, mode) => {
    console.info(`[order] ${label}`);
    const shuffled = await runAutopilotHunt(mode);
    expect(shuffled).toEqual(inOrder);
  });
});

describe("ticks in any order", () => {
  it("two edits ticking overlapping picks, delivered newest first and each twice under new ids, dispatch each pick once", async () => {
    app = await createTestApp({ store });
    gh = new NockGitHub({ tags: TAGS, firstBad: FIRST_BAD, roles: { alice: "write" } });
    await app.receive("issue_comment.created", issueCommentCreated({ body: `/locate v1.0.0..v1.${TAGS - 1}.0` }));
    const comment = gh.huntComment();
    const picks = [...comment.body.matchAll(/^- \[ \] .*⭐.*<!-- (locate:tag:[^ ]+) -->$/gm)].map((m) => m[1]!);
    expect(picks.length).toBeGreaterThanOrEqual(2);
    // First edit ticks one pick; the second, made on top of it, ticks the rest too ("two ticks in one edit").
    const first = tick(comment.body, picks.slice(0, 1));
    const second = tick(first, picks);
    const edits = [
      issueCommentEdited({ body: second, from: first, login: "alice", commentId: comment.id, author: BOT_LOGIN }),
      issueCommentEdited({ body: first, from: comment.body, login: "alice", commentId: comment.id, author: BOT_LOGIN }),
    ];
    for (const payload of [...edits, ...edits]) await app.receive("issue_comment.edited", payload);

    const tagsOf = (markers: readonly string[]) => markers.map((m) => decodeURIComponent(m.slice("locate:tag:".length)));
    const dispatched = gh.dispatches.map((d) => d.inputs.tag);
    // Each pick once.
    expect(dispatched.sort()).toEqual(tagsOf(picks).sort());
  });
});
