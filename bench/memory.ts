// Memory (§10): resident memory after a forced GC with 0, 100 and 1,000 hunts in flight: the app's process, and the embedded PGlite store.
import { createRequire } from "node:module";
import { Webhooks } from "@octokit/webhooks";
import { openStore } from "../src/db/client.js";
import { startSandbox } from "../src/sandbox/index.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { Child } from "./child.js";
import type { MemorySample } from "./gc.js";
import { type CompiledBench, type PostgresForBench, ServerProcess, appEnv, compileBench, removeDir, startFlags, tempDir } from "./harness.js";
import { PLACEHOLDER, type SeedHunt, type SeedRepo, type SeededRun, seedHunts } from "./seed.js";
import type { StoreRequest } from "./store-process.js";
import { type SectionResult, type Table, type TargetResult, bytes, integer, mark, seconds } from "./table.js";
import { type PreparedDelivery, drive } from "./webhooks.js";

const TAGS = 20;
const TARGET_BYTES = 50 * 1024;
/** The whole app idle on its embedded default, for a small container or VM (issue 16). */
const EMBEDDED_TARGET_BYTES = 256 * 1024 * 1024;
/** Hunts of the app's twin, which gets as much work as the measured app but no more hunts: as many as deliveries in flight. */
const TWIN_HUNTS = 8;

