// `npm run demo`: the sandbox GitHub and Locate (PGlite in a temp dir) in one process; a whole hunt driven from an issue, printed as it happens.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadEnv } from "../config/env.js";
import type { RunningLocate } from "../main.js";
import { createLogger, startLocate } from "../main.js";
import { findState, parseResultMarker } from "../render/markers.js";
import { Graph, loadHistoryFile } from "./history.js";
import type { Sandbox } from "./index.js";
import { startSandbox } from "./index.js";
import { prng, seedFrom } from "./prng.js";
import { syntheticHistory } from "./synthetic.js";
import { freePort } from "./ports.js";
import { commentToTerminal } from "./terminal.js";
import type { RequestLogEntry } from "./types.js";

const USAGE = `usage: npm run demo [-- options]

  --history <file|name>  a history .json.gz, or a fixture name such as pallets__flask or nodejs/undici
                         (default: a synthetic repository)
  --tags N               synthetic: how many tags to make; history: about how many tags the range spans (default 40)
  --first-bad TAG        the hidden first bad tag (default: picked from the seed)
  --parallel k           runs per auto-pilot round, 1..10 (default: Locate's own, 3)
  --flaky p              chance 0..1 that a run reports the wrong verdict (then the answer may be wrong)
  --seed S               integer seed for the repository, the hidden first bad and the runs (default: random, printed)
  --timeout S            give up after S seconds of hunting (default 60)
  -h, --help`;

const USER = "alice";
const DEMO_REPRO = "npx widgets render --strict | grep -q widget";
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The shared fixtures sit beside the repository (…/main and …/shared), locally and on CI. */
const FIXTURES_DIR = resolve(REPO_ROOT, "../shared/fixtures/histories");
const FINAL_STATES = new Set(["found", "cancelled", "failed"]);
// Long enough to watch runs go queued → running → done, short enough that a default demo takes seconds.
const RUN_DURATION = { minMs: 200, maxMs: 700 };
const WRITE_INTERVAL_MS = "10";
const DATA_DIR_PREFIX = "locate-demo-";

interface DemoOptions {
  history: string | undefined;
  tags: number;
  firstBad: string | undefined;
  parallel: number | undefined;
  flaky: number;
  seed: number;
  timeoutMs: number;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): DemoOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      history: { type: "string" },
      tags: { type: "string" },
      "first-bad": { type: "string" },
      parallel: { type: "string" },
      flaky: { type: "string" },
      seed: { type: "string" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const number = (name: string, raw: string | undefined, check: (n: number) => boolean, fallback: number): number => {
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(parsed) || !check(parsed)) throw new UsageError(`--${name} ${raw} is out of range`);
    return parsed;
  };
  return {
    history: values.history,
    tags: number("tags", values.tags, (n) => Number.isInteger(n) && n >= 2 && n <= 5_000, 40),
    firstBad: values["first-bad"],
    parallel: values.parallel === undefined ? undefined : number("parallel", values.parallel, (n) => Number.isInteger(n) && n >= 1 && n <= 10, 3),
    flaky: number("flaky", values.flaky, (n) => n >= 0 && n <= 1, 0),
    seed: number("seed", values.seed, (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, Math.floor(Math.random() * 100_000)),
    timeoutMs: number("timeout", values.timeout, (n) => n > 0 && n <= 3_600, 60) * 1_000,
  };
}

/** A path as given, or a fixture name (`pallets__flask`, `pallets/flask`) looked up in the shared fixtures folder. */
function resolveHistoryPath(given: string): string {
  if (existsSync(given)) return given;
  const stem = given.replace("/", "__").replace(/\.json\.gz$/, "");
  const fixture = join(FIXTURES_DIR, `${stem}.json.gz`);
  if (existsSync(fixture)) return fixture;
  throw new UsageError(`--history ${given}: no such file, and no fixture ${fixture}`);
}

interface Scenario {
  good: string;
  bad: string;
  firstBad: string;
  /** An old tag whose dependencies no longer install (issue 14): its runs fail at "Install dependencies", and Locate skips it. */
  doesNotBuild: string | null;
  /** Tags in the range that are neither ancestors nor descendants of the first bad: they test good although they come later. */
  parallel: string[];
}

/**
 * Picks `/locate good..bad` and the hidden first bad so the answer is well defined: good is an ancestor of the first bad,
 * the first bad an ancestor of bad, all three on the default branch. Without --first-bad, it is drawn from the tags in
 * the range that every other tag in the range is an ancestor or a descendant of, so release lines merged in sideways
 * cannot make the right answer ambiguous.
 */
