// Renders the hunt comment (DESIGN §3) from a HuntView: pure, deterministic, and never longer than GitHub allows.
import type { Verdict } from "../search/types.js";
import type { CommitView, HuntState, HuntView, RunView } from "./types.js";
import { escapeMarkdown, safeUrl } from "./escape.js";
import { AUTO_MARKER, huntMarker, resultMarker, stateMarker, tagMarker } from "./markers.js";
import { renderFoundUnavailable, renderRunReason } from "./run-reason.js";

/** GitHub rejects comment bodies longer than this. */
export const MAX_COMMENT_LENGTH = 65_536;

export const AUTOPILOT_ITEM = `🤖 Auto-pilot: run the suggested candidates each round until found ${AUTO_MARKER}`;

const NAME_LENGTH = 80;
const TITLE_LENGTH = 80;
const NOTE_LENGTH = 140;
const NOTICE_LENGTH = 500;
const AUTHOR_LENGTH = 40;
const BAR_CELLS = 20;
const MAX_CANDIDATES_SHOWN = 20;
const MAX_ALIASES_SHOWN = 3;
const MAX_RUN_MARKS = 8;
const MAX_CONTRADICTIONS_SHOWN = 5;

/** How much of each long list to show; the renderer walks down LIMIT_LADDER until the body fits. */
interface Limits {
  readonly runRows: number;
  readonly historyRounds: number;
  readonly runsPerRound: number;
  readonly commits: number;
  readonly possibleFirstBad: number;
}

const LIMIT_LADDER: readonly Limits[] = [
  { runRows: 200, historyRounds: 40, runsPerRound: 12, commits: 30, possibleFirstBad: 20 },
  { runRows: 200, historyRounds: 0, runsPerRound: 0, commits: 30, possibleFirstBad: 20 },
  { runRows: 60, historyRounds: 0, runsPerRound: 0, commits: 30, possibleFirstBad: 10 },
  { runRows: 15, historyRounds: 0, runsPerRound: 0, commits: 10, possibleFirstBad: 5 },
  { runRows: 0, historyRounds: 0, runsPerRound: 0, commits: 0, possibleFirstBad: 3 },
];

type CellKind = "good" | "bad" | "running" | "untested" | "inconclusive";

const CELL_EMOJI: Readonly<Record<CellKind, string>> = {
  good: "🟩",
  running: "🟨",
  untested: "⬜",
  inconclusive: "🟧",
  bad: "🟥",
};
// Legend order follows the bar, left to right.
const CELL_ORDER: readonly CellKind[] = ["good", "running", "untested", "inconclusive", "bad"];

const VERDICT_LABEL: Readonly<Record<Verdict, string>> = {
  good: "✅ good",
  bad: "❌ bad",
  inconclusive: "⚠️ inconclusive",
};

const STATE_EMOJI: Readonly<Record<HuntState, string>> = {
  searching: "🔎",
  paused: "⏸️",
  found: "🎯",
  cancelled: "🚫",
  failed: "💥",
};

/** Everything derived once from the view, shared by the sections. */
interface Context {
  readonly view: HuntView;
  readonly commitMode: boolean;
  /** Singular and plural noun for a version: "tag"/"tags" or "commit"/"commits". */
  readonly unit: { readonly one: string; readonly many: string };
  readonly total: number;
  readonly runsByPosition: ReadonlyMap<number, readonly RunView[]>;
  readonly inFlight: ReadonlySet<number>;
  readonly untested: ReadonlySet<number>;
  readonly picks: ReadonlySet<number>;
  readonly contradictions: ReadonlySet<number>;
  readonly isFound: boolean;
  readonly isOpen: boolean;
}

/** Renders the whole comment. Long lists are cut ("and N more") so the result is at most MAX_COMMENT_LENGTH characters. */
export function renderHuntComment(view: HuntView): string {
  const context = buildContext(view);
  for (const limits of LIMIT_LADDER) {
    const body = renderWithLimits(context, limits);
    if (body.length <= MAX_COMMENT_LENGTH) return body;
  }
  return renderMinimal(context);
}