interface Sample extends MemorySample {
  readonly hunts: number;
  /**
   * The same reading of a twin process started alongside that does the same work on a fixed few hunts: whatever the
   * machine does to a process's memory over time (here the kernel reclaims cold pages, moving RSS by tens of MB
   * within a minute) happens to both, so the difference is what the hunts themselves hold.
   */
  readonly twin: MemorySample;
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

/** Hunts `from`..`to`-1, each on its own issue opened by a distinct user, with a placeholder comment by Locate there. */
async function openHunts(sb: Sandbox, from: number, to: number): Promise<SeedHunt[]> {
  const hunts: SeedHunt[] = [];
  for (let index = from; index < to; index++) {
    const issue = await sb.openIssue({ user: `user${index}`, title: `Regression ${index}` });
    hunts.push({ index, issue, commentId: await sb.postComment({ issue, user: sb.botLogin, body: PLACEHOLDER, force: true }) });
  }
  return hunts;
}

/** Delivers each, eight at a time, and fails unless every one is answered 200. */
async function sendAll(target: ServerProcess, deliveries: readonly PreparedDelivery[]): Promise<void> {
  const result = await drive(target.url, deliveries, deliveries.length, 8);
  const failed = [...result.statuses.entries()].filter(([status]) => status !== 200);
  if (failed.length > 0) throw new Error(`memory: deliveries answered ${failed.map(([s, n]) => `${s}×${n}`).join(", ")}`);
}

/**
 * Waits for the app's write scheduler to post every seeded hunt's comment (issue 13: deliveries are answered first,
 * the writes follow, one at a time per installation), so memory is sampled with the hunts' writes done.
 */
async function waitRendered(sb: Sandbox, seeded: readonly SeededRun[]): Promise<void> {
  await sb
    .waitFor(() => seeded.every((run) => sb.listComments(run.issue).some((c) => c.body.includes("<!-- locate:hunt:"))), { timeoutMs: 300_000, intervalMs: 250 })
    .catch(() => undefined);
}

/** Fails unless every seeded hunt's comment is now the app's render: proof that each went all the way through the app. */
function assertRendered(sb: Sandbox, seeded: readonly SeededRun[]): void {
  const unrendered = seeded.filter((run) => !sb.listComments(run.issue).some((c) => c.body.includes("<!-- locate:hunt:"))).length;
  if (unrendered > 0) throw new Error(`memory: ${unrendered} of ${seeded.length} hunt comments were not rendered by the app`);
}

/**
 * The app's own process, on a Postgres server so the database's memory is not in it. Hunts are put in flight with
 * the app's queries while it runs (each on its own issue by a distinct user, with Locate's comment there), then each
 * is handled once by the app over HTTP: a signed workflow_run.in_progress for one of its runs, which goes through
 * the delivery record, the run and hunt lookups, the per-hunt queue and lock, the snapshot, the render and the
 * comment edit. Starting 1,000 hunts by commands instead would take minutes: each costs several GitHub writes,
 * which the app rightly sends one at a time per installation.
 */
async function measureApp(pg: PostgresForBench, levels: readonly number[], compiled: CompiledBench, log: (line: string) => void): Promise<Sample[]> {
  const started = performance.now();
  const sb = await startSandbox({ history: { tags: TAGS }, seed: 5, defaultRole: "write", validateRequests: false });
  const databaseUrl = await pg.newDatabase("memory");
  const nodeFlags = startFlags();
  const start = async (url: string) => ServerProcess.start({ kind: "start", app: "locate", env: appEnv(sb.env, 0, { databaseUrl: url }), privateKey: sb.env.PRIVATE_KEY }, { exposeGc: true, nodeFlags, compiled });
  const twinUrl = await pg.newDatabase("memory_twin");
  const [app, twin] = await Promise.all([start(databaseUrl), start(twinUrl)]);
  const store = await openStore({ url: databaseUrl });
  const twinStore = await openStore({ url: twinUrl });
  const webhooks = new Webhooks({ secret: sb.env.WEBHOOK_SECRET });
  const newHunts = (from: number, to: number) => openHunts(sb, from, to);
  const send = sendAll;
  try {
    // The twin's few hunts, numbered apart from the others; as many as the deliveries in flight, so its per-hunt
    // queues do not make it handle them one at a time while the measured app handles eight at once.
    const twinHunts = await seedHunts(twinStore.db, seedRepo(sb), await newHunts(1_000_000, 1_000_000 + TWIN_HUNTS));
    const twinDeliveries = await Promise.all(twinHunts.map((run) => runInProgress(sb, webhooks, run)));
    const samples: Sample[] = [];
    const seeded: SeededRun[] = [];
    for (const level of levels) {
      const added = await seedHunts(store.db, seedRepo(sb), await newHunts(seeded.length, level));
      seeded.push(...added);
      if (added.length > 0) {
        const deliveries = await Promise.all(added.map((run) => runInProgress(sb, webhooks, run)));
        // As many deliveries to the twin, all about its same few hunts (each with a new delivery id, so each is handled).
        await Promise.all([send(app, deliveries), send(twin, deliveries.map((_, i) => twinDeliveries[i % TWIN_HUNTS] as PreparedDelivery))]);
        await waitRendered(sb, seeded);
      }
      const [memory, idle] = await Promise.all([app.memory(), twin.memory()]);
      samples.push({ hunts: level, ...memory, twin: idle });
    }
    assertRendered(sb, seeded);
    log(`  app process: ${seeded.length} hunts handled, ${sb.requests.length} API requests, ${seconds(performance.now() - started)}`);
    return samples;
  } finally {
    await Promise.all([store.close(), twinStore.close()]);
    await Promise.all([app.stop(), twin.stop()]);
    await sb.close();
  }
}

/**
 * The app's own process on its embedded default (no DATABASE_URL: PGlite in the app's process), started with
 * `npm start`'s node flags: the whole app as a single-repository installation runs it. A PGlite directory belongs to
 * one process, so hunts cannot be written beside the running app: at each level the app is stopped, the new hunts
 * are written into its directory with the app's queries, and it is started again and handles every hunt in flight
 * once (a signed workflow_run.in_progress each), as after a restart mid-hunt. Its twin restarts alongside and
 * handles as many deliveries about its few hunts.
 */
async function measureAppPglite(levels: readonly number[], compiled: CompiledBench, log: (line: string) => void): Promise<Sample[]> {
  const started = performance.now();
  const sb = await startSandbox({ history: { tags: TAGS }, seed: 5, defaultRole: "write", validateRequests: false });
  const dataDir = tempDir("app-pglite");
  const twinDir = tempDir("app-pglite-twin");
  const webhooks = new Webhooks({ secret: sb.env.WEBHOOK_SECRET });
  const nodeFlags = startFlags();
  const start = (dir: string) => ServerProcess.start({ kind: "start", app: "locate", env: appEnv(sb.env, 0, { dataDir: dir }), privateKey: sb.env.PRIVATE_KEY }, { exposeGc: true, nodeFlags, compiled });
  const seedInto = async (dir: string, hunts: readonly SeedHunt[]): Promise<SeededRun[]> => {
    const store = await openStore({ dataDir: dir });
    try {
      await store.migrate();
      return await seedHunts(store.db, seedRepo(sb), hunts);
    } finally {
      await store.close();
    }
  };
  const running: ServerProcess[] = [];
  try {
    const twinRuns = await seedInto(twinDir, await openHunts(sb, 1_000_000, 1_000_000 + TWIN_HUNTS));
    const twinDeliveries = await Promise.all(twinRuns.map((run) => runInProgress(sb, webhooks, run)));
    const samples: Sample[] = [];
    const seeded: SeededRun[] = [];
    for (const level of levels) {
      seeded.push(...(await seedInto(dataDir, await openHunts(sb, seeded.length, level))));
      const [app, twin] = await Promise.all([start(dataDir), start(twinDir)]);
      running.push(app, twin);
      if (seeded.length > 0) {
        const deliveries = await Promise.all(seeded.map((run) => runInProgress(sb, webhooks, run)));
        await Promise.all([sendAll(app, deliveries), sendAll(twin, deliveries.map((_, i) => twinDeliveries[i % TWIN_HUNTS] as PreparedDelivery))]);
        await waitRendered(sb, seeded);
      }
      const [memory, idle] = await Promise.all([app.memory(), twin.memory()]);
      samples.push({ hunts: level, ...memory, twin: idle });
      await Promise.all(running.splice(0).map((server) => server.stop()));
    }
    assertRendered(sb, seeded);
    log(`  app process on PGlite: ${seeded.length} hunts, ${seconds(performance.now() - started)}`);
    return samples;
  } finally {
    await Promise.all(running.map((server) => server.stop()));
    await sb.close();
    removeDir(dataDir);
    removeDir(twinDir);
  }
}

/**
 * The embedded PGlite store alone, in a process of its own: what the default deployment (no DATABASE_URL) adds to the
 * app's process per hunt. Hunts are written with the app's queries and each read back once, as the app reads a hunt
 * on every event.
 */
async function measurePglite(levels: readonly number[], compiled: CompiledBench, log: (line: string) => void): Promise<Sample[]> {
  const started = performance.now();
  const sb = await startSandbox({ history: { tags: TAGS }, seed: 5, validateRequests: false });
  const dataDir = tempDir("pglite");
  const twinDir = tempDir("pglite-twin");
  const nodeFlags = startFlags();
  const fork = () => Child.fork<StoreRequest>(compiled.script("store-process"), { exposeGc: true, nodeFlags, compiled: true });
  const child = fork();
  const twin = fork();
  try {
    await Promise.all([child.ask({ kind: "open", dataDir }), twin.ask({ kind: "open", dataDir: twinDir })]);
    await twin.ask({ kind: "seed", repo: seedRepo(sb), hunts: [{ index: 0, issue: 1, commentId: null }] });
    const samples: Sample[] = [];
    let count = 0;
    for (const level of levels) {
      const hunts = Array.from({ length: level - count }, (_, i) => ({ index: count + i, issue: count + i + 1, commentId: null }));
      await Promise.all([child.ask({ kind: "seed", repo: seedRepo(sb), hunts }), twin.ask({ kind: "reread", times: hunts.length })]);
      count = level;
      const [memory, idle] = await Promise.all([child.ask<MemorySample>({ kind: "measure" }), twin.ask<MemorySample>({ kind: "measure" })]);
      samples.push({ hunts: level, ...memory, twin: idle });
    }
    log(`  PGlite store: ${count} hunts, ${seconds(performance.now() - started)}`);
    return samples;
  } finally {
    await Promise.all([child.stop({ kind: "stop" }), twin.stop({ kind: "stop" })]);
    await sb.close();
    removeDir(dataDir);
    removeDir(twinDir);
  }
}

/**
 * Per hunt between the two upper levels, where one-off costs (code loaded on first use, JIT, pools) are on both
 * sides: what each further hunt adds.
 */
function marginal(samples: readonly Sample[], pick: (sample: Sample) => number): number {
  const middle = samples[1] as Sample;
  const top = samples[samples.length - 1] as Sample;
  return (pick(top) - pick(middle)) / (top.hunts - middle.hunts);
}

// Each reading less its idle twin's at the same moment.
const rss = (sample: Sample) => sample.rss - sample.twin.rss;
const anon = (sample: Sample) => sample.rssAnon - sample.twin.rssAnon;
const heap = (sample: Sample) => sample.heapUsed - sample.twin.heapUsed;
// Without the twin, for comparison: where reclaim hits the measured process harder than its twin, this is the closer one.
const rawAnon = (sample: Sample) => sample.rssAnon;

function rowsOf(label: string, samples: readonly Sample[]): string[][] {
  const top = samples[samples.length - 1];
  return samples.map((sample) => [
    label,
    integer(sample.hunts),
    bytes(sample.rss),
    bytes(sample.twin.rss),
    bytes(rss(sample)),
    bytes(anon(sample)),
    bytes(sample.heapUsed),
    bytes(sample.external),
    sample === top ? bytes(marginal(samples, rawAnon)) : "",
    sample === top ? bytes(marginal(samples, anon)) : "",
    sample === top ? bytes(marginal(samples, heap)) : "",
  ]);
}

export async function runMemoryBench(options: { quick: boolean; pg: PostgresForBench; log: (line: string) => void }): Promise<SectionResult> {
  const levels = options.quick ? [0, 50, 200] : [0, 100, 1_000];
  // Side by side: memory is not a timing, so sharing the CPU does not change it, and the section takes half as long.
  const compiled = await compileBench();
  let app: Sample[];
  let pglite: Sample[];
  let embedded: Sample[];
  try {
    [app, pglite] = await Promise.all([measureApp(options.pg, levels, compiled, options.log), measurePglite(levels, compiled, options.log)]);
    // After the others, not beside them: it restarts its processes at each level, and starts are CPU-bound.
    embedded = await measureAppPglite(levels, compiled, options.log);
  } finally {
    compiled.remove();
  }
  const embeddedIdle = (embedded[0] as Sample).rss;
  const embeddedTop = embedded[embedded.length - 1] as Sample;
  // Judged on anonymous RSS less the idle twin's: the file-backed part (node's own code) is dropped and reloaded by the
  // kernel at will, and cold pages of both kinds are reclaimed over time, moving RSS by more than 1,000 hunts could.
  const appPerHunt = marginal(app, anon);
  const span = `${integer(levels[1] ?? 0)} → ${integer(levels[levels.length - 1] ?? 0)}`;
  const apart = (levels[levels.length - 1] ?? 0) - (levels[1] ?? 0);
  const wasm = (sample: Sample) => sample.external;
  const targets: TargetResult[] = [
    {
      target: "memory: app process, anonymous RSS per hunt in flight < 50 KB (less a twin's; Postgres server)",
      measured: `${bytes(appPerHunt)} per hunt (${span}; without the twin ${bytes(marginal(app, rawAnon))}; V8 heap ${bytes(marginal(app, heap))})`,
      met: appPerHunt < TARGET_BYTES,
    },
    {
      target: "memory: whole app idle on the embedded default (PGlite), RSS ≤ 256 MB, flat with hunts in flight",
      measured: `${bytes(embeddedIdle)} idle; ${bytes(embeddedTop.rss)} with ${integer(embeddedTop.hunts)} hunts (${bytes(anon(embeddedTop) - anon(embedded[0] as Sample))} more anon RSS than at 0, less the twin's)`,
      met: embeddedIdle <= EMBEDDED_TARGET_BYTES && embeddedTop.rss <= EMBEDDED_TARGET_BYTES,
    },
  ];
  const table: Table = {
    title: "4. Memory with hunts in flight (RSS after a forced GC)",
    head: ["process", "hunts", "RSS", "twin RSS", "RSS − twin", "anon RSS − twin", "heap used", "external", "anon RSS / hunt", "anon − twin / hunt", "heap / hunt"],
    rows: [
      ...rowsOf("Locate app (store: Postgres server)", app),
      ...rowsOf("Locate app (store: embedded PGlite, the default)", embedded),
      ...rowsOf("embedded PGlite store alone", pglite),
    ],
    notes: [
      `Hunts in flight: written with the app's own queries (${TAGS} versions, the core's first 3 picks running, one event), each on its own issue by a distinct user. In the app's process each is then handled once over HTTP (a signed workflow_run.in_progress: delivery record, lookups, per-hunt queue and lock, the comment write stored; then the write scheduler renders and posts each comment, and memory is sampled once all are posted).`,
      "RSS = process.memoryUsage().rss after forced GCs (--expose-gc), the lowest of five readings over a second; anon RSS = RssAnon of /proc/self/status (heaps and WASM memory, without node's own code). Each process is measured at every level at the same moment as a twin started alongside that does the same work on a fixed few hunts (the same number of deliveries, about 8 hunts; or of snapshot reads, of 1 hunt), whose reading is subtracted: where the kernel reclaims cold pages (DAMON here) RSS drifts by tens of MB within a minute, and only a twin as busy as the process keeps as many pages warm.",
      `Every process runs with \`npm start\`'s node flags (${startFlags().join(" ")}), as the image does, from JavaScript compiled by tsc and run by plain node, as in production (no tsx loader in the measured processes). The app on embedded PGlite is restarted at each level (one process owns a PGlite directory, so the bench writes the hunts while it is stopped) and then handles every hunt in flight once; its twin restarts alongside.`,
      "The embedded PGlite store alone, seeded and read back, stays flat; the app on PGlite grows with hunts in flight by what the app on a Postgres server grows (the app's own part, outside the V8 heap) plus PGlite's page cache (shared_buffers, capped at 16 MB) and caches filling as more distinct rows are read and written.",
      `Per hunt = difference between ${span} hunts ÷ ${integer(apart)}: one-off warm-up (code loaded on first use, JIT, pools) is on both sides.`,
      `The embedded PGlite store (the default when DATABASE_URL is unset) lives in the app's process; it is measured alone, in a process of its own. Its WASM memory (in \`external\`) is ${bytes(wasm(pglite[0] as Sample))} with no hunts and ${bytes(wasm(pglite[pglite.length - 1] as Sample))} with ${integer(levels[levels.length - 1] ?? 0)}: it is allocated up front and does not grow with hunts, whose rows live on disk and in its fixed page cache; its RSS moves only with how much of that memory is resident.`,
      `RSS per hunt is at the edge of what can be resolved here: with ${integer(apart)} hunts between the levels, ±10 MB of unexplained movement is ±${bytes((10 * 1024 * 1024) / apart)} per hunt, and repeated runs on this machine differ by more, so both figures are shown (the verdict uses the one less the twin's); the V8 heap figure is exact. Not exercised: the permission cache (one entry per installation, repository and user for 60 s, at most 10,000 entries, whatever the number of hunts).`,
      `Target < 50 KB per hunt (app, anonymous RSS less the twin's): ${mark(appPerHunt < TARGET_BYTES)} ${bytes(appPerHunt)}.`,
    ],
  };
  return { tables: [table], targets };
}
