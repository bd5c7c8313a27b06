// API cost (§10): whole auto-pilot hunts on the sandbox, GitHub requests by endpoint and phase (resolving, each round, finding).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../src/db/client.js";
import { runs as runsTable, versions as versionsTable } from "../src/db/schema.js";
import { parseResultMarker } from "../src/render/markers.js";
import { Graph, loadHistoryFile } from "../src/sandbox/history.js";
import { startSandbox } from "../src/sandbox/index.js";
import type { RequestLogEntry } from "../src/sandbox/index.js";
import { prng, seedFrom } from "../src/sandbox/prng.js";
import { syntheticHistory } from "../src/sandbox/synthetic.js";
import { HISTORIES_DIR, type PostgresForBench, USER, startAppInProcess } from "./harness.js";
import { type Phases, count, splitPhases } from "./phases.js";
import { type SectionResult, type Table, type TargetResult, ceilLog, fixed, integer, mark, seconds } from "./table.js";

const COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}";
const GET_RUN = "GET /repos/{owner}/{repo}/actions/runs/{run_id}";
const TAGS = "GET /repos/{owner}/{repo}/tags";
const EDIT_COMMENT = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";
const GRAPHQL = "POST /graphql";
const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";
const CREATE_COMMENT = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
/** The requests that resolve a range: everything else before the first dispatch is the same whatever the path. */
const RESOLVING_ROUTES = new Set([TAGS, COMPARE, GRAPHQL]);
/** Locate resolves at most 300 compare pages (30,000 commits); ranges are kept well below that. */
const MAX_RANGE_COMMITS = 20_000;
/** Short runs keep the whole section quick; the order of events, not their spacing, decides what gets requested. */
const RUN_DURATION = { minMs: 30, maxMs: 90 };
const SEED = 7;

interface HuntPlan {
  readonly label: string;
  readonly history: string | { tags: number };
  /** Runs per round (the `parallel=` option); undefined = Locate's default, 3. */
  readonly parallel?: number;
  /** Runs long enough for the reconciler's periodic pass to see them in flight, and that pass's period. */
  readonly slowRuns?: { readonly runDuration: { minMs: number; maxMs: number }; readonly reconcileSeconds: number };
}

interface Range {
  readonly good: string;
  readonly bad: string;
  readonly firstBad: string;
  readonly commits: number;
  readonly tagsInRepo: number;
}

/**
 * good..bad along the default branch: bad is its newest tag, good the oldest tag on it that is an ancestor of bad
 * with at most MAX_RANGE_COMMITS commits between them. The hidden first bad is a seeded tag of the range that every
 * other tag in the range is an ancestor or descendant of, so the right answer is a single, well-defined version.
 */
function chooseRange(graph: Graph, seed: number): Range {
  const onDefault = graph.ancestors(graph.tip);
  const byCommit = new Map(
    graph.tags
      .filter((t) => onDefault[t.index])
      .sort((a, b) => a.index - b.index || a.name.localeCompare(b.name))
      .map((t) => [t.index, t] as const),
  );
  const line = [...byCommit.values()];
  const bad = line[line.length - 1];
  if (!bad || line.length < 3) throw new Error(`${graph.repo}: fewer than three tags on ${graph.defaultBranch}`);
  const commitsFrom = (goodAt: number) => graph.compare(line[goodAt]!.index, bad.index)?.aheadBy ?? Number.POSITIVE_INFINITY;
  // Commits in range shrink as good moves up the line, so a binary search finds the oldest good within the limit.
  let low = 0;
  let high = line.length - 2;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (commitsFrom(middle) <= MAX_RANGE_COMMITS) high = middle;
    else low = middle + 1;
  }
  let goodAt = low;
  while (goodAt < line.length - 2 && !graph.isAncestor(line[goodAt]!.index, bad.index)) goodAt++;
  const good = line[goodAt]!;

  const fromBad = graph.ancestors(bad.index);
  const fromGood = graph.ancestors(good.index);
  const inRange = [...new Map(graph.tags.filter((t) => fromBad[t.index] && !fromGood[t.index]).map((t) => [t.index, t] as const)).values()];
  const rand = prng(seedFrom(seed, graph.repo, "first-bad"));
  const shuffled = inRange.map((t) => ({ t, key: rand.next() })).sort((a, b) => a.key - b.key).map(({ t }) => t);
  const clean = shuffled.find((t) => {
    const up = graph.ancestors(t.index);
    const down = graph.descendants(t.index);
    return inRange.every((other) => up[other.index] || down[other.index]);
  });
  return {
    good: good.name,
    bad: bad.name,
    firstBad: (clean ?? shuffled[0] ?? bad).name,
    commits: commitsFrom(goodAt),
    tagsInRepo: graph.tags.length,
  };
}

