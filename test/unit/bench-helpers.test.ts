// Correctness of the benchmark's helpers (never its timings): the auto-pilot simulation, the phase split of a request log, the formatting.
import { Webhooks } from "@octokit/webhooks";
import { describe, expect, it } from "vitest";
import { arrivedAt, githubWrites, mostInWindow } from "../../bench/busy.js";
import { MIX_CYCLE, describeMix, irrelevantMix } from "../../bench/irrelevant.js";
import { splitPhases } from "../../bench/phases.js";
import { channelBound, simulateBisection, simulateLocate } from "../../bench/search.js";
import { ceilLog, quantile, renderTable, spliceResults } from "../../bench/table.js";
import { prng } from "../../src/sandbox/prng.js";
import type { RequestLogEntry, Sandbox } from "../../src/sandbox/index.js";

const NOISE_FREE = { label: "0 %", falseFailure: 0, falsePass: 0 };

describe("search simulations", () => {
  it("plain bisection names the true first bad within ⌈log_(k+1) n⌉ rounds when runs tell the truth", () => {
    const rand = prng(1);
    for (const n of [1, 2, 10, 37, 100]) {
      for (const k of [1, 3, 5]) {
        for (let firstBad = 1; firstBad <= n; firstBad++) {
          const hunt = simulateBisection(n, k, firstBad, NOISE_FREE, rand, 1);
          expect(hunt.answer).toBe(firstBad);
          expect(hunt.rounds).toBeLessThanOrEqual(ceilLog(n, k + 1));
          expect(hunt.runs).toBeLessThanOrEqual(hunt.rounds * k);
        }
      }
    }
  });

  it("majority-of-3 bisection runs every version three times", () => {
    const hunt = simulateBisection(100, 3, 40, NOISE_FREE, prng(2), 3);
    expect(hunt.answer).toBe(40);
    expect(hunt.runs % 3).toBe(0);
    expect(hunt.runs).toBe(3 * simulateBisection(100, 3, 40, NOISE_FREE, prng(2), 1).runs);
  });

  it("Locate's core names the true first bad when runs tell the truth, and is followed run by run", () => {
    const rand = prng(3);
    for (const n of [2, 10, 37]) {
      for (const k of [1, 3]) {
        for (let firstBad = 1; firstBad <= n; firstBad++) {
          const hunt = simulateLocate(n, k, firstBad, NOISE_FREE, rand);
          expect(hunt.outcome).toBe("found");
          expect(hunt.answer).toBe(firstBad);
        }
      }
    }
  });

  it("computes the noisy-channel bound on runs", () => {
    // (log₂ 100 + log₂ 100) / (1 − H(0.1)) = 13.29 / 0.531 = 25.02 → 26.
    expect(channelBound(100, { label: "10 %", falseFailure: 0.1, falsePass: 0.1 }, 0.99)).toBe(26);
    expect(channelBound(1024, NOISE_FREE, 0.99)).toBe(Math.ceil(10 + Math.log2(100)));
  });
});

const DISPATCH = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches";

function entry(route: string, at: number, token?: string): RequestLogEntry {
  return { method: route.split(" ")[0] ?? "GET", route, path: "/", query: "", status: 200, body: token ? { inputs: { locate_id: token } } : null, response: null, at, ms: 1 };
}

describe("splitPhases", () => {
  it("cuts resolving, rounds by the app's round of each dispatch token, and finding after the last verdict", () => {
    const log = [
      entry("GET /repos/{owner}/{repo}/tags", 1),
      entry("GET /repos/{owner}/{repo}/compare/{basehead}", 2),
      entry(DISPATCH, 3, "a"),
      entry(DISPATCH, 4, "b"),
      entry("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", 5),
      entry(DISPATCH, 6, "c"),
      entry("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", 7),
      entry("GET /repos/{owner}/{repo}/compare/{basehead}", 9),
      entry("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", 10),
    ];
    const phases = splitPhases(log, new Map([["a", 1], ["b", 1], ["c", 2]]), 8);
    expect(phases.resolving.map((r) => r.at)).toEqual([1, 2]);
    expect(phases.rounds.map((round) => round.map((r) => r.at))).toEqual([[3, 4, 5], [6, 7]]);
    expect(phases.finding.map((r) => r.at)).toEqual([9, 10]);
  });

  it("refuses a dispatch whose token the app did not record", () => {
    expect(() => splitPhases([entry(DISPATCH, 1, "x")], new Map(), 0)).toThrow(/unknown token/);
  });
});

describe("formatting", () => {
  it("computes ⌈log_b n⌉ without floating-point error", () => {
    expect([1, 2, 3, 4, 5, 16, 17, 1_000, 1_024, 1_025].map((n) => ceilLog(n, 2))).toEqual([0, 1, 2, 2, 3, 4, 5, 10, 10, 11]);
    expect([10, 100, 1_000, 10_000].map((n) => ceilLog(n, 4))).toEqual([2, 4, 5, 7]);
    expect(ceilLog(1_000, 10)).toBe(3);
  });

  it("takes the nearest-rank quantile", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
  });

  it("renders a markdown table with one row per entry and notes as a list", () => {
    const text = renderTable({ title: "T", head: ["a", "b"], rows: [["x", "1"], ["y", "22"]], notes: ["note"] });
    const lines = text.split("\n");
    expect(lines[0]).toBe("### T");
    expect(lines.filter((line) => line.startsWith("|"))).toHaveLength(4);
    expect(lines.at(-1)).toBe("- note");
  });
});

