// Memory (§10): resident memory of the app process after a forced GC with 0, 100 and 1,000 hunts in flight, on PGlite and on Postgres.
import { createRequire } from "node:module";
import { Webhooks } from "@octokit/webhooks";
import { openStore } from "../src/db/client.js";
import { insertHunt, recordEvent, updateHunt } from "../src/db/queries/hunts.js";
import { insertRun, markDispatched } from "../src/db/queries/runs.js";
import { newRunToken } from "../src/hunt/runs.js";
import { startSandbox } from "../src/sandbox/index.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { analyzeSearch } from "../src/search/index.js";
import { type PostgresForBench, ServerProcess, type Storage, appEnv, removeDir, tempDir } from "./harness.js";
import { type SectionResult, type Table, type TargetResult, bytes, integer, mark, seconds } from "./table.js";
import { type PreparedDelivery, drive } from "./webhooks.js";

const TAGS = 20;
const K = 3;
const TARGET_BYTES = 50 * 1024;
const PLACEHOLDER = "<!-- locate: seeded by the benchmark; the app's first render replaces this -->";
/** Run ids far above the sandbox's own, so a seeded run is never mistaken for a simulated one. */
const FIRST_RUN_ID = 70_000_000_000;

interface Sample {
  readonly hunts: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

interface SeededHunt {
  readonly issue: number;
  readonly runId: number;
  readonly token: string;
  readonly tag: string;
}

/**
 * Puts hunts in flight straight into the store with the app's own queries: each as auto-pilot would leave it after
 * its first dispatch (the core's k picks running, with run ids), on an issue of its own opened by a distinct user,
 * with Locate's comment on that issue. Starting 1,000 hunts through commands would take minutes: every one costs
 * several GitHub writes, which the app rightly sends one at a time per installation.
 */
async function seedHunts(sb: Sandbox, storage: Storage, from: number, to: number, into: SeededHunt[]): Promise<void> {
  const store = await openStore("dataDir" in storage ? { dataDir: storage.dataDir } : { url: storage.databaseUrl });
  try {
    await store.migrate();
    const versions = sb.tags.slice(0, TAGS).map((tag) => ({ names: [tag.name], sha: tag.sha }));
    const picks = analyzeSearch({ size: versions.length, observations: [], pending: [] }, { parallel: K, candidates: 10 }).picks;
    for (let i = from; i < to; i++) {
      const user = `user${i}`;
      const issue = await sb.openIssue({ user, title: `Regression ${i}` });
      const commentId = await sb.postComment({ issue, user: sb.botLogin, body: PLACEHOLDER, force: true });
      const hunt = await insertHunt(
        store.db,
        {
          installationId: sb.installationId,
          repoId: sb.repo.id,
          owner: sb.repo.owner,
          repo: sb.repo.name,
          repoUrl: sb.repo.htmlUrl,
          issueNumber: issue,
          good: versions[0]!.names[0]!,
          bad: versions[versions.length - 1]!.names[0]!,
          state: "searching",
          autopilot: true,
          workflow: sb.workflow?.file ?? "locate.yml",
          dispatchRef: sb.repo.defaultBranch,
          inputs: {},
          parallel: K,
          candidates: 10,
          maxRuns: 50,
          timeoutMinutes: 120,
          createdBy: user,
        },
        versions,
      );
      await recordEvent(store.db, hunt.id, user, "start", { good: hunt.good, bad: hunt.bad, versions: versions.length });
      for (const [j, position] of picks.entries()) {
        const token = newRunToken(hunt.id);
        const row = await insertRun(store.db, { huntId: hunt.id, position, token, round: 1, status: "running" });
        const runId = FIRST_RUN_ID + i * K + j;
        await markDispatched(store.db, row.id, { runId, url: `${sb.repo.htmlUrl}/actions/runs/${runId}` });
        if (j === 0) into.push({ issue, runId, token, tag: versions[position]!.names[0]! });
      }
      await updateHunt(store.db, hunt.id, { round: 1, commentId, commentBody: PLACEHOLDER });
    }
  } finally {
    await store.close();
  }
}

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Record<string, unknown>[] }[];