interface HuntCost {
  readonly plan: HuntPlan;
  readonly range: Range;
  readonly k: number;
  readonly versions: number;
  readonly runs: number;
  readonly phases: Phases;
  readonly total: number;
  readonly edits: number;
  /** PATCHes of the hunt comment itself, by phase. */
  readonly huntEdits: { readonly resolving: number; readonly rounds: readonly number[]; readonly finding: number; readonly total: number };
  readonly correct: boolean;
  readonly ms: number;
}

async function measureHunt(plan: HuntPlan, pg: PostgresForBench): Promise<HuntCost> {
  const started = performance.now();
  const historyPath = typeof plan.history === "string" ? join(HISTORIES_DIR, plan.history) : undefined;
  const graph = new Graph(historyPath ? loadHistoryFile(historyPath) : syntheticHistory((plan.history as { tags: number }).tags, SEED));
  const range = chooseRange(graph, SEED);
  const sb = await startSandbox({
    history: historyPath ?? plan.history,
    seed: SEED,
    firstBad: range.firstBad,
    runDuration: plan.slowRuns?.runDuration ?? RUN_DURATION,
    permissions: { [USER]: "write" },
    // The sandbox checks every request against GitHub's OpenAPI description; that costs it time, not the app requests.
    validateRequests: false,
  });
  // Postgres rather than the default PGlite: a fresh PGlite takes seconds to initialise, and the store does not change what is requested.
  const databaseUrl = await pg.newDatabase("api");
  const app = await startAppInProcess(sb, { databaseUrl }, plan.slowRuns ? { LOCATE_RECONCILE_SECONDS: String(plan.slowRuns.reconcileSeconds) } : {});
  let roundOfToken = new Map<string, number>();
  let versions = 0;
  let body = "";
  let commentId: number | undefined;
  try {
    const issue = await sb.openIssue({ user: USER, title: "Something broke between releases" });
    const command = `/locate ${range.good}..${range.bad} auto${plan.parallel !== undefined ? ` parallel=${plan.parallel}` : ""}`;
    await sb.postComment({ issue, user: USER, body: command });
    const found = await sb.waitFor(
      () => sb.listComments(issue).find((c) => c.user === sb.botLogin && c.body.includes("<!-- locate:state:found -->")),
      { timeoutMs: 180_000, intervalMs: 20, message: `the hunt ${command} on ${plan.label} to be found` },
    );
    body = found.body;
    commentId = found.id;
    await sb.idle();
  } finally {
    await app.stop();
    await sb.close();
  }
  // Rounds are the app's own numbering, read back from its store.
  const store = await openStore({ url: databaseUrl });
  try {
    const rows = await store.db.select({ token: runsTable.token, round: runsTable.round }).from(runsTable);
    roundOfToken = new Map(rows.filter((row) => row.token !== null).map((row) => [row.token as string, row.round]));
    // One hunt per fresh store, so every version row is this hunt's.
    versions = (await store.db.select({ position: versionsTable.position }).from(versionsTable)).length;
  } finally {
    await store.close();
  }
  const result = parseResultMarker(body);
  const namedSha = result ? sb.tags.find((tag) => tag.name === result.firstBad)?.sha : undefined;
  const phases = splitPhases(sb.requests, roundOfToken, Math.max(0, ...sb.runs.map((run) => run.completedAt ?? 0)));
  const huntEdits = (requests: readonly RequestLogEntry[]) => requests.filter((request) => request.route === EDIT_COMMENT && request.path.endsWith(`/issues/comments/${commentId}`)).length;
  return {
    plan,
    range,
    k: plan.parallel ?? 3,
    versions,
    runs: sb.runs.length,
    phases,
    total: sb.requests.length,
    edits: sb.requests.filter((request) => request.route === EDIT_COMMENT).length,
    huntEdits: { resolving: huntEdits(phases.resolving), rounds: phases.rounds.map(huntEdits), finding: huntEdits(phases.finding), total: huntEdits(sb.requests) },
    correct: result !== null && result.candidates.length === 1 && namedSha === sb.firstBad.sha,
    ms: performance.now() - started,
  };
}