describe("spliceResults (bench --only)", () => {
  const table = (title: string, value: string) => ({ title, head: ["name", "value"], rows: [["a", value]] });
  const targets = (rows: string[][]) => renderTable({ title: "Targets", head: ["target", "measured", "met"], rows });
  const before = [
    "# Locate benchmark results",
    "",
    "Written by `npm run bench` on then.",
    "",
    "- CPU: some",
    "",
    "## Summary",
    "",
    targets([["search ok", "all", "✅"], ["memory small", "old", "❌"]]),
    "",
    "## Tables",
    "",
    `${renderTable(table("1. Search", "10"))}\n`,
    `${renderTable(table("4. Memory", "old"))}\n`,
    "## Details",
    "",
    `${renderTable(table("2c. Detail", "x"))}\n`,
  ].join("\n");

  it("replaces only the re-measured table and target, keeps the rest, and says what was re-measured", () => {
    const after = spliceResults(before, [{ tables: [table("4. Memory", "new")], targets: [{ target: "memory small", measured: "new", met: true }] }], "memory re-measured.");
    expect(after).toContain(renderTable(table("4. Memory", "new")));
    expect(after).not.toContain("| a    | old   |");
    expect(after).toContain(renderTable(table("1. Search", "10")));
    expect(after).toContain(renderTable(table("2c. Detail", "x")));
    expect(after).toContain(targets([["search ok", "all", "✅"], ["memory small", "new", "✅"]]));
    expect(after.indexOf("memory re-measured.")).toBeGreaterThan(after.indexOf("Written by"));
    expect(after.indexOf("memory re-measured.")).toBeLessThan(after.indexOf("- CPU:"));
    // Headings and order stay as they were.
    expect(after.match(/^#{2,3} .*/gm)).toEqual(before.match(/^#{2,3} .*/gm));
  });
});

describe("issue 13's bench helpers", () => {
  it("counts the most writes inside any window, and leaves tokens and GraphQL out of GitHub's writes", () => {
    expect(mostInWindow([], 1000)).toBe(0);
    expect(mostInWindow([0, 1000, 2000, 3000], 1000)).toBe(1);
    expect(mostInWindow([0, 999, 2000], 1000)).toBe(2);
    expect(mostInWindow([5000, 0, 10, 20, 3000], 1000)).toBe(3);
    const entry = (method: string, route: string, at: number, ms = 1): RequestLogEntry => ({ method, route, path: "/", query: "", status: 200, body: null, response: null, at, ms });
    const writes = githubWrites([
      entry("POST", "POST /app/installations/{installation_id}/access_tokens", 1),
      entry("POST", "POST /graphql", 2),
      entry("GET", "GET /repos/{owner}/{repo}/tags", 3),
      entry("POST", "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", 4),
      entry("PATCH", "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", 5),
    ]);
    expect(writes.map((w) => w.method)).toEqual(["POST", "PATCH"]);
    expect(arrivedAt(entry("POST", "x", 100, 7))).toBe(93);
  });

  it("builds the irrelevant mix its notes describe: half plain comments, a third workflow runs, the rest issues events", async () => {
    const sb = {
      installationId: 4_242,
      repo: { owner: "acme", name: "widgets", id: 77, defaultBranch: "main", htmlUrl: "http://x/acme/widgets", defaultBranchSha: "a".repeat(40) },
      env: { WEBHOOK_SECRET: "s3cret" },
    } as unknown as Sandbox;
    const mix = await irrelevantMix(sb, { cycles: 2, issues: [1, 2, 3], seed: 1 });
    const cycle = Object.values(MIX_CYCLE).reduce((a, b) => a + b, 0);
    expect(mix).toHaveLength(2 * cycle);
    const count = (kind: string) => mix.filter((d) => d.kind === kind).length;
    expect(mix.filter((d) => d.event === "issue_comment")).toHaveLength(mix.length / 2);
    expect(mix.filter((d) => d.event === "workflow_run")).toHaveLength(mix.length / 3);
    expect(mix.filter((d) => d.event === "issues")).toHaveLength(mix.length / 6);
    for (const action of ["opened", "labeled", "closed"]) expect(count(`issues.${action}`)).toBe(mix.length / 18);
    const webhooks = new Webhooks({ secret: "s3cret" });
    for (const d of mix) {
      const payload = JSON.parse(d.body) as Record<string, any>;
      expect(await webhooks.verify(d.body, d.signature)).toBe(true);
      expect(payload.installation.id).toBe(4_242);
      expect(payload.repository).toMatchObject({ id: 77, name: "widgets", full_name: "acme/widgets", owner: { login: "acme" } });
      expect(payload.sender.type).toBe("User");
      expect(d.body).not.toMatch(/\/locate/);
      if (d.event === "issue_comment") expect(payload.comment.user.type).toBe("User");
      if (d.event === "issues") expect(payload.action === "closed" ? payload.issue.state : "open").toBe(payload.action === "closed" ? "closed" : "open");
      if (d.event === "workflow_run") {
        const run = payload.workflow_run;
        if (run.event === "push") expect(run.path).toBe(".github/workflows/ci.yml");
        else expect([run.event, run.path, run.display_title]).toEqual(["workflow_dispatch", ".github/workflows/deploy.yml", "Deploy production"]);
        expect(run.display_title).not.toMatch(/\[[^\]]*\]/);
      }
    }
    expect(count("workflow_run.completed (push CI)")).toBe(count("workflow_run.requested (deploy by hand)"));
    expect(describeMix(mix)).toContain("issue_comment.created 36");
  });
});