/** `workflow_run.in_progress` for a seeded run, from GitHub's own example payload with this sandbox's ids. */
async function runInProgress(sb: Sandbox, webhooks: Webhooks, run: SeededHunt): Promise<PreparedDelivery> {
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
 * One level: a fresh app process on the store holding `seeded.length` hunts, each hunt then handled once through the
 * app (a signed in_progress delivery for one of its runs: the delivery record, run and hunt lookups, the per-hunt
 * queue and lock, the snapshot, the render and the comment edit), then measured.
 */
async function measureLevel(sb: Sandbox, storage: Storage, seeded: readonly SeededHunt[]): Promise<Sample> {
  const t0 = performance.now();
  const app = await ServerProcess.start({ kind: "start", app: "locate", env: appEnv(sb.env, 0, storage), privateKey: sb.env.PRIVATE_KEY }, { exposeGc: true });
  try {
    if (process.env.BENCH_DEBUG) console.log(`    app started in ${seconds(performance.now() - t0)}`);
    const webhooks = new Webhooks({ secret: sb.env.WEBHOOK_SECRET });
    const deliveries = await Promise.all(seeded.map((run) => runInProgress(sb, webhooks, run)));
    if (deliveries.length > 0) {
      const result = await drive(app.url, deliveries, deliveries.length, 8);
      if (process.env.BENCH_DEBUG) console.log(`    touched ${deliveries.length} in ${seconds(result.ms)}`);
      const failed = [...result.statuses.entries()].filter(([status]) => status !== 200);
      if (failed.length > 0) throw new Error(`memory: deliveries answered ${failed.map(([s, n]) => `${s}×${n}`).join(", ")}`);
    }
    const t1 = performance.now();
    const memory = await app.memory();
    if (process.env.BENCH_DEBUG) console.log(`    memory in ${seconds(performance.now() - t1)}`);
    return { hunts: seeded.length, rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external };
  } finally {
    const t2 = performance.now();
    await app.stop();
    if (process.env.BENCH_DEBUG) console.log(`    stopped in ${seconds(performance.now() - t2)}`);
  }
}

async function measureStore(label: string, storage: Storage, levels: readonly number[], log: (line: string) => void): Promise<Sample[]> {
  const started = performance.now();
  const sb = await startSandbox({ history: { tags: TAGS }, seed: 5, defaultRole: "write", validateRequests: false });
  try {
    const seeded: SeededHunt[] = [];
    const samples: Sample[] = [];
    for (const level of levels) {
      const t0 = performance.now();
      await seedHunts(sb, storage, seeded.length, level, seeded);
      const t1 = performance.now();
      samples.push(await measureLevel(sb, storage, seeded));
      if (process.env.BENCH_DEBUG) log(`    level ${level}: seed ${seconds(t1 - t0)}, measure ${seconds(performance.now() - t1)}`);
    }
    // Every seeded comment should now be the app's render: proof that each hunt went all the way through the app.
    const unrendered = seeded.filter((hunt) => !sb.listComments(hunt.issue).some((c) => c.body.includes("<!-- locate:hunt:"))).length;
    if (unrendered > 0) throw new Error(`memory: ${unrendered} of ${seeded.length} hunt comments were not rendered by the app`);
    log(`  ${label}: ${seeded.length} hunts, ${sb.requests.length} API requests, ${seconds(performance.now() - started)}`);
    return samples;
  } finally {
    await sb.close();
  }
}

export async function runMemoryBench(options: { quick: boolean; pg: PostgresForBench; log: (line: string) => void }): Promise<SectionResult> {
  const levels = options.quick ? [0, 100, 300] : [0, 100, 1_000];
  const dataDir = tempDir("memory");
  const stores: Array<{ label: string; storage: () => Promise<Storage> }> = [
    { label: "PGlite (default, in-process)", storage: async () => ({ dataDir }) },
    { label: "Postgres server", storage: async () => ({ databaseUrl: await options.pg.newDatabase("memory") }) },
  ];
  const rows: string[][] = [];
  const targets: TargetResult[] = [];
  try {
    for (const store of stores) {
      const samples = await measureStore(store.label, await store.storage(), levels, options.log);
      const base = samples[0] as Sample;
      const middle = samples[1] as Sample;
      const top = samples[samples.length - 1] as Sample;
      // Between the two upper levels the one-off costs (code loaded on first use, JIT, pools) are paid on both
      // sides, so the difference is what each further hunt adds: the figure the target is judged on.
      const marginal = (top.rss - middle.rss) / (top.hunts - middle.hunts);
      const met = marginal < TARGET_BYTES;
      targets.push({ target: `memory (${store.label}): RSS per hunt in flight < 50 KB`, measured: `${bytes(marginal)} per hunt (${integer(middle.hunts)} → ${integer(top.hunts)})`, met });
      for (const sample of samples) {
        const isTop = sample === top;
        rows.push([
          store.label,
          integer(sample.hunts),
          bytes(sample.rss),
          bytes(sample.heapUsed),
          bytes(sample.external),
          sample.hunts === 0 ? "" : bytes((sample.rss - base.rss) / sample.hunts),
          sample.hunts === 0 ? "" : bytes((sample.heapUsed - base.heapUsed) / sample.hunts),
          isTop ? bytes(marginal) : "",
          isTop ? mark(met) : "",
        ]);
      }
    }
  } finally {
    removeDir(dataDir);
  }
  const table: Table = {
    title: "4. Memory of the app process with hunts in flight (after a forced GC)",
    head: ["store", "hunts", "RSS", "heap used", "external", "RSS / hunt (vs 0)", "heap / hunt (vs 0)", `RSS / hunt (${integer(levels[1] ?? 0)} → ${integer(levels[levels.length - 1] ?? 0)})`, "< 50 KB"],
    rows,
    notes: [
      `Hunts are put in flight with the app's own queries (${TAGS} versions, the first ${K} picks running), each on its own issue by a distinct user, then each is handled once by the app over HTTP (a signed workflow_run.in_progress: lookups, per-hunt queue and lock, render, comment edit). Each level is a fresh app process (--expose-gc); RSS = process.memoryUsage().rss after four forced GCs.`,
      "With PGlite the database (its WASM heap and page cache) lives in the app's process and counts; with a Postgres server only the app's own memory does. The target is judged on the marginal cost between the two upper levels, which leaves out one-off warm-up.",
      "Not exercised here: the permission cache (one entry per installation, repository and user for 60 s, at most 10,000 entries, whatever the number of hunts); the hunts' workflow_run deliveries need no permission check.",
    ],
  };
  return { tables: [table], targets };
}
