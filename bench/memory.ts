// Memory (§10): resident memory of the app process after a forced GC with 0, 100 and 1,000 hunts in flight, on PGlite and on Postgres.
import { startSandbox } from "../src/sandbox/index.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { type PostgresForBench, ServerProcess, type Storage, appEnv, removeDir, tempDir } from "./harness.js";
import { type SectionResult, type Table, type TargetResult, bytes, integer, mark, seconds } from "./table.js";

const TAGS = 20;
/** Runs that never finish during the measurement keep every hunt in flight (searching, runs queued or running). */
const RUN_FOREVER = { minMs: 3_600_000, maxMs: 3_600_000 };
/** Commands sent before waiting for their hunts: enough to keep the app busy, few enough that none waits past Probot's 9 s answer. */
const BATCH = Number(process.env.BATCH ?? 25);
const MODE = process.env.MODE ?? " auto";
const TARGET_BYTES = 50 * 1024;

interface Sample {
  readonly hunts: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

/**
 * Starts hunts through the app's own path, as a person would: an issue, a `/locate … auto` command from a distinct
 * user (so the permission cache holds one entry per hunt, its worst case), then waits until each hunt has its
 * comment and its first runs have reported in_progress.
 */
async function startHunts(sb: Sandbox, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const issues = await Promise.all(
      Array.from({ length: end - start }, async (_, i) => {
        const user = `user${start + i}`;
        const issue = await sb.openIssue({ user, title: `Regression ${start + i}` });
        await sb.postComment({ issue, user, body: `/locate v0.1.0..v0.${TAGS}.0${MODE}` });
        return issue;
      }),
    );
    await sb.waitFor(() => issues.every((issue) => sb.listComments(issue).some((c) => c.user === sb.botLogin && c.body.includes("<!-- locate:hunt:"))), {
      timeoutMs: 120_000,
      intervalMs: 20,
      message: `hunts ${start + 1}..${end} to start`,
    });
  }
  await sb.waitFor(() => sb.runs.every((run) => run.status === "in_progress"), { timeoutMs: 60_000, intervalMs: 20, message: "every run to be in progress" });
  await sb.idle();
}

async function measureStore(label: string, storage: Storage, levels: readonly number[], log: (line: string) => void): Promise<Sample[]> {
  const started = performance.now();
  const sb = await startSandbox({ history: { tags: TAGS }, seed: 5, runDuration: RUN_FOREVER, defaultRole: "write", validateRequests: false });
  let app: ServerProcess | undefined;
  try {
    app = await ServerProcess.start({ kind: "start", app: "locate", env: appEnv(sb.env, 0, storage), privateKey: sb.env.PRIVATE_KEY }, { exposeGc: true });
    sb.setWebhookTarget(app.url);
    const samples: Sample[] = [];
    let hunts = 0;
    for (const level of levels) {
      await startHunts(sb, hunts, level);
      hunts = level;
      const memory = await app.memory();
      samples.push({ hunts, rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external });
    }
    const failed = sb.deliveries.filter((d) => d.outcome !== "delivered").length;
    log(`  ${label}: ${hunts} hunts, ${sb.runs.length} runs in flight, ${sb.requests.length} API requests, ${failed} failed deliveries, ${seconds(performance.now() - started)}`);
    return samples;
  } finally {
    sb.setWebhookTarget(undefined);
    await app?.stop();
    await sb.close();
  }
}

export async function runMemoryBench(options: { quick: boolean; pg: PostgresForBench; log: (line: string) => void }): Promise<SectionResult> {
  const levels = options.quick ? [0, 50, 200] : [0, 100, 1_000];
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
      // The first hunts also pay for warming up (code loaded on first use, JIT, connection pools): the marginal
      // cost between the two upper levels is what each further hunt adds, and what the target is judged on.
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
      `Each hunt is started by a distinct user through the app (an issue and \`/locate v0.1.0..v0.${TAGS}.0 auto\` on a ${TAGS}-tag sandbox repository) and stays in flight: its runs never finish. RSS = process.memoryUsage().rss of the app's own process (run with --expose-gc), after four forced GCs.`,
      "With PGlite the database (its WASM heap and page cache) lives in the app's process and counts; with a Postgres server only the app's own memory does. The target is judged on the marginal cost between the two upper levels, which leaves out one-off warm-up.",
    ],
  };
  return { tables: [table], targets };
}
