// Tests of the hunt comment: render ∘ parse round-trips, hostile names, found results and the length cap.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { SearchView } from "../../src/search/types.js";
import type { CommitView, FoundView, HuntState, HuntView, RunView, VersionView } from "../../src/render/types.js";
import {
  MAX_COMMENT_LENGTH,
  encodeMarkerName,
  findHuntId,
  findState,
  parseCommentMarks,
  parseResultMarker,
  renderHuntComment,
} from "../../src/render/index.js";

// ---------------------------------------------------------------------------------------------------------------
// A small hand-made view builder: the search fields are given literally, never computed by the search core.

function fakeSha(position: number): string {
  return ((position * 2654435761) % 2 ** 32).toString(16).padStart(8, "0").repeat(5);
}

interface ViewSpec {
  readonly names?: readonly (string | readonly string[])[];
  readonly size?: number;
  readonly titles?: boolean;
  readonly lastGood?: number;
  readonly firstBad?: number;
  readonly inFlight?: readonly number[];
  readonly inconclusive?: readonly number[];
  readonly candidates?: readonly number[];
  readonly picks?: readonly number[];
  readonly possibleFirstBad?: readonly number[];
  readonly contradictions?: readonly number[];
  readonly probability?: number;
  readonly disagreeing?: number;
  readonly roundsLeft?: number;
  readonly runs?: readonly RunView[];
  readonly state?: HuntState;
  readonly autopilot?: boolean;
  readonly found?: FoundView | null;
  readonly notice?: string | null;
  readonly mode?: "tags" | "commits";
  readonly round?: number;
}

function makeView(spec: ViewSpec = {}): HuntView {
  const size = spec.names?.length ?? spec.size ?? 10;
  const versions: VersionView[] = Array.from({ length: size }, (_, position) => {
    const given = spec.names?.[position];
    const names = given === undefined ? [`v1.${position}.0`] : typeof given === "string" ? [given] : [...given];
    const sha = fakeSha(position);
    return spec.titles ? { names: spec.mode === "commits" ? [sha.slice(0, 7)] : names, sha, title: `Commit number ${position}` } : { names, sha };
  });
  const lastGood = spec.lastGood ?? 0;
  const firstBad = spec.firstBad ?? size - 1;
  const inFlight = spec.inFlight ?? [];
  const inconclusive = spec.inconclusive ?? [];
  const untested: number[] = [];
  for (let position = lastGood + 1; position < firstBad; position++) {
    if (!inFlight.includes(position) && !inconclusive.includes(position)) untested.push(position);
  }
  const done = untested.length === 0 && inFlight.length === 0;
  const search: SearchView = {
    lastGood,
    firstBad,
    untested,
    inFlight,
    picks: spec.picks ?? [],
    candidates: spec.candidates ?? untested.slice(0, 10),
    done,
    possibleFirstBad: spec.possibleFirstBad ?? (done ? [firstBad] : []),
    contradictions: spec.contradictions ?? [],
    roundsLeft: spec.roundsLeft ?? (done ? 0 : 2),
    outcome: done ? "found" : "searching",
    probability: spec.probability ?? (done ? 0.995 : 0.4),
    olderThanGood: 0.001,
    badPasses: 0.001,
    flake: { falseFailure: 0.03, falsePass: 0.03, disagreeing: spec.disagreeing ?? 0, runs: spec.runs?.length ?? 0 },
    evidence: { falseFailures: spec.disagreeing ?? 0, goodRuns: 10, falsePasses: 0, badRuns: 10 },
  };
  return {
    id: 4242,
    ...(spec.mode ? { mode: spec.mode } : {}),
    repoUrl: "https://github.com/acme/widgets",
    good: versions[0]?.names[0] ?? "good",
    bad: versions[size - 1]?.names[0] ?? "bad",
    state: spec.state ?? (done ? "found" : "searching"),
    autopilot: spec.autopilot ?? false,
    parallel: 3,
    confidence: 0.99,
    round: spec.round ?? 2,
    versions,
    runs: spec.runs ?? [],
    search,
    found: spec.found ?? null,
    notice: spec.notice ?? null,
  };
}