function summaryRow(cost: HuntCost): { row: string[]; target: TargetResult } {
  const { phases, range, k } = cost;
  const perRound = phases.rounds.map((round) => round.length);
  const mean = perRound.reduce((a, b) => a + b, 0) / Math.max(1, perRound.length);
  const max = Math.max(0, ...perRound);
  const met = max <= k + 3;
  const tags = count(phases.resolving, TAGS);
  const compare = count(phases.resolving, COMPARE);
  const graphql = count(phases.resolving, GRAPHQL);
  return {
    row: [
      cost.plan.label,
      `${range.good}..${range.bad}`,
      integer(range.tagsInRepo),
      integer(cost.versions),
      integer(range.commits),
      String(k),
      String(phases.rounds.length),
      // The pure core's bound for this hunt: versions - 1 possible answers above the good end.
      String(ceilLog(Math.max(1, cost.versions - 1), k + 1)),
      String(cost.runs),
      `${phases.resolving.length} (${[tags > 0 ? `${tags} tags` : "", compare > 0 ? `${compare} compare` : "", graphql > 0 ? `${graphql} GraphQL` : ""].filter(Boolean).join(" + ") || "none"})`,
      String(Math.ceil(range.tagsInRepo / 100) + 10),
      fixed(mean, 1),
      perRound.join(" · "),
      String(phases.finding.length),
      String(cost.total),
      String(cost.edits),
      String(count([...phases.resolving, ...phases.rounds.flat(), ...phases.finding], GET_RUN)),
      cost.correct ? "yes" : "NO",
      mark(met),
    ],
    // Round 1 apart from the others: it also carries the endpoint checks and creates the comment.
    target: {
      target: `API: requests per auto-pilot round ≤ k + 3 = ${k + 3} (${cost.plan.label})`,
      measured: `${cost.plan.label} (k=${k}): round 1 ${perRound[0] ?? 0}, later ≤ ${Math.max(0, ...perRound.slice(1))}`,
      met,
    },
  };
}

/** Requests per endpoint: per hunt for resolving and finding, per round for the rounds; `hunts` are averaged. */
function endpointRows(hunts: readonly HuntCost[]): string[][] {
  const routes = new Set(hunts.flatMap((h) => [...h.phases.resolving, ...h.phases.rounds.flat(), ...h.phases.finding].map((r) => r.route)));
  const roundCount = hunts.reduce((sum, h) => sum + h.phases.rounds.length, 0);
  const rows = [...routes].map((route) => {
    const resolving = hunts.reduce((sum, h) => sum + count(h.phases.resolving, route), 0) / hunts.length;
    const perRound = hunts.reduce((sum, h) => sum + h.phases.rounds.reduce((s, round) => s + count(round, route), 0), 0) / Math.max(1, roundCount);
    const finding = hunts.reduce((sum, h) => sum + count(h.phases.finding, route), 0) / hunts.length;
    const total = hunts.reduce((sum, h) => sum + count([...h.phases.resolving, ...h.phases.rounds.flat(), ...h.phases.finding], route), 0) / hunts.length;
    return { route, resolving, perRound, finding, total };
  });
  rows.sort((a, b) => b.total - a.total || a.route.localeCompare(b.route));
  const sum = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((s, row) => s + pick(row), 0);
  return [
    ...rows.map((row) => [row.route, fixed(row.resolving, 1), fixed(row.perRound, 2), fixed(row.finding, 1), fixed(row.total, 1)]),
    ["all requests", fixed(sum((r) => r.resolving), 1), fixed(sum((r) => r.perRound), 2), fixed(sum((r) => r.finding), 1), fixed(sum((r) => r.total), 1)],
  ];
}