function buildContext(view: HuntView): Context {
  const commitMode = view.mode ? view.mode === "commits" : view.versions.some((version) => Boolean(version.title));
  const runsByPosition = new Map<number, RunView[]>();
  for (const run of view.runs) {
    const list = runsByPosition.get(run.position);
    if (list) list.push(run);
    else runsByPosition.set(run.position, [run]);
  }
  return {
    view,
    commitMode,
    unit: commitMode ? { one: "commit", many: "commits" } : { one: "version", many: "versions" },
    total: Math.max(view.versions.length, view.search.firstBad + 1, 2),
    runsByPosition,
    inFlight: new Set(view.search.inFlight),
    untested: new Set(view.search.untested),
    picks: new Set(view.search.picks),
    contradictions: new Set(view.search.contradictions),
    isFound: view.state === "found",
    isOpen: view.state === "searching" || view.state === "paused",
  };
}

function renderWithLimits(context: Context, limits: Limits): string {
  const blocks = [
    renderMarkers(context),
    renderTitle(context),
    renderProgress(context),
    renderBar(context),
    renderNotices(context),
    context.isOpen ? renderCandidates(context) : "",
    renderRuns(context, limits),
    renderHistory(context, limits),
    context.isFound ? renderResult(context, limits) : "",
  ];
  return blocks.filter((block) => block.length > 0).join("\n\n") + "\n";
}

// The last resort when even the shortest lists do not fit (only pathological names get here): markers, title and progress.
// The result marker then names only the earliest possible first bad version, as a list of thousands could not fit.
function renderMinimal(context: Context): string {
  const markers = renderMarkers(context, false);
  const body = [markers, renderTitle(context), renderProgress(context), "_The details are too long to show in one comment._"].join("\n\n") + "\n";
  if (body.length <= MAX_COMMENT_LENGTH) return body;
  return [huntMarker(context.view.id) + stateMarker(context.view.state), renderTitle(context)].join("\n\n") + "\n";
}

// ---------------------------------------------------------------------------------------------------------------
// Names and links

function rawName(context: Context, position: number): string {
  return context.view.versions[position]?.names[0] ?? `#${position + 1}`;
}

function code(text: string, maxLength = NAME_LENGTH): string {
  return `<code>${escapeMarkdown(text, maxLength)}</code>`;
}

function nameOf(context: Context, position: number): string {
  return code(rawName(context, position));
}

function shortSha(sha: string): string {
  const hex = sha.replace(/[^0-9a-fA-F]/g, "").slice(0, 7).toLowerCase();
  return hex.length > 0 ? hex : "???????";
}

function commitLink(context: Context, sha: string): string {
  const label = "`" + shortSha(sha) + "`";
  const hex = sha.replace(/[^0-9a-fA-F]/g, "");
  const url = hex.length > 0 ? safeUrl(`${context.view.repoUrl}/commit/${hex}`) : null;
  return url ? `[${label}](${url})` : label;
}

/** In commit mode a version is named by its short SHA, so its name is shown as the commit link. */
function isNamedBySha(context: Context, position: number): boolean {
  const version = context.view.versions[position];
  if (!context.commitMode || !version) return false;
  const name = version.names[0];
  return name !== undefined && name.length >= 4 && version.sha.toLowerCase().startsWith(name.toLowerCase());
}