function chooseScenario(graph: Graph, options: DemoOptions): Scenario {
  const rand = prng(seedFrom(options.seed, "demo-scenario"));
  const onDefault = graph.ancestors(graph.tip);
  // Topological order; several tags on one commit are one version.
  const line = onePerCommit(graph.tags.filter((t) => onDefault[t.index]).sort((a, b) => a.index - b.index || a.name.localeCompare(b.name)));
  if (line.length < 2) throw new UsageError(`${graph.repo} has fewer than two tags on ${graph.defaultBranch}`);
  const span = Math.max(1, options.tags - 1);
  const at = (i: number) => line[i]!;

  if (options.firstBad !== undefined) {
    const target = graph.tag(options.firstBad);
    if (!target) throw new UsageError(`--first-bad ${options.firstBad} is not a tag of ${graph.repo}`);
    const position = line.findIndex((t) => t.index === target.index);
    if (position < 0) throw new UsageError(`--first-bad ${options.firstBad} is not on ${graph.defaultBranch}; pick a tag that is`);
    if (position === 0) throw new UsageError(`--first-bad ${options.firstBad} is the oldest tag on ${graph.defaultBranch}: no good tag comes before it`);
    const above = Math.min(line.length - 1 - position, rand.int(0, span - 1));
    const below = Math.max(1, Math.min(position, span - above));
    let badAt = position + above;
    while (badAt > position && !graph.isAncestor(target.index, at(badAt).index)) badAt--;
    let goodAt = position - below;
    while (goodAt < position && !graph.isAncestor(at(goodAt).index, target.index)) goodAt++;
    if (goodAt === position) throw new UsageError(`no tag on ${graph.defaultBranch} before ${options.firstBad} is its ancestor`);
    // A release line merged in after the first bad would test good after it; a bad end before that merge keeps it out.
    let parallel = incomparable(graph, target.index, rangeTags(graph, at(goodAt).index, at(badAt).index));
    while (parallel.length > 0 && badAt > position) {
      badAt--;
      if (!graph.isAncestor(target.index, at(badAt).index)) continue;
      parallel = incomparable(graph, target.index, rangeTags(graph, at(goodAt).index, at(badAt).index));
    }
    return { good: at(goodAt).name, bad: at(badAt).name, firstBad: target.name, doesNotBuild: oldBrokenTag(graph, at(goodAt).index, target.index), parallel };
  }

  const badAt = line.length - 1;
  let goodAt = Math.max(0, badAt - span);
  while (goodAt < badAt - 1 && !graph.isAncestor(at(goodAt).index, at(badAt).index)) goodAt++;
  const range = rangeTags(graph, at(goodAt).index, at(badAt).index);
  const clean = range.filter((t) => incomparable(graph, t.index, range).length === 0);
  const firstBad = rand.pick(clean.length > 0 ? clean : range);
  return {
    good: at(goodAt).name,
    bad: at(badAt).name,
    firstBad: firstBad.name,
    doesNotBuild: oldBrokenTag(graph, at(goodAt).index, firstBad.index),
    parallel: incomparable(graph, firstBad.index, range),
  };
}

/**
 * A tag halfway between good and the first bad, when at least three tags lie between them: old enough that its
 * dependencies no longer install, and never the last good one, so skipping it cannot blur the answer.
 */
function oldBrokenTag(graph: Graph, good: number, firstBad: number): string | null {
  const before = rangeTags(graph, good, firstBad).filter((tag) => tag.index !== firstBad && graph.isAncestor(tag.index, firstBad));
  return before.length >= 3 ? (before[Math.floor((before.length - 1) / 2)]?.name ?? null) : null;
}

/** The first tag of each commit, in the given order. */
function onePerCommit<T extends { index: number }>(tags: readonly T[]): T[] {
  const seen = new Set<number>();
  return tags.filter((tag) => !seen.has(tag.index) && seen.add(tag.index));
}

/** `git tag --merged bad --no-merged good`, one tag per commit. */
function rangeTags(graph: Graph, good: number, bad: number): Array<{ name: string; index: number }> {
  const fromBad = graph.ancestors(bad);
  const fromGood = graph.ancestors(good);
  return onePerCommit(graph.tags.filter((t) => fromBad[t.index] && !fromGood[t.index]));
}

function incomparable(graph: Graph, index: number, range: ReadonlyArray<{ name: string; index: number }>): string[] {
  const up = graph.ancestors(index);
  const down = graph.descendants(index);
  return range.filter((t) => !up[t.index] && !down[t.index]).map((t) => t.name);
}

