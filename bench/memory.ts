// Memory (§10): resident memory after a forced GC with 0, 100 and 1,000 hunts in flight: the app's process, and the embedded PGlite store.
import { createRequire } from "node:module";
import { Webhooks } from "@octokit/webhooks";
import { openStore } from "../src/db/client.js";
import { startSandbox } from "../src/sandbox/index.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { Child } from "./child.js";
import type { MemorySample } from "./gc.js";
import { type PostgresForBench, ServerProcess, appEnv, removeDir, tempDir } from "./harness.js";
import { PLACEHOLDER, type SeedHunt, type SeedRepo, type SeededRun, seedHunts } from "./seed.js";
import type { StoreRequest } from "./store-process.js";
import { type SectionResult, type Table, type TargetResult, bytes, integer, mark, seconds } from "./table.js";
import { type PreparedDelivery, drive } from "./webhooks.js";

const TAGS = 20;
const TARGET_BYTES = 50 * 1024;

interface Sample extends MemorySample {
  readonly hunts: number;
}

function seedRepo(sb: Sandbox): SeedRepo {
  return {
    installationId: sb.installationId,
    repoId: sb.repo.id,
    owner: sb.repo.owner,
    name: sb.repo.name,
    htmlUrl: sb.repo.htmlUrl,
    defaultBranch: sb.repo.defaultBranch,
    workflow: sb.workflow?.file ?? "locate.yml",
    versions: sb.tags.slice(0, TAGS),
  };
}

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Record<string, unknown>[] }[];

/** `workflow_run.in_progress` for a seeded run: GitHub's own example payload with this sandbox's ids. */
async function runInProgress(sb: Sandbox, webhooks: Webhooks, run: SeededRun): Promise<PreparedDelivery> {
  const example = structuredClone(examples.find((e) => e.name === "workflow_run")?.examples.find((e) => e.action === "requested")) as Record<string, any>;
  example.action = "in_progress";
  example.installation = { id: sb.installationId, node_id: "x" };
  example.repository = { ...example.repository, id: sb.repo.id, name: sb.repo.name, full_name: `${sb.repo.owner}/${sb.repo.name}`, owner: { ...example.repository.owner, login: sb.repo.owner } };
  example.sender = { ...example.sender, login: sb.botLogin, type: "Bot" };
  example.workflow_run = {
    ...example.workflow_run,
    id: run.runId,
    run_attempt: 1,
    status: "in_progress",
    conclusion: null,
    event: "workflow_dispatch",
    display_title: `locate ${run.tag} [${run.token}]`,
    html_url: `${sb.repo.htmlUrl}/actions/runs/${run.runId}`,
  };
  const body = JSON.stringify(example);
  return { event: "workflow_run", action: "in_progress", body, signature: await webhooks.sign(body) };
}

/**
 * The app's own process, on a Postgres server so the database's memory is not in it. Hunts are put in flight with
 * the app's queries while it runs (each on its own issue by a distinct user, with Locate's comment there), then each
 * is handled once by the app over HTTP: a signed workflow_run.in_progress for one of its runs, which goes through
 * the delivery record, the run and hunt lookups, the per-hunt queue and lock, the snapshot, the render and the
 * comment edit. Starting 1,000 hunts by commands instead would take minutes: each costs several GitHub writes,
 * which the app rightly sends one at a time per installation.
 */
async function measureApp(pg: PostgresForBench, levels: readonly number[], log: (line: string) => void): Promise<Sample[]> {
  const started = performance.now();
  const sb = await startSandbox({ history: { tags: TAGS }, seed: 5, defaultRole: "write", validateRequests: false });
  const databaseUrl = await pg.newDatabase("memory");
  const app = await ServerProcess.start({ kind: "start", app: "locate", env: appEnv(sb.env, 0, { databaseUrl }), privateKey: sb.env.PRIVATE_KEY }, { exposeGc: true });
  const store = await openStore({ url: databaseUrl });
  const webhooks = new Webhooks({ secret: sb.env.WEBHOOK_SECRET });
  try {
    const samples: Sample[] = [];
    const seeded: SeededRun[] = [];
    for (const level of levels) {
      const hunts: SeedHunt[] = [];
      for (let index = seeded.length; index < level; index++) {
        const issue = await sb.openIssue({ user: `user${index}`, title: `Regression ${index}` });
        hunts.push({ index, issue, commentId: await sb.postComment({ issue, user: sb.botLogin, body: PLACEHOLDER, force: true }) });
      }
      const added = await seedHunts(store.db, seedRepo(sb), hunts);
      seeded.push(...added);
      if (added.length > 0) {
        const deliveries = await Promise.all(added.map((run) => runInProgress(sb, webhooks, run)));
        const result = await drive(app.url, deliveries, deliveries.length, 8);
        const failed = [...result.statuses.entries()].filter(([status]) => status !== 200);
        if (failed.length > 0) throw new Error(`memory: deliveries answered ${failed.map(([s, n]) => `${s}×${n}`).join(", ")}`);
      }
      samples.push({ hunts: level, ...(await app.memory()) });
    }
    // Every seeded comment should now be the app's render: proof that each hunt went all the way through the app.
    const unrendered = seeded.filter((run) => !sb.listComments(run.issue).some((c) => c.body.includes("<!-- locate:hunt:"))).length;
    if (unrendered > 0) throw new Error(`memory: ${unrendered} of ${seeded.length} hunt comments were not rendered by the app`);
    log(`  app process: ${seeded.length} hunts handled, ${sb.requests.length} API requests, ${seconds(performance.now() - started)}`);
    return samples;
  } finally {
    await store.close();
    await app.stop();
    await sb.close();
  }
}