/** Table 2e: how often each hunt's comment is edited, per hunt and per round, against one per round plus the answer. */
function editsTable(hunts: readonly HuntCost[]): Table {
  const rows = hunts.map((h) => {
    const rounds = h.phases.rounds.length;
    const budget = rounds + 1;
    return [
      h.plan.label,
      String(h.k),
      String(rounds),
      String(h.huntEdits.total),
      String(h.huntEdits.resolving),
      h.huntEdits.rounds.join(" · "),
      String(h.huntEdits.finding),
      fixed(h.huntEdits.total / Math.max(1, rounds), 2),
      String(Math.max(0, ...h.huntEdits.rounds)),
      String(budget),
      mark(h.huntEdits.total <= budget),
    ];
  });
  const total = hunts.reduce((sum, h) => sum + h.huntEdits.total, 0);
  const rounds = hunts.reduce((sum, h) => sum + h.phases.rounds.length, 0);
  return {
    title: "2e. Hunt comment edits per auto-pilot hunt and per round (sandbox, Locate in-process on Postgres)",
    head: ["history", "k", "rounds", "edits / hunt", "before round 1", "by round", "after the last verdict", "edits / round", "most in a round", "rounds + 1", "≤ rounds + 1"],
    rows: [...rows, ["all hunts (mean)", "", fixed(rounds / Math.max(1, hunts.length), 1), fixed(total / Math.max(1, hunts.length), 1), "", "", "", fixed(total / Math.max(1, rounds), 2), "", "", ""]],
    notes: [
      "The hunts of 2a. Edits are PATCHes of the hunt comment (the one Locate creates and keeps up to date; notifications and replies are other comments), from the sandbox's request log, cut into phases as in 2a: before the first dispatch, each round (from its first dispatch to the next round's), after the last verdict. Writes are not spaced here (LOCATE_WRITE_INTERVAL_MS=0); 3d counts the same edits with writes paced at GitHub's one second.",
      "Target (issue 13): on auto-pilot, at most one edit per round plus the answer, besides creating the comment: edits / hunt ≤ rounds + 1.",
    ],
  };
}

/** One hunt, every phase a column: which endpoints make a round cost what it costs. */
function roundsTable(hunt: HuntCost): Table {
  const phases = [hunt.phases.resolving, ...hunt.phases.rounds, hunt.phases.finding];
  const routes = [...new Set(phases.flat().map((r) => r.route))].sort((a, b) => a.localeCompare(b));
  return {
    title: `2c. ${hunt.plan.label}: ${hunt.range.good}..${hunt.range.bad}, k=${hunt.k} — requests by endpoint and phase`,
    head: ["endpoint", "resolving", ...hunt.phases.rounds.map((_, i) => `round ${i + 1}`), "finding", "total"],
    rows: [
      ...routes.map((route) => [route, ...phases.map((phase) => String(count(phase, route))), String(count(phases.flat(), route))]),
      ["all requests", ...phases.map((phase) => String(phase.length)), String(phases.flat().length)],
    ],
  };
}

export function huntPlans(quick: boolean): HuntPlan[] {
  const fixtures: HuntPlan[] = (
    quick
      ? ["nodejs__undici"]
      : ["expressjs__express", "git__git", "nodejs__undici", "pallets__flask", "prettier__prettier", "redis__redis", "sveltejs__svelte", "vitejs__vite"]
  ).map((name) => ({ label: name.replace("__", "/"), history: `${name}.json.gz` }));
  const available = fixtures.filter((plan) => existsSync(join(HISTORIES_DIR, plan.history as string)));
  const extra: HuntPlan[] = quick
    ? []
    : [
        { label: "nodejs/undici k=1", history: "nodejs__undici.json.gz", parallel: 1 },
        { label: "nodejs/undici k=5", history: "nodejs__undici.json.gz", parallel: 5 },
        // The reconciler polls every run in flight on each pass, webhooks or not: with runs of ~2 s and a pass every
        // second it shows per round what the default 60 s pass costs with runs of ~2 minutes.
        {
          label: "pallets/flask, 2 s runs, reconciler 1 s",
          history: "pallets__flask.json.gz",
          slowRuns: { runDuration: { minMs: 1_500, maxMs: 2_500 }, reconcileSeconds: 1 },
        },
      ];
  const synthetic = quick ? 1_000 : 10_000;
  return [...available, ...extra, { label: `synthetic ${synthetic.toLocaleString("en-US")} tags`, history: { tags: synthetic } }];
}