/** Probot's Server cannot listen on port 0, so the demo asks the OS for a free port first. */

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

function rule(label: string, width = 78): string {
  const head = `── ${label} `;
  return head + "─".repeat(Math.max(3, width - head.length));
}

/** Runs the demo and resolves with the exit code; `resources` is filled as things start, so Ctrl-C can stop what exists. */
async function runDemo(options: DemoOptions, resources: Resources): Promise<number> {
  const started = performance.now();
  const ansi = process.stdout.isTTY === true;
  const historyPath = options.history === undefined ? undefined : resolveHistoryPath(options.history);
  const graph = new Graph(historyPath ? loadHistoryFile(historyPath) : syntheticHistory(options.tags, options.seed));
  const scenario = chooseScenario(graph, options);

  const printed = new Map<number, string>();
  let issueNumber = -1;
  let edits = 0;
  // The sandbox reports every API call as it answers it, so each comment write is printed exactly once, in order.
  const onRequest = (entry: RequestLogEntry) => {
    const sb = resources.sandbox;
    if (!sb || entry.status >= 300) return;
    if (entry.route.endsWith("/reactions") && entry.method === "POST") {
      console.log(`👀 ${sb.botLogin} reacted to the command`);
      return;
    }
    const isCommentWrite =
      (entry.method === "POST" && entry.route === "POST /repos/{owner}/{repo}/issues/{issue_number}/comments") ||
      (entry.method === "PATCH" && entry.route === "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}");
    if (!isCommentWrite) return;
    const id = (entry.response as { id?: unknown } | null)?.id;
    const comment = typeof id === "number" ? sb.getComment(id) : undefined;
    if (!comment || comment.issue !== issueNumber || printed.get(comment.id) === comment.body) return;
    const isNew = !printed.has(comment.id);
    printed.set(comment.id, comment.body);
    edits++;
    const what = comment.body.includes("locate:hunt:") ? "hunt comment" : "reply";
    console.log(`\n${rule(`${sb.botLogin} ${isNew ? "posted" : "edited"} its ${what} · ${elapsed(started)}`)}\n`);
    console.log(commentToTerminal(comment.body, { ansi }));
  };

  const sb = await startSandbox({
    ...(historyPath ? { history: historyPath } : { history: { tags: options.tags } }),
    firstBad: scenario.firstBad,
    seed: options.seed,
    runDuration: RUN_DURATION,
    flakeRate: options.flaky,
    permissions: { [USER]: "write" },
    // The template's workflow: it takes the reproduction from the issue, and its steps are named (issue 14).
    workflowInputs: ["ref", "tag", "locate_id", "repro", "repro_lang"],
    ...(scenario.doesNotBuild ? { doesNotBuild: [scenario.doesNotBuild] } : {}),
    onRequest,
  });
  resources.sandbox = sb;
  removeAbandonedDataDirs();
  resources.dataDir = mkdtempSync(join(tmpdir(), `${DATA_DIR_PREFIX}${process.pid}-`));
  resources.app = await startApp(sb, resources.dataDir);
  sb.setWebhookTarget(`http://127.0.0.1:${resources.app.port}/api/github/webhooks`);

  const source = historyPath ? `${graph.repo} (from ${historyPath})` : `${graph.repo} (synthetic)`;
  console.log(`Sandbox GitHub at ${sb.url}: ${source}, ${graph.tags.length} tags, seed ${options.seed}.`);
  console.log(`Locate on port ${resources.app.port} with PGlite in ${resources.dataDir}. The hidden first bad tag is revealed at the end.`);
  const between = rangeTags(graph, graph.tag(scenario.good)!.index, graph.tag(scenario.bad)!.index).length - 1;
  console.log(`Range ${scenario.good}..${scenario.bad}: both on ${graph.defaultBranch}, ${scenario.good} an ancestor of ${scenario.bad}, ${between} tagged versions in between.`);
  if (scenario.parallel.length > 0) {
    console.log(`Note: ${scenario.parallel.length} tags in the range are on a parallel line to the first bad (${scenario.parallel.slice(0, 5).join(", ")}…): they test good.`);
  }

  if (scenario.doesNotBuild) console.log(`${scenario.doesNotBuild} no longer builds (its dependencies fail to install): if Locate runs it, the run must count as skipped, not bad.`);

  issueNumber = await sb.openIssue({ user: USER, title: "Something broke between releases" });
  const command = `/locate ${scenario.good}..${scenario.bad}${options.parallel !== undefined ? ` parallel=${options.parallel}` : ""}`;
  // The reproduction rides along in the comment, as a fenced block: every run gets it as the input `repro`.
  const comment = ["`widgets render` prints nothing any more:", "", "```sh", DEMO_REPRO, "```", "", command].join("\n");
  console.log(`\n${USER} opened issue #${issueNumber} and commented:\n\n${comment.replace(/^/gm, "    ")}`);
  await sb.postComment({ issue: issueNumber, user: USER, body: comment });

  const huntComment = await waitUntil(() => sb.listComments(issueNumber).find((c) => c.user === sb.botLogin && c.body.includes("locate:hunt:")), 20_000);
  if (!huntComment) {
    console.log(`\n✘ Locate did not start a hunt within 20 s${printed.size > 0 ? "; its reply is above" : ""}.`);
    return 1;
  }
  console.log(`\n${rule(`${USER} ticks 🤖 Auto-pilot · ${elapsed(started)}`)}`);
  await sb.tick({ commentId: huntComment.id, user: USER, marker: "locate:auto" });

  const huntStarted = performance.now();
  const finalBody = await waitUntil(() => {
    const body = sb.getComment(huntComment.id)?.body ?? "";
    return FINAL_STATES.has(findState(body) ?? "") ? body : undefined;
  }, options.timeoutMs);
  const body = finalBody ?? sb.getComment(huntComment.id)?.body ?? "";
  // The starter is told in a new comment right after the answer (issue 14): wait for it, so it prints before the summary.
  if (finalBody !== undefined) await waitUntil(() => sb.listComments(issueNumber).find((c) => c.body.includes("<!-- locate:notify:")), 5_000);
  return summarize({ sb, body, finished: finalBody !== undefined, options, scenario, started, huntStarted, edits });
}

