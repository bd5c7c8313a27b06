// Unit tests of the sandbox's pure parts: schema validator, router, history graph, run-name rendering, created filter, task ticking.
import { describe, expect, it } from "vitest";
import { toggleTask } from "../../src/sandbox/index.js";
import { Graph } from "../../src/sandbox/history.js";
import type { HistoryData } from "../../src/sandbox/history.js";
import { openApi } from "../../src/sandbox/openapi.js";
import type { Schema } from "../../src/sandbox/openapi.js";
import { Router } from "../../src/sandbox/router.js";
import { createdRange } from "../../src/sandbox/routes/actions.js";
import { normalizeInputs, renderRunName } from "../../src/sandbox/runs.js";
import { syntheticHistory } from "../../src/sandbox/synthetic.js";
import { githubMessage, validate } from "../../src/sandbox/validate.js";

describe("validate", () => {
  const api = openApi();
  const schema: Schema = {
    type: "object",
    properties: {
      ref: { type: "string" },
      inputs: { type: "object", additionalProperties: true, maxProperties: 2 },
      mode: { type: "string", enum: ["a", "b"] },
      note: { type: "string", nullable: true },
      list: { type: "array", items: { type: "integer" } },
    },
    required: ["ref"],
  };
  const check = (value: unknown, rejectUnknown = true) => validate(value, schema, api, { rejectUnknown }).map((p) => p.message);

  it("accepts a valid body", () => {
    expect(check({ ref: "main", inputs: { x: "1" }, mode: "a", note: null, list: [1, 2] })).toEqual([]);
  });

  it("names missing, unknown, mistyped and out-of-enum fields in GitHub's words", () => {
    expect(check({})).toEqual([`"ref" wasn't supplied.`]);
    expect(check({ ref: "m", bogus: 1 })).toEqual([`"bogus" is not a permitted key.`]);
    expect(check({ ref: 1 })).toEqual([`For 'properties/ref', 1 is not a string.`]);
    expect(check({ ref: "m", mode: "c" })).toEqual([`For 'properties/mode', "c" is not a member of ["a","b"].`]);
    expect(check({ ref: "m", list: [1, "2"] })).toEqual([`For 'properties/list/properties/1', "2" is not an integer.`]);
    expect(check({ ref: "m", inputs: { a: 1, b: 2, c: 3 } })).toHaveLength(1);
    expect(check({ ref: null })).toEqual([`For 'properties/ref', nil is not a string.`]);
    expect(githubMessage(validate({}, schema, api, { rejectUnknown: true }))).toBe(`Invalid request.\n\n"ref" wasn't supplied.`);
  });

  it("lets unknown keys through for responses", () => {
    expect(check({ ref: "m", bogus: 1 }, false)).toEqual([]);
  });

  it("follows $ref and allOf/oneOf in the real description", () => {
    const op = api.operation("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")!;
    const body = api.requestSchema(op)!;
    expect(validate({ content: "eyes" }, body, api, { rejectUnknown: true })).toEqual([]);
    expect(validate({ content: "smile" }, body, api, { rejectUnknown: true })[0]!.kind).toBe("enum");
    const token = api.operation("POST", "/app/installations/{installation_id}/access_tokens")!;
    expect(validate({ permissions: { issues: "write" } }, api.requestSchema(token)!, api, { rejectUnknown: true })).toEqual([]);
    expect(validate({ permissions: { issues: "own" } }, api.requestSchema(token)!, api, { rejectUnknown: true })).toHaveLength(1);
    expect(validate({}, { $ref: "#/components/schemas/workflow-run" }, api, { rejectUnknown: false }).length).toBeGreaterThan(20);
  });
});

describe("Router", () => {
  const router = new Router();
  const handler = () => ({ status: 200 });
  router.add({ method: "GET", template: "/repos/{owner}/{repo}/commits/{ref}", auth: "installation", handler }, new Set(["ref"]));
  router.add({ method: "GET", template: "/repos/{owner}/{repo}/commits/{commit_sha}/pulls", auth: "installation", handler }, new Set(["commit_sha"]));
  router.add({ method: "GET", template: "/repos/{owner}/{repo}/contents/{path}", auth: "installation", handler }, new Set(["path"]));

  it("prefers the route with more literal segments over a greedy multi-segment param", () => {
    expect(router.match("GET", "/repos/o/r/commits/abc/pulls")?.route.template).toBe("/repos/{owner}/{repo}/commits/{commit_sha}/pulls");
    expect(router.match("GET", "/repos/o/r/commits/heads/feature/x")?.params.ref).toBe("heads/feature/x");
  });

  it("decodes parameters, whether slashes come raw or percent-encoded", () => {
    expect(router.match("GET", "/repos/o/r/contents/.github/locate.yml")?.params.path).toBe(".github/locate.yml");
    expect(router.match("GET", "/repos/o/r/contents/.github%2Flocate.yml")?.params.path).toBe(".github/locate.yml");
    expect(router.match("GET", "/repos/o/r/commits/create-vite%401.0.0")?.params.ref).toBe("create-vite@1.0.0");
  });

  it("does not match other methods or lengths", () => {
    expect(router.match("POST", "/repos/o/r/commits/abc")).toBeUndefined();
    expect(router.match("GET", "/repos/o/r")).toBeUndefined();
  });
});