/** How Locate resolves versions (LOCATE_VERSIONS_SOURCE): REST only, GraphQL only, or its own choice. */
type SourceName = "rest" | "graphql" | "auto";
const SOURCES: readonly SourceName[] = ["rest", "graphql", "auto"];

interface StartCost {
  readonly source: SourceName;
  /** Requests from the command to the first dispatch, all of them (token, permission, config, reaction, comment…). */
  readonly beforeDispatch: number;
  /** Of those, the ones that resolve the range: tags, compare and GraphQL. */
  readonly resolving: number;
  readonly graphql: number;
  /** From posting the command to the app's first comment on the issue. */
  readonly firstCommentMs: number;
}

/**
 * One `/locate good..bad auto` until the first dispatch: what it costs GitHub and how long the person waits for the
 * first comment. The path is chosen with LOCATE_VERSIONS_SOURCE, which the in-process app reads on each start.
 */
async function measureStart(plan: HuntPlan, range: Range, source: SourceName, pg: PostgresForBench): Promise<StartCost> {
  const historyPath = typeof plan.history === "string" ? join(HISTORIES_DIR, plan.history) : undefined;
  const sb = await startSandbox({
    history: historyPath ?? plan.history,
    seed: SEED,
    firstBad: range.firstBad,
    runDuration: { minMs: 60_000, maxMs: 60_000 },
    permissions: { [USER]: "write" },
    validateRequests: false,
  });
  const databaseUrl = await pg.newDatabase("start");
  const previous = process.env.LOCATE_VERSIONS_SOURCE;
  process.env.LOCATE_VERSIONS_SOURCE = source;
  const app = await startAppInProcess(sb, { databaseUrl });
  try {
    const issue = await sb.openIssue({ user: USER, title: "Something broke between releases" });
    const from = sb.requests.length;
    const posted = Date.now();
    await sb.postComment({ issue, user: USER, body: `/locate ${range.good}..${range.bad} auto` });
    // The comment may come just after the first dispatch (both are written under the hunt's lock): wait for both.
    await sb.waitFor(() => sb.requests.slice(from).some((r) => r.route === DISPATCH) && sb.requests.slice(from).some((r) => r.route === CREATE_COMMENT) ? true : undefined, {
      timeoutMs: 120_000,
      intervalMs: 10,
      message: `the first dispatch of ${range.good}..${range.bad} on ${plan.label} (${source})`,
    });
    const requests = sb.requests.slice(from);
    const dispatchAt = requests.findIndex((r) => r.route === DISPATCH);
    const before = requests.slice(0, dispatchAt);
    const comment = requests.find((r) => r.route === CREATE_COMMENT);
    return {
      source,
      beforeDispatch: before.length,
      resolving: before.filter((r) => RESOLVING_ROUTES.has(r.route)).length,
      graphql: before.filter((r) => r.route === GRAPHQL).length,
      // `at` is when the sandbox answered the create call: the moment the comment exists.
      firstCommentMs: comment ? comment.at - posted : Number.NaN,
    };
  } finally {
    if (previous === undefined) delete process.env.LOCATE_VERSIONS_SOURCE;
    else process.env.LOCATE_VERSIONS_SOURCE = previous;
    await app.stop();
    await sb.close();
  }
}

export function startPlans(quick: boolean): HuntPlan[] {
  const fixtures = huntPlans(quick).filter((plan) => typeof plan.history === "string" && plan.parallel === undefined && plan.slowRuns === undefined);
  const synthetic = quick ? [1_000] : [1_000, 10_000];
  return [...fixtures, ...synthetic.map((tags) => ({ label: `synthetic ${tags.toLocaleString("en-US")} tags`, history: { tags } }))];
}