function run(position: number, fields: Partial<RunView> = {}): RunView {
  return {
    position,
    status: "completed",
    verdict: "good",
    url: `https://github.com/acme/widgets/actions/runs/${9_000_000_000 + position}`,
    manualBy: null,
    note: null,
    round: 1,
    attempt: 1,
    ...fields,
  };
}

function commits(count: number): CommitView[] {
  return Array.from({ length: count }, (_, index) => ({
    sha: fakeSha(1000 + index),
    title: `Change number ${index}`,
    author: index % 2 === 0 ? `author${index}` : null,
  }));
}

/** Ticks the task-list lines whose marker names one of `names`, the way GitHub does: `[ ]` becomes `[x]`. */
function tick(body: string, names: readonly string[], mark = "x"): string {
  const markers = names.map((name) => `<!-- locate:tag:${encodeMarkerName(name)} -->`);
  return body
    .split("\n")
    .map((line) => (markers.some((marker) => line.endsWith(marker)) ? line.replace("- [ ]", `- [${mark}]`) : line))
    .join("\n");
}

function tickAutopilot(body: string): string {
  return body
    .split("\n")
    .map((line) => (line.includes("<!-- locate:auto -->") ? line.replace("- [ ]", "- [x]") : line))
    .join("\n");
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** Table cell separators as GitHub's table parser sees them: pipes not preceded by a backslash. */
function cellSeparators(line: string): number {
  return (line.match(/(?<!\\)\|/g) ?? []).length;
}

function tableLines(body: string): string[] {
  return body.split("\n").filter((line) => line.startsWith("|"));
}

// ---------------------------------------------------------------------------------------------------------------

describe("renderHuntComment: a hunt in progress", () => {
  const view = makeView({
    size: 37,
    lastGood: 4,
    firstBad: 30,
    inFlight: [11, 20],
    candidates: [6, 9, 14, 17, 23, 26],
    picks: [9, 17],
    roundsLeft: 3,
    runs: [
      run(4, { verdict: "good", round: 1 }),
      run(30, { verdict: "bad", round: 1 }),
      run(11, { status: "running", verdict: null, round: 2 }),
      run(20, { status: "queued", verdict: null, url: null, round: 2 }),
      run(33, { verdict: "bad", manualBy: "alice", url: null, round: 0, note: "crashes on start" }),
    ],
  });
  const body = renderHuntComment(view);

  it("carries the hunt and state markers and no result marker", () => {
    expect(findHuntId(body)).toBe(4242);
    expect(findState(body)).toBe("searching");
    expect(body).not.toContain("locate:result");
  });

  it("has a title naming both ends and the state, and a progress line", () => {
    const title = body.split("\n").find((line) => line.startsWith("### ")) ?? "";
    expect(title).toContain("Searching");
    expect(title).toContain("<code>v1.0.0</code>");
    expect(title).toContain("<code>v1.36.0</code>");
    expect(body).toContain("Round 2 · **25** of 37 versions left · 4 runs · about 3 more rounds");
  });

  it("draws a range bar of 20 cells: good, then the open range, then bad", () => {
    const bar = body.split("\n").find((line) => line.startsWith("🟩")) ?? "";
    const cells = Array.from(bar.split(" ")[0] ?? "");
    expect(cells).toHaveLength(20);
    expect(cells[0]).toBe("🟩");
    expect(cells[19]).toBe("🟥");
    expect(cells).toContain("🟨");
    expect(cells).toContain("⬜");
  });

  it("lists one tickable item per candidate with name, short SHA, position, ⭐ for picks and a marker", () => {
    const items = body.split("\n").filter((line) => line.includes("<!-- locate:tag:"));
    expect(items).toHaveLength(6);
    expect(items[0]).toBe(
      `- [ ] <code>v1.6.0</code> · [\`${fakeSha(6).slice(0, 7)}\`](https://github.com/acme/widgets/commit/${fakeSha(6)}) · 7 / 37 <!-- locate:tag:v1.6.0 -->`,
    );
    expect(items.filter((line) => line.includes("⭐")).map((line) => line.match(/<code>(.*?)<\/code>/)?.[1])).toEqual([
      "v1.9.0",
      "v1.17.0",
    ]);
  });

  it("ends the list with the auto-pilot item, unticked while auto-pilot is off", () => {
    expect(body).toContain("\n- [ ] 🤖 Auto-pilot: run the suggested candidates each round until found <!-- locate:auto -->\n");
  });

  it("shows every tested version in the runs table, in history order, with its verdict, link and note", () => {
    const rows = tableLines(body);
    expect(rows[0]).toBe("| Version | Commit | Verdict | Run | Note |");
    const dataRows = rows.slice(2);
    expect(dataRows.map((row) => row.match(/<code>(.*?)<\/code>/)?.[1])).toEqual([
      "v1.4.0",
      "v1.11.0",
      "v1.20.0",
      "v1.30.0",
      "v1.33.0",
    ]);
    expect(dataRows[0]).toContain("✅ good");
    expect(dataRows[0]).toContain("[run](https://github.com/acme/widgets/actions/runs/9000000004)");
    expect(dataRows[1]).toContain("🏃 running");
    expect(dataRows[2]).toContain("⏳ queued");
    expect(dataRows[3]).toContain("❌ bad");
    expect(dataRows[4]).toContain("by @\u200Dalice · crashes on start");
    for (const row of rows) expect(cellSeparators(row)).toBe(6);
  });

  it("keeps a collapsed history grouped by round, manual verdicts last", () => {
    const history = body.slice(body.indexOf("<details>"), body.indexOf("</details>"));
    expect(history).toContain("<summary>History · 2 rounds, 1 manual verdict</summary>");
    expect(history).toContain("- Round 1: <code>v1.4.0</code> ✅ · <code>v1.30.0</code> ❌");
    expect(history).toContain("- Round 2: <code>v1.11.0</code> 🏃 · <code>v1.20.0</code> ⏳");
    expect(history.indexOf("Manual verdicts")).toBeGreaterThan(history.indexOf("Round 2"));
  });

  it("is deterministic and stays within GitHub's limit", () => {
    expect(renderHuntComment(view)).toBe(body);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
  });
});

describe("render ∘ parse round-trip", () => {
  const view = makeView({ size: 12, lastGood: 0, firstBad: 11, candidates: [1, 3, 5, 7, 9], picks: [3, 7] });
  const body = renderHuntComment(view);

  it("reads back nothing ticked from a fresh comment", () => {
    expect(parseCommentMarks(body)).toEqual({ huntId: 4242, ticked: [], autopilot: false });
  });

  it("reads back exactly the ticked candidates", () => {
    const edited = tick(body, ["v1.3.0", "v1.9.0"]);
    expect(edited).not.toBe(body);
    expect(parseCommentMarks(edited)).toEqual({ huntId: 4242, ticked: ["v1.3.0", "v1.9.0"], autopilot: false });
  });

  it("accepts [X], CRLF line ends and indented items", () => {
    const edited = tick(body, ["v1.1.0", "v1.7.0"], "X")
      .split("\n")
      .map((line) => (line.startsWith("- ") ? `   ${line}` : line))
      .join("\r\n");
    expect(parseCommentMarks(edited).ticked).toEqual(["v1.1.0", "v1.7.0"]);
  });

  it("reads back a ticked auto-pilot item, and a rendered auto-pilot state", () => {
    expect(parseCommentMarks(tickAutopilot(body)).autopilot).toBe(true);
    const onBody = renderHuntComment({ ...view, autopilot: true });
    expect(onBody).toContain("- [x] 🤖 Auto-pilot");
    expect(parseCommentMarks(onBody)).toEqual({ huntId: 4242, ticked: [], autopilot: true });
  });

  it("has no tickable items once the hunt is over", () => {
    for (const state of ["found", "cancelled", "failed"] as const) {
      const over = renderHuntComment({ ...view, state });
      expect(over).not.toContain("locate:tag:");
      expect(parseCommentMarks(over)).toEqual({ huntId: 4242, ticked: [], autopilot: null });
      expect(findState(over)).toBe(state);
    }
  });

  it("still offers candidates while paused", () => {
    const paused = renderHuntComment({ ...view, state: "paused" });
    expect(paused).toContain("Paused");
    expect(parseCommentMarks(tick(paused, ["v1.5.0"])).ticked).toEqual(["v1.5.0"]);
  });

  it("round-trips arbitrary unicode names", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: "binary", minLength: 1, maxLength: 30 }), { minLength: 3, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        (middle, ticks) => {
          const names = ["good-end", ...middle, "bad-end"].filter((name, index, all) => all.indexOf(name) === index);
          const candidates = names.slice(1, -1).map((_, index) => index + 1);
          const rendered = renderHuntComment(makeView({ names, candidates }));
          const chosen = candidates.filter((_, index) => ticks[index]).map((position) => names[position] as string);
          expect(count(rendered, "<!--")).toBe(2 + candidates.length + 1);
          expect(count(rendered, "-->")).toBe(2 + candidates.length + 1);
          expect(parseCommentMarks(tick(rendered, chosen)).ticked).toEqual(chosen);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("hostile names and text", () => {
  const hostile = [
    "a|b",
    "back`tick``s",
    "<!-- sneaky",
    "closes -->",
    "<script>alert(1)</script>",
    "@org/team",
    "line\nbreak\r\nand\u2028more",
    "x".repeat(600),
    "%41",
    "日本語-🎉-Ω",
    "**bold** _em_ [link](https://evil.example) ~~s~~ $x$ #1 &amp;",
    "trailing-- -",
  ];
  const names = ["v0-good", ...hostile, "v9-bad"];
  const candidates = hostile.map((_, index) => index + 1);
  const view = makeView({
    names,
    candidates,
    picks: [1, 5],
    runs: hostile.map((name, index) =>
      run(index + 1, {
        status: "completed",
        verdict: "inconclusive",
        note: `note about ${name}`,
        manualBy: index % 3 === 0 ? "@evil|<b>" : null,
        round: 1 + (index % 2),
      }),
    ),
    notice: "Workflow <img src=x> | `rm -rf` @here\nsecond line -->",
    inconclusive: [],
  });
  const body = renderHuntComment(view);
  const expectedMarkers = 2 + candidates.length + 1;

  it("opens and closes exactly the markers it means to", () => {
    expect(count(body, "<!--")).toBe(expectedMarkers);
    expect(count(body, "-->")).toBe(expectedMarkers);
  });

  it("injects no HTML and pings nobody", () => {
    expect(body.toLowerCase()).not.toContain("<script");
    expect(body.toLowerCase()).not.toContain("<img");
    expect(body).not.toContain("<b>");
    expect(body).not.toMatch(/(?<![\p{L}\p{N}])@[A-Za-z0-9]/u);
    expect(body).not.toMatch(/(?<![\p{L}\p{N}])#\d/u);
  });

  it("keeps every table row at five columns", () => {
    const rows = tableLines(body);
    expect(rows.length).toBe(2 + hostile.length);
    for (const row of rows) expect(cellSeparators(row)).toBe(6);
  });

  it("keeps each candidate on one line and bounds long names in the visible text", () => {
    const items = body.split("\n").filter((line) => line.startsWith("- [ ] ") && line.includes("locate:tag:"));
    expect(items).toHaveLength(hostile.length);
    const longItem = items.find((line) => line.includes("xxxx")) ?? "";
    expect(longItem).toContain("…");
    // The marker still carries the whole name, so only the visible part is cut.
    expect(longItem).toContain(`<!-- locate:tag:${"x".repeat(600)} -->`);
  });

  it("parses back every original name when all are ticked", () => {
    expect(parseCommentMarks(tick(body, hostile)).ticked).toEqual(hostile);
  });

  it("escapes the notice onto one quoted line", () => {
    const notice = body.split("\n").find((line) => line.startsWith("> ⚠️ Workflow")) ?? "";
    expect(notice).toBe("> ⚠️ Workflow &lt;img src=x&gt; \\| \\`rm -rf\\` @\u200Dhere second line --&gt;");
  });
});

describe("found", () => {
  const names = ["v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0", "v1.4.0", "v1.5.0", "v2.0.0"];
  const found: FoundView = {
    compareUrl: "https://github.com/acme/widgets/compare/v1.3.0...v1.4.0",
    probability: 0.99712,
    totalCommits: 42,
    commits: commits(30),
  };

  it("names the first bad and last good tag, links the compare view and lists the commits", () => {
    const body = renderHuntComment(
      makeView({ names, lastGood: 3, firstBad: 4, state: "found", found, runs: [run(3), run(4, { verdict: "bad" })] }),
    );
    expect(body).toContain("<!-- locate:result first-bad=v1.4.0 last-good=v1.3.0 confidence=0.9971 -->");
    expect(parseResultMarker(body)).toEqual({ firstBad: "v1.4.0", lastGood: "v1.3.0", candidates: ["v1.4.0"], confidence: 0.9971 });
    expect(body).toContain("**99.71 % sure**, from 2 runs; around the boundary: <code>v1.3.0</code> ✅ · <code>v1.4.0</code> ❌");
    expect(body).toContain("### 🎯 Found the first bad tag: <code>v1.4.0</code>");
    expect(body).toContain("**First bad tag:** <code>v1.4.0</code> · **last good:** <code>v1.3.0</code>");
    expect(body).toContain("[compare v1.3.0...v1.4.0](https://github.com/acme/widgets/compare/v1.3.0...v1.4.0) · 42 commits:");
    const commitLines = body.split("\n").filter((line) => line.startsWith("- [`"));
    expect(commitLines).toHaveLength(30);
    expect(commitLines[0]).toBe(
      `- [\`${fakeSha(1000).slice(0, 7)}\`](https://github.com/acme/widgets/commit/${fakeSha(1000)}) Change number 0 — author0`,
    );
    expect(commitLines[1]).toMatch(/Change number 1$/);
    expect(body).toContain("- …and 12 more in the compare view");
    expect(body).toContain("`/locate commits`");
    expect(body).not.toContain("Auto-pilot:");
  });

  it("encodes hostile names in the result marker", () => {
    const hostileNames = ["good", "a", "we|rd -->", "@x/y z", "bad"];
    const body = renderHuntComment(makeView({ names: hostileNames, lastGood: 1, firstBad: 2, possibleFirstBad: [2], state: "found" }));
    expect(body).toContain("<!-- locate:result first-bad=we%7Crd%20-%2D%3E last-good=a -->");
    expect(count(body, "-->")).toBe(3);
    expect(parseResultMarker(body)?.firstBad).toBe("we|rd -->");
  });

  it("names the range of possible first bad versions when inconclusive ones separate the ends", () => {
    const body = renderHuntComment(
      makeView({ names, lastGood: 1, firstBad: 4, inconclusive: [2, 3], possibleFirstBad: [2, 3, 4], state: "found", found }),
    );
    expect(body).toContain("<!-- locate:result first-bad=v1.2.0 last-good=v1.1.0 candidates=v1.2.0,v1.3.0,v1.4.0 confidence=0.9971 -->");
    expect(parseResultMarker(body)?.candidates).toEqual(["v1.2.0", "v1.3.0", "v1.4.0"]);
    expect(body).toContain("is one of 3, <code>v1.2.0</code> … <code>v1.4.0</code>");
    expect(body).toContain("**First bad tag: one of** <code>v1.2.0</code>, <code>v1.3.0</code>, <code>v1.4.0</code>");
    const bar = body.split("\n").find((line) => line.startsWith("🟩")) ?? "";
    expect(bar).toContain("🟧");
  });

  it("shows commit titles in commit mode and speaks of commits", () => {
    const body = renderHuntComment(
      makeView({ size: 6, titles: true, mode: "commits", lastGood: 2, firstBad: 3, state: "found", runs: [run(2), run(3, { verdict: "bad" })] }),
    );
    expect(body).toContain("Found the first bad commit");
    expect(body).toContain("| Commit | Title | Verdict | Run | Note |");
    expect(body).toContain("Commit number 3");
    expect(body).not.toContain("/locate commits");
    for (const row of tableLines(body)) expect(cellSeparators(row)).toBe(6);
  });
});

describe("contradictions and notices", () => {
  it("points out runs that disagree with the most likely answer and offers them again", () => {
    const body = renderHuntComment(
      makeView({ size: 10, lastGood: 2, firstBad: 5, contradictions: [7], runs: [run(5, { verdict: "bad" }), run(7, { verdict: "good" })] }),
    );
    expect(body).toContain("> 🔁 Runs of <code>v1.7.0</code> disagree with the most likely answer.");
    const row = tableLines(body).find((line) => line.includes("v1.7.0")) ?? "";
    expect(row).toContain("🔁 disagrees with the most likely answer");
  });

  it("says plainly when the workflow looks flaky, with the estimated rate", () => {
    const runs = [run(3), run(3, { verdict: "bad" }), run(3), run(6, { verdict: "bad" })];
    const body = renderHuntComment(makeView({ size: 10, lastGood: 3, firstBad: 6, runs, disagreeing: 1 }));
    // evidence in makeView: 1 expected false failure over 20 runs.
    expect(body).toContain("> 🎲 1 of 4 runs disagreed with the others; estimated flake rate 5 %.");
    expect(renderHuntComment(makeView({ size: 10, lastGood: 3, firstBad: 6, runs }))).not.toContain("🎲");
  });

  it("shows every run of a version as marks, with how many of the finished ones passed", () => {
    const body = renderHuntComment(
      makeView({ size: 10, lastGood: 0, firstBad: 9, inFlight: [4], runs: [run(4), run(4, { verdict: "bad" }), run(4, { verdict: "inconclusive" }), run(4, { status: "running", verdict: null, attempt: 2, round: 2 })] }),
    );
    const row = tableLines(body).find((line) => line.includes("v1.4.0")) ?? "";
    expect(row).toContain("| ✅❌⚠️🏃 1/2 passed |");
    expect(row).toContain("[run, attempt 2]");
  });

  it("shows the most likely first bad version and its probability while searching", () => {
    const view = makeView({ size: 10, lastGood: 2, firstBad: 6, possibleFirstBad: [4], probability: 0.62 });
    expect(renderHuntComment(view)).toContain("most likely first bad: <code>v1.4.0</code> (62 % of 99 % needed)");
  });
});

describe("length cap", () => {
  const size = 10_000;
  const runs: RunView[] = Array.from({ length: 3000 }, (_, index) => {
    const position = 1 + ((index * 3) % (size - 2));
    return run(position, { verdict: position < 5000 ? "good" : "bad", round: 1 + Math.floor(index / 3), note: index % 5 === 0 ? "flaky ".repeat(40) : null });
  });

  it("cuts a huge hunt in progress to the limit and says how much was left out", () => {
    const body = renderHuntComment(
      makeView({ size, lastGood: 4999, firstBad: 5002, runs, candidates: [5000, 5001], picks: [5000], roundsLeft: 1 }),
    );
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body).toMatch(/and \d+ more/);
    expect(findHuntId(body)).toBe(4242);
    expect(parseCommentMarks(tick(body, ["v1.5001.0"])).ticked).toEqual(["v1.5001.0"]);
    // The rows kept are the ones around the boundary.
    expect(body).toContain("<code>v1.4999.0</code>");
  });

  it("cuts a huge found hunt with many commits", () => {
    const body = renderHuntComment(
      makeView({ size, lastGood: 4999, firstBad: 5000, runs, state: "found", found: { compareUrl: "https://github.com/acme/widgets/compare/a...b", totalCommits: 500, commits: commits(45) } }),
    );
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body).toContain("- …and 470 more in the compare view");
    expect(body.split("\n").filter((line) => line.startsWith("- [`"))).toHaveLength(30);
    expect(parseResultMarker(body)).toEqual({ firstBad: "v1.5000.0", lastGood: "v1.4999.0", candidates: ["v1.5000.0"], confidence: null });
  });

  it("falls back to a minimal comment when even the markers are enormous", () => {
    const names = Array.from({ length: 22 }, (_, index) => `${index}-${"ü".repeat(2000)}`);
    const body = renderHuntComment(makeView({ names, candidates: names.slice(1, -1).map((_, index) => index + 1) }));
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(findHuntId(body)).toBe(4242);
    expect(findState(body)).toBe("searching");
  });

  it("keeps an ambiguous result over thousands of versions within the limit", () => {
    const possible = Array.from({ length: 9000 }, (_, index) => index + 500);
    const body = renderHuntComment(
      makeView({ size, names: Array.from({ length: size }, (_, index) => `release-${index}-${"n".repeat(20)}`), lastGood: 499, firstBad: 9499, inconclusive: possible.slice(0, -1), possibleFirstBad: possible, state: "found" }),
    );
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(parseResultMarker(body)?.firstBad).toBe(`release-500-${"n".repeat(20)}`);
  });
});