/**
 * PGlite directories of earlier demos whose process is gone. A demo cleans up after itself, even on Ctrl-C, but
 * `npm run demo` runs under tsx, which SIGKILLs its child when the child is too busy (say, starting PGlite) to
 * acknowledge a relayed signal within 30 ms; the pid in the name tells which directories nobody owns any more.
 */
function removeAbandonedDataDirs(): void {
  for (const entry of readdirSync(tmpdir())) {
    const pid = new RegExp(`^${DATA_DIR_PREFIX}(\\d+)-`).exec(entry)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but someone else's.
    return (error as { code?: string }).code === "EPERM";
  }
}

async function startApp(sb: Sandbox, dataDir: string): Promise<RunningLocate> {
  // The port can be taken between asking and listening; a couple of tries make that race harmless.
  for (let attempt = 1; ; attempt++) {
    const env = loadEnv({
      ...sb.env,
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      LOCATE_DATA_DIR: dataDir,
      LOCATE_WRITE_INTERVAL_MS: WRITE_INTERVAL_MS,
      LOG_LEVEL: "warn",
    });
    try {
      return await startLocate(env, sb.env.PRIVATE_KEY, createLogger(env));
    } catch (error) {
      if (attempt >= 3 || (error as { code?: string }).code !== "EADDRINUSE") throw error;
    }
  }
}

interface Outcome {
  sb: Sandbox;
  body: string;
  finished: boolean;
  options: DemoOptions;
  scenario: Scenario;
  started: number;
  huntStarted: number;
  edits: number;
}