/** Table 2d: before the first dispatch, by path, against ⌈T/100⌉ + 10 resolving requests and 5 s to the first comment. */
export async function runStartCostBench(options: { quick: boolean; pg: PostgresForBench; log: (line: string) => void }): Promise<SectionResult> {
  const rows: string[][] = [];
  const misses: string[] = [];
  const slow: string[] = [];
  let thousand: StartCost | undefined;
  for (const plan of startPlans(options.quick)) {
    const historyPath = typeof plan.history === "string" ? join(HISTORIES_DIR, plan.history) : undefined;
    const graph = new Graph(historyPath ? loadHistoryFile(historyPath) : syntheticHistory((plan.history as { tags: number }).tags, SEED));
    const range = chooseRange(graph, SEED);
    const target = Math.ceil(range.tagsInRepo / 100) + 10;
    const costs = new Map<SourceName, StartCost>();
    for (const source of SOURCES) {
      const cost = await measureStart(plan, range, source, options.pg);
      costs.set(source, cost);
      options.log(`  ${plan.label} (${source}): ${cost.resolving} resolving of ${cost.beforeDispatch} before the first dispatch, first comment after ${seconds(cost.firstCommentMs)}`);
    }
    const chosen = costs.get("auto");
    const cell = (source: SourceName) => {
      const cost = costs.get(source);
      return cost ? [`${cost.resolving}${cost.graphql > 0 && cost.graphql < cost.resolving ? ` (${cost.graphql} GraphQL)` : ""}`, String(cost.beforeDispatch), seconds(cost.firstCommentMs)] : ["–", "–", "–"];
    };
    const met = chosen !== undefined && chosen.resolving <= target;
    const fast = chosen !== undefined && chosen.firstCommentMs <= 5_000;
    if (!met) misses.push(`${plan.label}: ${chosen?.resolving} > ${target}`);
    if (!fast) slow.push(`${plan.label}: ${seconds(chosen?.firstCommentMs ?? Number.NaN)}`);
    if (range.tagsInRepo === 1_000 && typeof plan.history !== "string") thousand = chosen;
    rows.push([plan.label, `${range.good}..${range.bad}`, integer(range.tagsInRepo), integer(range.commits), String(target), ...cell("rest"), ...cell("graphql"), ...cell("auto"), mark(met && fast)]);
  }
  const table: Table = {
    title: "2d. Before the first dispatch, by path: resolving requests and time to the first comment (sandbox, Locate in-process on Postgres)",
    head: ["history", "range good..bad", "tags T", "commits", "⌈T/100⌉ + 10", "REST: resolving", "REST: all", "REST: 1st comment", "GraphQL: resolving", "GraphQL: all", "GraphQL: 1st comment", "chosen: resolving", "chosen: all", "chosen: 1st comment", "met"],
    rows,
    notes: [
      "Same ranges as 2a. The command is `/locate good..bad auto`; measured from posting it to the first workflow dispatch. `resolving` = requests that list tags and compare (REST tags, REST compare, GraphQL); `all` = every request the app made before the first dispatch (installation token, permission, config, 👀 reaction, the comment, …), as GitHub sees them.",
      "Paths (LOCATE_VERSIONS_SOURCE): REST = tags 100 per request and the compare's commits 100 per request, pages side by side after the first; GraphQL = tags 100 per request each with its comparison with good and bad, then ancestry checks 100 per request where maintenance lines cross the main line; chosen (the default) = GraphQL, with the REST compare where its pages cost no more than the ancestry checks left to ask, and REST throughout where GraphQL fails.",
      "`1st comment` = from posting the command to the app's first comment on the issue (the request that created it, as the sandbox logged it). Wall time on a shared 2-core machine: the load varies between rows.",
      "Met: the chosen path needs ≤ ⌈T/100⌉ + 10 resolving requests and shows its first comment within 5 s.",
    ],
  };
  const targets: TargetResult[] = [
    {
      target: "API: resolving a range ≤ ⌈T/100⌉ + 10 requests (chosen path, every fixture range and synthetic repository)",
      measured: misses.length === 0 ? `all ${rows.length} ranges` : `over in ${misses.join("; ")}`,
      met: misses.length === 0,
    },
    {
      target: "API: first comment within 5 s of the command (chosen path, sandbox)",
      measured: slow.length === 0 ? `all ${rows.length} ranges` : `slower in ${slow.join("; ")}`,
      met: slow.length === 0,
    },
  ];
  if (thousand) {
    targets.push({
      target: "API: a 1,000-tag repository needs ≤ 20 requests before the first dispatch (from outside)",
      measured: `${thousand.beforeDispatch} (${thousand.resolving} resolving)`,
      met: thousand.beforeDispatch <= 20,
    });
  }
  return { tables: [table], targets };
}