/** The version as shown in lists and tables: name (or commit link), other names on the same commit, and its title. */
function versionCells(context: Context, position: number): { readonly name: string; readonly commit: string } {
  const version = context.view.versions[position];
  const title = version?.title ? escapeMarkdown(version.title, TITLE_LENGTH) : "";
  if (!version) return { name: nameOf(context, position), commit: "" };
  if (isNamedBySha(context, position)) return { name: commitLink(context, version.sha), commit: title };
  const aliases = version.names.slice(1);
  const shownAliases = aliases.slice(0, MAX_ALIASES_SHOWN).map((alias) => code(alias));
  if (aliases.length > MAX_ALIASES_SHOWN) shownAliases.push(`+${aliases.length - MAX_ALIASES_SHOWN}`);
  const name = nameOf(context, position) + (shownAliases.length > 0 ? ` (also ${shownAliases.join(", ")})` : "");
  return { name, commit: [commitLink(context, version.sha), title].filter(Boolean).join(" ") };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Sections

function renderMarkers(context: Context, withAllCandidates = true): string {
  const { view } = context;
  const markers = huntMarker(view.id) + stateMarker(view.state);
  if (!context.isFound) return markers;
  const possible = possibleFirstBad(context);
  const result = resultMarker({
    firstBad: rawName(context, possible[0] ?? view.search.firstBad),
    lastGood: rawName(context, view.search.lastGood),
    candidates: withAllCandidates ? possible.map((position) => rawName(context, position)) : [],
    confidence: view.found?.probability ?? null,
  });
  return `${markers}\n${result}`;
}

function possibleFirstBad(context: Context): readonly number[] {
  const possible = context.view.search.possibleFirstBad;
  return possible.length > 0 ? possible : [context.view.search.firstBad];
}

function renderTitle(context: Context): string {
  const { view } = context;
  const emoji = STATE_EMOJI[view.state] ?? "🔎";
  const range = `between ${code(view.good)} and ${code(view.bad)}`;
  const what = `the first bad ${context.commitMode ? "commit" : "tag"}`;
  switch (view.state) {
    case "found": {
      const possible = possibleFirstBad(context);
      if (possible.length > 1) {
        const first = possible[0] ?? view.search.firstBad;
        const last = possible[possible.length - 1] ?? view.search.firstBad;
        return `### ${emoji} Found: ${what} is one of ${possible.length}, ${nameOf(context, first)} … ${nameOf(context, last)}`;
      }
      return `### ${emoji} Found ${what}: ${nameOf(context, possible[0] ?? view.search.firstBad)}`;
    }
    case "paused":
      return `### ${emoji} Paused: searching for ${what} ${range}`;
    case "cancelled":
      return `### ${emoji} Cancelled: search for ${what} ${range}`;
    case "failed":
      return `### ${emoji} Failed: search for ${what} ${range}`;
    default:
      return `### ${emoji} Searching for ${what} ${range}`;
  }
}

function renderProgress(context: Context): string {
  const { view } = context;
  const ciRuns = view.runs.filter((run) => run.manualBy === null).length;
  const parts: string[] = [];
  if (view.round > 0) parts.push(`Round ${view.round}`);
  if (context.isFound) {
    parts.push(`range ${code(view.good)}..${code(view.bad)}, ${plural(context.total, context.unit.one, context.unit.many)}`);
  } else {
    const left = Math.max(0, view.search.firstBad - view.search.lastGood - 1);
    parts.push(`**${left}** of ${plural(context.total, context.unit.one, context.unit.many)} left`);
  }
  parts.push(plural(ciRuns, "run", "runs"));
  const likely = view.search.possibleFirstBad[0];
  if (context.isOpen && likely !== undefined && view.search.probability > 0) {
    // While searching, say what the evidence points at and how strongly, against the confidence the hunt waits for.
    parts.push(`most likely first bad: ${nameOf(context, likely)} (${percent(view.search.probability)} of ${percent(view.confidence)} needed)`);
  }
  if (context.isOpen && view.search.roundsLeft > 0) {
    parts.push(`about ${plural(view.search.roundsLeft, "more round", "more rounds")}`);
  }
  if (context.isOpen && view.autopilot) parts.push(`🤖 auto-pilot, ${view.parallel} per round`);
  return parts.join(" · ");
}

/** A probability as a percentage: whole numbers in the middle, more digits near certainty, never rounded up to 100. */
export function percent(probability: number): string {
  const value = Math.max(0, Math.min(1, probability)) * 100;
  if (value >= 99) return `${(Math.floor(value * 100) / 100).toFixed(2).replace(/\.?0+$/, "")} %`;
  if (value > 0 && value < 1) return `${value.toFixed(1)} %`;
  return `${Math.round(value)} %`;
}

function cellKind(context: Context, position: number): CellKind {
  const { lastGood, firstBad } = context.view.search;
  if (position <= lastGood) return "good";
  if (position >= firstBad) return "bad";
  if (context.inFlight.has(position)) return "running";
  if (context.untested.has(position)) return "untested";
  return "inconclusive";
}

// Inside a cell the open range wins over the decided ends, so a narrow open interval stays visible on a long history.
const CELL_PRIORITY: readonly CellKind[] = ["running", "untested", "inconclusive"];

function renderBar(context: Context): string {
  const cells = Math.min(BAR_CELLS, context.total);
  const kinds: CellKind[] = [];
  for (let cell = 0; cell < cells; cell++) {
    const from = Math.floor((cell * context.total) / cells);
    const to = Math.floor(((cell + 1) * context.total) / cells);
    const seen = new Set<CellKind>();
    let goodCount = 0;
    let badCount = 0;
    for (let position = from; position < to; position++) {
      const kind = cellKind(context, position);
      seen.add(kind);
      if (kind === "good") goodCount++;
      if (kind === "bad") badCount++;
    }
    kinds.push(CELL_PRIORITY.find((kind) => seen.has(kind)) ?? (goodCount > badCount ? "good" : "bad"));
  }
  const legend = CELL_ORDER.filter((kind) => kinds.includes(kind))
    .map((kind) => `${CELL_EMOJI[kind]} ${kind}`)
    .join(" · ");
  return `${kinds.map((kind) => CELL_EMOJI[kind]).join("")} <sub>${legend}</sub>`;
}

function renderNotices(context: Context): string {
  const { view } = context;
  const lines: string[] = [];
  const related = view.related ? safeUrl(view.related.url) : null;
  if (view.related && related) lines.push(`> 🔗 ${escapeMarkdown(view.related.label, NOTICE_LENGTH)}: [see that comment](${related})`);
  if (view.notice) lines.push(`> ⚠️ ${escapeMarkdown(view.notice, NOTICE_LENGTH)}`);
  const contradictions = [...context.contradictions].sort((a, b) => a - b);
  if (contradictions.length > 0 && context.isOpen) {
    const shown = contradictions.slice(0, MAX_CONTRADICTIONS_SHOWN).map((position) => nameOf(context, position));
    const more = contradictions.length > shown.length ? ` and ${contradictions.length - shown.length} more` : "";
    lines.push(
      `> 🔁 Runs of ${shown.join(", ")}${more} disagree with the most likely answer. Every run counts as evidence, ` +
        "so Locate runs versions again where that settles most; ticking one runs it again now.",
    );
  }
  const flake = view.search.flake;
  if (flake.disagreeing > 0 && flake.runs > 0) {
    const { falseFailures, falsePasses, goodRuns, badRuns } = view.search.evidence;
    const estimate = goodRuns + badRuns > 0 ? (falseFailures + falsePasses) / (goodRuns + badRuns) : 0;
    lines.push(
      `> 🎲 ${flake.disagreeing} of ${plural(flake.runs, "run", "runs")} disagreed with the others; estimated flake rate ${percent(estimate)}. ` +
        "Locate weighs each run by how often runs are wrong, so it may run a version more than once.",
    );
  }
  // Consecutive quote lines would merge into one paragraph; an empty quote line keeps them apart.
  return lines.join("\n>\n");
}

function renderCandidates(context: Context): string {
  const { view } = context;
  const positions = view.search.candidates.slice(0, MAX_CANDIDATES_SHOWN);
  const items = positions.map((position) => {
    const cells = versionCells(context, position);
    const star = context.picks.has(position) ? " ⭐" : context.contradictions.has(position) ? " 🔁 contradicts, run again" : "";
    const parts = [`${cells.name}${star}`, cells.commit, `${position + 1} / ${context.total}`].filter(Boolean);
    return `- [ ] ${parts.join(" · ")} ${tagMarker(rawName(context, position))}`;
  });
  items.push(`- [${view.autopilot ? "x" : " "}] ${AUTOPILOT_ITEM}`);
  const heading =
    positions.length > 0
      ? `**Candidates** · tick one to run the workflow on it; ⭐ marks the suggested picks`
      : `**Candidates** · none right now: ${context.inFlight.size > 0 ? "waiting for the runs in flight" : `no untested ${context.unit.one} is left`}`;
  return `${heading}\n\n${items.join("\n")}`;
}

function runStatusLabel(run: RunView): string {
  if (run.status === "queued") return "⏳ queued";
  if (run.status === "running") return "🏃 running";
  return VERDICT_LABEL[run.verdict ?? "inconclusive"];
}

function runStatusEmoji(run: RunView): string {
  return runStatusLabel(run).split(" ")[0] ?? "";
}

/** Every run of a version, oldest first, as marks (e.g. ✅✅❌), with how many passed of those that finished. */
function runMarks(runs: readonly RunView[]): string {
  const marks = runs.length > MAX_RUN_MARKS ? [...runs.slice(0, 2).map(runStatusEmoji), "…", ...runs.slice(-(MAX_RUN_MARKS - 3)).map(runStatusEmoji)] : runs.map(runStatusEmoji);
  const finished = runs.filter((run) => run.status === "completed" && run.verdict !== "inconclusive" && run.verdict !== null);
  const passed = finished.filter((run) => run.verdict === "good").length;
  return `${marks.join("")} ${passed}/${finished.length} passed`;
}

/** Distance from the open interval, so that when rows must be cut the ones around the boundary stay. */
function distanceToBoundary(context: Context, position: number): number {
  const { lastGood, firstBad } = context.view.search;
  if (position <= lastGood) return lastGood - position;
  if (position >= firstBad) return position - firstBad;
  return 0;
}

function runLink(run: RunView): string {
  const url = safeUrl(run.url);
  const label = run.attempt > 1 ? `run, attempt ${run.attempt}` : "run";
  if (url) return `[${label}](${url})`;
  return run.manualBy !== null ? "manual" : "—";
}

function runNote(context: Context, position: number, runs: readonly RunView[]): string {
  const latest = runs[runs.length - 1];
  if (!latest) return "";
  const parts: string[] = [];
  if (context.contradictions.has(position) && context.isOpen) parts.push("🔁 disagrees with the most likely answer");
  if (latest.manualBy !== null) parts.push(`by ${escapeMarkdown("@" + latest.manualBy, AUTHOR_LENGTH)}`);
  if (latest.note) parts.push(escapeMarkdown(latest.note, NOTE_LENGTH));
  if (latest.reason) parts.push(renderRunReason(latest.reason)); // issue 14: failed step and annotation
  return parts.join(" · ");
}

/**
 * One row per tested version, in history order, showing its newest run (older attempts are summed up in the note
 * and listed in the history). When cut, the rows nearest the open interval are kept.
 */
function renderRuns(context: Context, limits: Limits): string {
  const positions = [...context.runsByPosition.keys()];
  if (positions.length === 0) {
    return context.isOpen ? "**Runs** · none yet: tick a candidate or Auto-pilot to start." : "";
  }
  if (limits.runRows <= 0) return `**Runs** · ${plural(positions.length, context.unit.one, context.unit.many)} tested (the table is too long to show here).`;
  const kept = positions
    .sort((a, b) => distanceToBoundary(context, a) - distanceToBoundary(context, b) || a - b)
    .slice(0, limits.runRows)
    .sort((a, b) => a - b);
  const header = context.commitMode
    ? "| Commit | Title | Verdict | Run | Note |"
    : "| Version | Commit | Verdict | Run | Note |";
  const rows = kept.map((position) => {
    const runs = context.runsByPosition.get(position) ?? [];
    const latest = runs[runs.length - 1] as RunView;
    const cells = versionCells(context, position);
    const verdict = runs.length > 1 ? runMarks(runs) : runStatusLabel(latest);
    return `| ${cells.name} | ${cells.commit} | ${verdict} | ${runLink(latest)} | ${runNote(context, position, runs)} |`;
  });
  const hidden = positions.length - kept.length;
  const more = hidden > 0 ? `\n\n…and ${hidden} more tested ${hidden === 1 ? context.unit.one : context.unit.many}, further from the boundary.` : "";
  return `**Runs**\n\n${header}\n|---|---|---|---|---|\n${rows.join("\n")}${more}`;
}

function renderHistory(context: Context, limits: Limits): string {
  if (limits.historyRounds <= 0 || context.view.runs.length === 0) return "";
  const byRound = new Map<number, RunView[]>();
  for (const run of context.view.runs) {
    const list = byRound.get(run.round);
    if (list) list.push(run);
    else byRound.set(run.round, [run]);
  }
  const rounds = [...byRound.keys()].filter((round) => round > 0).sort((a, b) => a - b);
  const shownRounds = rounds.slice(-limits.historyRounds);
  const entry = (run: RunView): string => {
    const by = run.manualBy !== null ? ` by ${escapeMarkdown("@" + run.manualBy, AUTHOR_LENGTH)}` : "";
    return `${nameOf(context, run.position)} ${runStatusEmoji(run)}${by}`;
  };
  const line = (label: string, runs: readonly RunView[]): string => {
    const shown = runs.slice(0, limits.runsPerRound).map(entry);
    if (runs.length > shown.length) shown.push(`and ${runs.length - shown.length} more`);
    return `- ${label}: ${shown.join(" · ")}`;
  };
  const lines: string[] = [];
  if (rounds.length > shownRounds.length) lines.push(`- …and ${rounds.length - shownRounds.length} more earlier rounds`);
  for (const round of shownRounds) lines.push(line(`Round ${round}`, byRound.get(round) ?? []));
  const manual = byRound.get(0);
  if (manual) lines.push(line("Manual verdicts", manual));
  const summary = `History · ${plural(rounds.length, "round", "rounds")}${manual ? `, ${plural(manual.length, "manual verdict", "manual verdicts")}` : ""}`;
  return `<details><summary>${summary}</summary>\n\n${lines.join("\n")}\n\n</details>`;
}

function commitLine(context: Context, commit: CommitView): string {
  const author = commit.author ? ` — ${escapeMarkdown(commit.author, AUTHOR_LENGTH)}` : "";
  return `- ${commitLink(context, commit.sha)} ${escapeMarkdown(commit.title, TITLE_LENGTH)}${author}`;
}

function renderResult(context: Context, limits: Limits): string {
  const { view } = context;
  const possible = possibleFirstBad(context);
  const first = possible[0] ?? view.search.firstBad;
  const kind = context.commitMode ? "commit" : "tag";
  const blocks: string[] = [];
  if (possible.length > 1) {
    const shown = possible.slice(0, Math.max(1, limits.possibleFirstBad)).map((position) => nameOf(context, position));
    const more = possible.length > shown.length ? ` and ${possible.length - shown.length} more` : "";
    blocks.push(
      `**First bad ${kind}: one of** ${shown.join(", ")}${more} · **last good:** ${nameOf(context, view.search.lastGood)}\n\n` +
        `The ${context.unit.many} between gave no clear verdict; \`/locate retry <tag>\` on them narrows this down.`,
    );
  } else {
    blocks.push(`**First bad ${kind}:** ${nameOf(context, first)} · **last good:** ${nameOf(context, view.search.lastGood)}`);
  }
  const probability = view.found?.probability;
  if (probability !== undefined) {
    const behind = [view.search.lastGood, first].map((position) => {
      const runs = context.runsByPosition.get(position) ?? [];
      return `${nameOf(context, position)} ${runs.length > 0 ? runs.map(runStatusEmoji).join("") : "(no run: the range's end)"}`;
    });
    blocks.push(`**${percent(probability)} sure**, from ${plural(view.runs.filter((run) => run.manualBy === null).length, "run", "runs")}; around the boundary: ${behind.join(" · ")}`);
  }
  const found = view.found;
  if (found) {
    const url = safeUrl(found.compareUrl);
    const label = `compare ${escapeMarkdown(rawName(context, view.search.lastGood), NAME_LENGTH)}...${escapeMarkdown(rawName(context, view.search.firstBad), NAME_LENGTH)}`;
    const compare = url ? `[${label}](${url})` : label;
    const shown = found.commits.slice(0, limits.commits);
    // totalCommits is null when the commits could not be read (issue 14): the compare link alone, and a note below.
    const count = found.totalCommits === null ? "" : ` · ${plural(found.totalCommits, "commit", "commits")}`;
    const heading = `${compare}${count}${shown.length > 0 ? ":" : ""}`;
    const lines = shown.map((commit) => commitLine(context, commit));
    const hidden = Math.max(0, (found.totalCommits ?? 0) - shown.length);
    if (hidden > 0 && shown.length > 0) lines.push(`- …and ${hidden} more in the compare view`);
    blocks.push(lines.length > 0 ? `${heading}\n\n${lines.join("\n")}` : heading);
    const pr = found.pullRequest;
    const prUrl = pr ? safeUrl(pr.url) : null;
    if (pr && prUrl) blocks.push(`**Pull request:** [#${pr.number} ${escapeMarkdown(pr.title, TITLE_LENGTH)}](${prUrl})`);
    if (found.unavailable?.length) blocks.push(renderFoundUnavailable(found.unavailable)); // issue 14
  }
  if (!context.commitMode && !view.related) blocks.push("To find the commit, comment `/locate commits`.");
  return blocks.join("\n\n");
}