function summarize({ sb, body, finished, options, scenario, started, huntStarted, edits }: Outcome): number {
  const hidden = sb.firstBad.tag ?? sb.firstBad.sha;
  const result = parseResultMarker(body);
  const state = findState(body) ?? "unknown";
  const rounds = /Round (\d+)/.exec(body)?.[1] ?? "0";
  const flakes = sb.runs.filter((run) => run.outcome === "flake");
  const unbuilt = sb.runs.filter((run) => run.outcome === "does-not-build").length;
  const stats = `${sb.runs.length} runs in ${rounds} rounds${unbuilt > 0 ? ` (${unbuilt} did not build, skipped)` : ""} · ${edits} comment writes · ${sb.requests.length} API requests · hunt ${elapsed(huntStarted)}, total ${elapsed(started)}`;
  const flakeNote =
    flakes.length > 0
      ? `${flakes.length} of ${sb.runs.length} runs were flaky (reported the opposite of the truth): ${flakes.map((run) => `${run.inputs.tag ?? run.headSha.slice(0, 7)} said ${run.conclusion}`).join(", ")}.`
      : "";

  console.log(`\n${rule("summary")}`);
  if (!finished || !result) {
    const why = finished ? `The hunt ended ${state} without naming a first bad tag` : `No answer within ${options.timeoutMs / 1000} s (state: ${state})`;
    console.log(`✘ ${why}; the hidden first bad tag was ${hidden}. ${stats}`);
    if (flakeNote) console.log(flakeNote);
    for (const line of trouble(sb, !finished)) console.log(line);
    return 1;
  }
  // Tags sharing the first bad commit are one version, which Locate names by one of them.
  const namedSha = sb.tags.find((tag) => tag.name === result.firstBad)?.sha;
  const correct = result.candidates.length === 1 && namedSha === sb.firstBad.sha;
  if (correct) {
    console.log(`✔ Locate found the first bad tag ${result.firstBad} (last good ${result.lastGood}); the hidden first bad tag is ${hidden}. ${stats}`);
    if (flakeNote) console.log(`${flakeNote} They did not mislead it this time.`);
    return 0;
  }
  const named = result.candidates.length > 1 ? `one of ${result.candidates.join(", ")}` : result.firstBad;
  console.log(`✘ Locate named ${named} but the hidden first bad tag is ${hidden}. ${stats}`);
  if (flakeNote) console.log(`${flakeNote} Bisection trusts each verdict, so a flaky run sends it the wrong way; /locate retry <tag> re-tests one.`);
  else if (scenario.parallel.length > 0) console.log(`Tags on a parallel release line (${scenario.parallel.join(", ")}) test good after the first bad, so the range has no single answer.`);
  else {
    console.log(`No run was flaky, so this is a bug in Locate or in the sandbox: please report it with --seed ${options.seed}.`);
    for (const line of trouble(sb, false)) console.log(line);
  }
  return 1;
}

/**
 * What went wrong on the wire, for a hunt that did not end well: failed webhook deliveries and API errors, and when
 * the hunt timed out, the deliveries Locate has not answered yet (a handler that hangs shows up there).
 */
function trouble(sb: Sandbox, withPending: boolean): string[] {
  const lines: string[] = [];
  for (const delivery of sb.deliveries.filter((d) => d.outcome === "failed" || (withPending && d.outcome === "pending")).slice(-10)) {
    lines.push(`  webhook ${delivery.event}.${delivery.action ?? ""} ${delivery.outcome}${delivery.status ? ` ${delivery.status}` : ""}${delivery.error ? `: ${delivery.error}` : ""}`);
  }
  // A missing .github/locate.yml answers 404, which is how the app learns there is none.
  for (const request of sb.requests.filter((r) => r.status >= 400 && !r.route.includes("/contents/")).slice(-10)) {
    lines.push(`  API ${request.route} → ${request.status}`);
  }
  return lines.length > 0 ? ["What went wrong on the wire (last ten of each):", ...lines] : [];
}

async function waitUntil<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (performance.now() >= deadline) return undefined;
    await new Promise((done) => setTimeout(done, 20));
  }
}

interface Resources {
  sandbox?: Sandbox;
  app?: RunningLocate;
  dataDir?: string;
}

/** Stops what was started, newest first; never throws, and gives up on a step that hangs. */
async function release(resources: Resources): Promise<void> {
  const bounded = (work: Promise<unknown>) => Promise.race([work.catch(() => undefined), new Promise((done) => setTimeout(done, 10_000).unref())]);
  // No more webhooks: runs still in flight would otherwise be delivered to a server that is shutting down.
  resources.sandbox?.setWebhookTarget(undefined);
  if (resources.app) await bounded(resources.app.stop());
  if (resources.sandbox) await bounded(resources.sandbox.close());
  if (resources.dataDir) rmSync(resources.dataDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  let options: DemoOptions | "help";
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  const resources: Resources = {};
  let stopping = false;
  let firstSignalAt = 0;
  const interrupt = (signal: NodeJS.Signals) => {
    // In a terminal, Ctrl-C reaches tsx and this process, and tsx may relay it once more: one press, two signals.
    if (stopping && performance.now() - firstSignalAt < 1_000) return;
    if (stopping) {
      // A second Ctrl-C: leave at once, but not with a PGlite directory left behind.
      if (resources.dataDir) rmSync(resources.dataDir, { recursive: true, force: true });
      process.exit(130);
    }
    stopping = true;
    firstSignalAt = performance.now();
    console.log(`\n${signal}: stopping Locate and the sandbox…`);
    void release(resources).then(() => process.exit(130));
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);

  let code: number;
  try {
    code = await runDemo(options, resources);
  } catch (error) {
    console.error(`\n✘ ${error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    code = error instanceof UsageError ? 2 : 1;
  }
  if (stopping) return;
  stopping = true;
  await release(resources);
  process.exit(code);
}

void main();