/**
 * The embedded PGlite store alone, in a process of its own: what the default deployment (no DATABASE_URL) adds to the
 * app's process per hunt. Hunts are written with the app's queries and each read back once, as the app reads a hunt
 * on every event.
 */
async function measurePglite(levels: readonly number[], log: (line: string) => void): Promise<Sample[]> {
  const started = performance.now();
  const sb = await startSandbox({ history: { tags: TAGS }, seed: 5, validateRequests: false });
  const dataDir = tempDir("pglite");
  const child = Child.fork<StoreRequest>(new URL("./store-process.ts", import.meta.url), { exposeGc: true });
  try {
    await child.ask({ kind: "open", dataDir });
    const samples: Sample[] = [];
    let count = 0;
    for (const level of levels) {
      const hunts = Array.from({ length: level - count }, (_, i) => ({ index: count + i, issue: count + i + 1, commentId: null }));
      await child.ask({ kind: "seed", repo: seedRepo(sb), hunts });
      count = level;
      samples.push({ hunts: level, ...(await child.ask<MemorySample>({ kind: "measure" })) });
    }
    log(`  PGlite store: ${count} hunts, ${seconds(performance.now() - started)}`);
    return samples;
  } finally {
    await child.stop({ kind: "stop" });
    await sb.close();
    removeDir(dataDir);
  }
}

/** Between the two upper levels the one-off costs (code loaded on first use, JIT, pools) are on both sides: what each further hunt adds. */
function marginal(samples: readonly Sample[]): number {
  const middle = samples[1] as Sample;
  const top = samples[samples.length - 1] as Sample;
  return (top.rss - middle.rss) / (top.hunts - middle.hunts);
}

function rowsOf(label: string, samples: readonly Sample[]): string[][] {
  const base = samples[0] as Sample;
  const top = samples[samples.length - 1];
  return samples.map((sample) => [
    label,
    integer(sample.hunts),
    bytes(sample.rss),
    bytes(sample.heapUsed),
    bytes(sample.heapTotal),
    bytes(sample.external),
    sample.hunts === 0 ? "" : bytes((sample.rss - base.rss) / sample.hunts),
    sample.hunts === 0 ? "" : bytes((sample.heapUsed - base.heapUsed) / sample.hunts),
    sample === top ? bytes(marginal(samples)) : "",
  ]);
}

export async function runMemoryBench(options: { quick: boolean; pg: PostgresForBench; log: (line: string) => void }): Promise<SectionResult> {
  const levels = options.quick ? [0, 50, 200] : [0, 100, 1_000];
  const app = await measureApp(options.pg, levels, options.log);
  const pglite = await measurePglite(levels, options.log);
  const appPerHunt = marginal(app);
  const deploymentPerHunt = appPerHunt + marginal(pglite);
  const span = `${integer(levels[1] ?? 0)} → ${integer(levels[levels.length - 1] ?? 0)}`;
  const targets: TargetResult[] = [
    { target: "memory: app process RSS per hunt in flight < 50 KB (Postgres server)", measured: `${bytes(appPerHunt)} per hunt (${span})`, met: appPerHunt < TARGET_BYTES },
    { target: "memory: default deployment (app + embedded PGlite) RSS per hunt in flight < 50 KB", measured: `${bytes(deploymentPerHunt)} per hunt (${span})`, met: deploymentPerHunt < TARGET_BYTES },
  ];
  const table: Table = {
    title: "4. Memory with hunts in flight (RSS after a forced GC)",
    head: ["process", "hunts", "RSS", "heap used", "heap total", "external", "RSS / hunt (vs 0)", "heap / hunt (vs 0)", `RSS / hunt (${span})`],
    rows: [
      ...rowsOf("Locate app (store: Postgres server)", app),
      ...rowsOf("embedded PGlite store alone", pglite),
      ["default deployment = app + PGlite", "", "", "", "", "", "", "", bytes(deploymentPerHunt)],
    ],
    notes: [
      `Hunts in flight: written with the app's own queries (${TAGS} versions, the core's first 3 picks running, one event), each on its own issue by a distinct user. In the app's process each is then handled once over HTTP (a signed workflow_run.in_progress: delivery record, lookups, per-hunt queue and lock, snapshot, render, comment edit).`,
      "RSS = process.memoryUsage().rss after four forced GCs (--expose-gc), each process measured at every level. Per hunt is judged between the two upper levels, where one-off warm-up (code loaded on first use, JIT, pools) is on both sides.",
      "The embedded PGlite store (the default when DATABASE_URL is unset) lives in the app's process: its per-hunt cost is measured alone, in a process of its own, and added. Not exercised: the permission cache (one entry per installation, repository and user for 60 s, at most 10,000 entries, whatever the number of hunts).",
      `Targets: app ${mark(appPerHunt < TARGET_BYTES)} ${bytes(appPerHunt)}; default deployment ${mark(deploymentPerHunt < TARGET_BYTES)} ${bytes(deploymentPerHunt)} (target < 50 KB per hunt).`,
    ],
  };
  return { tables: [table], targets };
}