describe("Graph", () => {
  // a - b - c - m - e      (main)
  //      \     /
  //       d ---            (side)
  const data: HistoryData = {
    repo: "t/t",
    defaultBranch: "main",
    defaultBranchSha: "e".repeat(40),
    commits: [
      ["a".repeat(40), [], 1],
      ["b".repeat(40), ["a".repeat(40)], 2],
      ["c".repeat(40), ["b".repeat(40)], 3],
      ["d".repeat(40), ["b".repeat(40)], 4],
      ["f".repeat(40), ["c".repeat(40), "d".repeat(40)], 5],
      ["e".repeat(40), ["f".repeat(40)], 6],
    ],
    tags: [{ name: "v1", sha: "b".repeat(40), date: 2, annotated: false }],
  };
  const g = new Graph(data);
  const i = (ch: string) => g.indexOf(ch.repeat(40))!;

  it("answers ancestry", () => {
    expect(g.isAncestor(i("a"), i("e"))).toBe(true);
    expect(g.isAncestor(i("d"), i("e"))).toBe(true);
    expect(g.isAncestor(i("d"), i("c"))).toBe(false);
    expect(g.isAncestor(i("c"), i("c"))).toBe(true);
    expect([...g.descendants(i("d"))].map((x, k) => (x ? k : -1)).filter((k) => k >= 0)).toEqual([i("d"), i("f"), i("e")]);
  });

  it("compares like git", () => {
    expect(g.compare(i("c"), i("d"))).toMatchObject({ status: "diverged", aheadBy: 1, behindBy: 1, mergeBase: i("b") });
    expect(g.compare(i("b"), i("e"))).toMatchObject({ status: "ahead", aheadBy: 4, behindBy: 0, commits: [i("c"), i("d"), i("f"), i("e")] });
    expect(g.compare(i("e"), i("b"))?.status).toBe("behind");
  });

  it("resolves branches, tags, refs/… and abbreviated SHAs", () => {
    expect(g.resolve("main")?.index).toBe(i("e"));
    expect(g.resolve("refs/tags/v1")?.index).toBe(i("b"));
    expect(g.resolve("ddddddd")?.kind).toBe("sha");
    expect(g.resolve("nope")).toBeUndefined();
  });

  it("rejects histories out of topological order", () => {
    expect(() => new Graph({ ...data, commits: [...data.commits].reverse() })).toThrow(/missing|topological/);
  });

  it("synthesizes a seeded history with merges", () => {
    const h = syntheticHistory(9, 3);
    expect(h.tags.map((t) => t.name)).toEqual(Array.from({ length: 9 }, (_, k) => `v0.${k + 1}.0`));
    expect(h.commits.filter(([, ps]) => ps.length === 2)).toHaveLength(2);
    expect(syntheticHistory(9, 3)).toEqual(h);
    expect(syntheticHistory(9, 4).defaultBranchSha).not.toBe(h.defaultBranchSha);
  });
});

describe("small helpers", () => {
  it("renders run-name from inputs, and falls back to the workflow name", () => {
    expect(renderRunName("locate ${{ inputs.tag }} [${{inputs.locate_id}}]", "locate", { tag: "v1", locate_id: "h-1" })).toBe("locate v1 [h-1]");
    expect(renderRunName("locate ${{ inputs.tag }} [${{ inputs.locate_id }}]", "locate", {})).toBe("locate  []");
    expect(renderRunName(null, "locate", { tag: "v1" })).toBe("locate");
  });

  it("declares ref and tag as required inputs by default", () => {
    expect(normalizeInputs(undefined)).toEqual([
      { name: "ref", required: true },
      { name: "tag", required: true },
      { name: "locate_id", required: false },
    ]);
  });

  it("parses GitHub's created filter", () => {
    const day = Date.parse("2024-03-05T00:00:00Z");
    expect(createdRange("2024-03-05")).toEqual({ from: day, to: day + 86_400_000 - 1 });
    expect(createdRange(">=2024-03-05")).toEqual({ from: day, to: Infinity });
    expect(createdRange("<2024-03-05")).toEqual({ from: -Infinity, to: day - 1 });
    expect(createdRange("2024-03-05..*")?.from).toBe(day);
    expect(createdRange("2024-03-05T10:00:00Z..2024-03-06T00:00:00Z")).toEqual({ from: day + 36e6, to: day + 86_400_000 });
    expect(createdRange("yesterday")).toBeUndefined();
  });

  it("toggles only the task line with the marker", () => {
    const body = "- [ ] a <!-- locate:tag:a -->\n* [x] b <!-- locate:tag:b -->\nnot a task <!-- locate:tag:c -->";
    expect(toggleTask(body, "locate:tag:a", true)).toBe(body.replace("- [ ] a", "- [x] a"));
    expect(toggleTask(body, "locate:tag:b", false)).toBe(body.replace("* [x] b", "* [ ] b"));
    expect(toggleTask(body, "locate:tag:c", true)).toBeUndefined();
    expect(toggleTask(body, "locate:tag:a", false)).toBe(body);
    expect(toggleTask("- [ ] auto <!--locate:auto-->", "locate:auto", true)).toBe("- [x] auto <!--locate:auto-->");
    expect(toggleTask("- [ ] x <!-- locate:tag:v1.0.0%2Bb -->\n- [ ] y <!-- locate:tag:v1a0a0%2Bb -->", "locate:tag:v1a0a0%2Bb", true)).toBe(
      "- [ ] x <!-- locate:tag:v1.0.0%2Bb -->\n- [x] y <!-- locate:tag:v1a0a0%2Bb -->",
    );
  });
});