export async function runApiCostBench(options: { quick: boolean; pg: PostgresForBench; log: (line: string) => void }): Promise<SectionResult> {
  const plans = huntPlans(options.quick);
  const hunts: HuntCost[] = [];
  for (const plan of plans) {
    const cost = await measureHunt(plan, options.pg);
    options.log(`  ${plan.label}: ${cost.phases.rounds.length} rounds, ${cost.total} requests, ${seconds(cost.ms)}`);
    hunts.push(cost);
  }
  const summary = hunts.map(summaryRow);
  const tables: Table[] = [
    {
      title: "2a. GitHub requests per auto-pilot hunt (sandbox, Locate in-process on Postgres)",
      head: ["history", "range good..bad", "tags", "versions", "commits", "k", "rounds", "⌈log_(k+1) n⌉", "runs", "resolving", "⌈T/100⌉ + 10", "per round", "by round", "finding", "total", "comment edits", "run polls", "right", "≤ k+3"],
      rows: summary.map((s) => s.row),
      notes: [
        "Range: bad = newest tag on the default branch; good = the oldest tag on it that is an ancestor of bad with ≤ 20,000 commits between them (Locate reads at most 30,000). The hidden first bad is a seeded tag of the range comparable with all the others.",
        "The command is `/locate good..bad auto` (k = 3 unless `parallel=` is shown). Phases are cut by time: before the first dispatch = resolving; a round = from its first dispatch to the next round's (rounds are the app's own numbering); finding = after the last verdict. Runs take 30–90 ms unless shown otherwise, and the reconciler's periodic pass is off (every 3,600 s) unless shown otherwise.",
        "`run polls` = GET of a workflow run: the reconciler asking about runs in flight; `comment edits` = PATCH of the hunt comment. `⌈log_(k+1) n⌉` is the pure core's bound for the hunt (n = versions − 1 possible answers); Locate's own rounds add the endpoint checks (run with round 1) and a confirmation of the last good and first bad before naming the answer.",
        "`resolving` counts every request before the first dispatch (token, permission, config, reaction included) and names the ones that resolve the range; Locate's default path lists tags over GraphQL with their comparisons to both ends (2d compares the paths). `⌈T/100⌉ + 10` is the target for the resolving requests alone.",
      ],
    },
    {
      title: "2b. Requests by endpoint and phase (mean per hunt; rounds: mean per round, all hunts)",
      head: ["endpoint", "resolving / hunt", "per round", "finding / hunt", "total / hunt"],
      rows: endpointRows(hunts),
    },
  ];
  tables.push(editsTable(hunts));
  const details: Table[] = hunts.map(roundsTable);
  const missed = summary.filter((s) => !s.target.met);
  const targets: TargetResult[] = [
    {
      target: "API: requests per auto-pilot round ≤ k + 3 (every hunt, every round)",
      measured: missed.length === 0 ? `all ${summary.length} hunts` : `over in ${missed.length} of ${summary.length} hunts: ${missed.map((s) => s.target.measured).join("; ")}`,
      met: missed.length === 0,
    },
  ];
  const overEdits = hunts.filter((h) => h.huntEdits.total > h.phases.rounds.length + 1);
  targets.push({
    target: "API: hunt comment edits ≤ 1 per auto-pilot round plus the answer (every hunt)",
    measured:
      overEdits.length === 0
        ? `all ${hunts.length} hunts`
        : `over in ${overEdits.length} of ${hunts.length} hunts: ${overEdits.map((h) => `${h.plan.label} ${h.huntEdits.total} > ${h.phases.rounds.length + 1}`).join("; ")}`,
    met: overEdits.length === 0,
  });
  const wrong = hunts.filter((h) => !h.correct);
  if (wrong.length > 0) targets.push({ target: "API: every hunt names the hidden first bad tag", measured: `wrong in ${wrong.map((h) => h.plan.label).join(", ")}`, met: false });
  return { tables, targets, details };
}
