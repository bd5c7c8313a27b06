// Unit tests of the demo's markdown-to-terminal converter, on bodies from the real renderer and on hand-written edge cases.
import { describe, expect, it } from "vitest";
import { renderHuntComment } from "../../src/render/index.js";
import type { HuntView } from "../../src/render/types.js";
import { commentToTerminal, displayWidth } from "../../src/sandbox/terminal.js";

const SHA = (n: number) => n.toString(16).padStart(2, "0").repeat(20);

/** A found hunt over five versions, one of them with a name full of markdown and HTML. */
function foundView(): HuntView {
  const names = ["v1.0.0", "v1.1.0", "v1.2.0|x_y*z<b>", "v1.3.0", "v1.4.0"];
  return {
    id: 7,
    mode: "tags",
    repoUrl: "https://github.com/acme/widgets",
    good: "v1.0.0",
    bad: "v1.4.0",
    state: "found",
    autopilot: true,
    parallel: 3,
    round: 2,
    versions: names.map((name, position) => ({ names: [name], sha: SHA(position + 1) })),
    runs: [
      { position: 1, status: "completed", verdict: "good", url: "https://github.com/acme/widgets/actions/runs/11", manualBy: null, note: null, round: 1, attempt: 1 },
      { position: 2, status: "completed", verdict: "bad", url: "https://github.com/acme/widgets/actions/runs/12", manualBy: null, note: "fails @carol #12", round: 1, attempt: 1 },
      { position: 3, status: "running", verdict: null, url: "https://github.com/acme/widgets/actions/runs/13", manualBy: null, note: null, round: 2, attempt: 1 },
    ],
    confidence: 0.99,
    search: {
      lastGood: 1,
      firstBad: 2,
      untested: [],
      inFlight: [3],
      picks: [],
      candidates: [],
      done: true,
      outcome: "found",
      possibleFirstBad: [2],
      probability: 0.996,
      olderThanGood: 0,
      badPasses: 0,
      contradictions: [],
      flake: { falseFailure: 0.02, falsePass: 0.02, disagreeing: 0, runs: 2 },
      evidence: { falseFailures: 0, goodRuns: 1, falsePasses: 0, badRuns: 1 },
      roundsLeft: 0,
    },
    found: {
      compareUrl: "https://github.com/acme/widgets/compare/v1.1.0...v1.2.0",
      probability: 0.996,
      totalCommits: 2,
      commits: [
        { sha: SHA(9), title: "Make `parse` **faster** (#42)", author: "dana" },
        { sha: SHA(2), title: "Release v1.2.0", author: null },
      ],
    },
    notice: null,
  };
}

describe("commentToTerminal on a rendered hunt comment", () => {
  const markdown = renderHuntComment(foundView());
  const text = commentToTerminal(markdown);

  it("drops markers, HTML and link targets, and keeps emoji", () => {
    expect(markdown).toContain("<!-- locate:result");
    expect(text).not.toMatch(/<!--|-->|<code>|<\/?sub>|<details>|<summary>|\]\(|https:\/\//);
    expect(text).toContain("🎯 Found the first bad tag: v1.2.0|x_y*z<b>");
    expect(text).toContain("🟩");
    expect(text).toContain("🟥");
    expect(text).toContain("compare v1.1.0...v1.2.0|x_y*z<b> · 2 commits:");
  });

  it("shows escaped user text literally, without the zero-width joiners that defuse mentions", () => {
    expect(text).toContain("fails @carol #12");
    expect(text).toContain("Make `parse` **faster** (#42) — dana");
    expect(text).not.toContain("\u200D");
    expect(text).not.toMatch(/\\[|*_<>()[\]`#]/);
  });

  it("lines the runs table up in columns, pipes inside names included", () => {
    const lines = text.split("\n");
    const header = lines.findIndex((line) => line.startsWith("Version"));
    expect(header).toBeGreaterThan(0);
    const table = lines.slice(header, header + 5);
    expect(table[1]).toMatch(/^─+( +─+)+$/);
    // Every row starts its second column where the header's "Commit" starts, counted in terminal columns.
    const commitColumn = displayWidth(table[0]!.slice(0, table[0]!.indexOf("Commit")));
    for (const row of table.slice(2)) {
      const name = row.slice(0, row.search(/ {2}[0-9a-f]{7}/) + 2);
      expect(displayWidth(name)).toBe(commitColumn);
    }
    expect(table.join("\n")).toContain("v1.2.0|x_y*z<b>");
    expect(table.join("\n")).toContain("❌ bad");
    expect(table.join("\n")).toContain("🏃 running");
  });

  it("never leaves two blank lines in a row, nor a blank line at either end", () => {
    expect(text).not.toMatch(/\n\s*\n\s*\n/);
    expect(text).toBe(text.trim());
  });

  it("bolds headings and strong text only when asked to", () => {
    expect(text).not.toContain("\u001b[");
    const ansi = commentToTerminal(markdown, { ansi: true });
    expect(ansi).toContain("\u001b[1m🎯 Found the first bad tag");
    expect(ansi.replace(/\u001b\[[0-9;]*m/g, "")).toBe(text);
  });
});

describe("commentToTerminal on hand-written markdown", () => {
  it("turns task items into boxes and bullets into dots", () => {
    const markdown = "- [ ] <code>v2</code> ⭐ · 2 / 9 <!-- locate:tag:v2 -->\n- [x] 🤖 Auto-pilot <!-- locate:auto -->\n- plain";
    expect(commentToTerminal(markdown)).toBe("☐ v2 ⭐ · 2 / 9\n☑ 🤖 Auto-pilot\n• plain");
  });

  it("removes HTML comments that span lines", () => {
    expect(commentToTerminal("before <!-- a\nb --> after")).toBe("before  after");
  });

  it("keeps link text and drops the target", () => {
    expect(commentToTerminal("[`abc1234`](https://example.com/commit/abc1234) and [run](http://x/y)")).toBe("abc1234 and run");
  });

  it("decodes entities once, so escaped HTML stays text", () => {
    expect(commentToTerminal("&lt;code&gt;x&lt;/code&gt; &amp;lt; &#64; &#x41;")).toBe("<code>x</code> &lt; @ A");
  });

  it("shows quotes and collapsed details readably", () => {
    expect(commentToTerminal("> ⚠️ careful\n>\n> again")).toBe("│ ⚠️ careful\n│\n│ again");
    expect(commentToTerminal("<details><summary>History · 2 rounds</summary>\n\n- Round 1\n\n</details>")).toBe("▸ History · 2 rounds\n\n• Round 1");
  });

  it("drops table columns that are empty in every row", () => {
    const markdown = "| A | Note |\n|---|---|\n| x |  |\n| yy |  |";
    expect(commentToTerminal(markdown)).toBe("A\n──\nx\nyy");
  });
});

describe("displayWidth", () => {
  it("counts emoji and wide characters as two columns and joiners as none", () => {
    expect(displayWidth("abc")).toBe(3);
    expect(displayWidth("✅")).toBe(2);
    expect(displayWidth("⚠️")).toBe(2);
    expect(displayWidth("🟩🟥")).toBe(4);
    expect(displayWidth("版本")).toBe(4);
    expect(displayWidth("a\u200Db")).toBe(2);
    expect(displayWidth("\u001b[1mab\u001b[0m")).toBe(2);
  });
});
