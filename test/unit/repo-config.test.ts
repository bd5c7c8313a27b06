// parseRepoConfig (§6): every key's default, what is accepted, and a problem naming the key for everything else
// (a retired key of issue 12 included, with what replaced it).
import { describe, expect, it } from "vitest";
import { DEFAULT_REPO_CONFIG, type RepoConfig, parseRepoConfig } from "../../src/config/repo-config.js";
import { CONFIDENCE, FLAKE_RATE } from "../../src/config/search-settings.js";

function ok(raw: unknown): RepoConfig {
  const result = parseRepoConfig(raw);
  if (!result.ok) throw new Error(`expected a valid config, got: ${result.problems.join("; ")}`);
  return result.config;
}

function problems(raw: unknown): string[] {
  const result = parseRepoConfig(raw);
  if (result.ok) throw new Error(`expected problems, got a valid config: ${JSON.stringify(result.config)}`);
  return result.problems;
}

describe("defaults", () => {
  it.each([
    ["null (empty file)", null],
    ["undefined (missing file)", undefined],
    ["an empty mapping", {}],
  ])("%s gives every default", (_label, raw) => {
    expect(ok(raw)).toEqual(DEFAULT_REPO_CONFIG);
  });

  it.each<[keyof RepoConfig, unknown]>([
    ["workflow", "locate.yml"],
    ["dispatch-ref", undefined],
    ["inputs", {}],
    ["parallel", 3],
    ["candidates", 10],
    ["tags", { include: "*", exclude: "", prereleases: true }],
    ["permission", "write"],
    ["timeout-minutes", 120],
    ["max-runs", 50],
    ["confidence", 0.99],
    ["flake-rate", 0.05],
  ])("%s defaults to %j", (key, value) => {
    expect(ok({})[key]).toEqual(value);
    // The exported defaults agree with a parse of nothing.
    expect(DEFAULT_REPO_CONFIG[key]).toEqual(value);
  });

  it("has no keys beyond those of §6, the search settings of issue 12, and skip-steps and notify (issue 14)", () => {
    expect(Object.keys(DEFAULT_REPO_CONFIG).sort()).toEqual(
      ["candidates", "confidence", "flake-rate", "inputs", "max-runs", "notify", "parallel", "permission", "skip-steps", "tags", "timeout-minutes", "workflow"].sort(),
    );
  });

  it("skips set-up, install and build steps by default, and notifies", () => {
    expect(DEFAULT_REPO_CONFIG["skip-steps"]).toEqual(expect.arrayContaining(["Set up *", "Install*", "Build*"]));
    expect(DEFAULT_REPO_CONFIG.notify).toBe(true);
    expect(ok({ "skip-steps": [] })["skip-steps"]).toEqual([]);
  });

  it("refuses repro and repro_lang as static inputs: they carry the code block", () => {
    const result = parseRepoConfig({ inputs: { repro: "x" } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join()).toContain("repro and repro_lang are set by Locate");
  });

  it("takes its search defaults and ranges from the settings the parser and help share", () => {
    expect(DEFAULT_REPO_CONFIG.confidence).toBe(CONFIDENCE.default);
    expect(DEFAULT_REPO_CONFIG["flake-rate"]).toBe(FLAKE_RATE.default);
  });

  it("fills in the tags keys that are not given", () => {
    expect(ok({ tags: { include: "v*" } }).tags).toEqual({ include: "v*", exclude: "", prereleases: true });
    expect(ok({ tags: { prereleases: false } }).tags).toEqual({ include: "*", exclude: "", prereleases: false });
    expect(ok({ tags: {} }).tags).toEqual({ include: "*", exclude: "", prereleases: true });
  });

  it("keeps the other defaults when one key is set", () => {
    expect(ok({ parallel: 2 })).toEqual({ ...DEFAULT_REPO_CONFIG, parallel: 2 });
  });
});

describe("accepted values", () => {
  it("takes the example file of §6 as written", () => {
    expect(
      ok({
        workflow: "locate.yml",
        "dispatch-ref": "main",
        inputs: {},
        parallel: 3,
        candidates: 10,
        tags: { include: "*", exclude: "", prereleases: true },
        permission: "write",
        "timeout-minutes": 120,
        "max-runs": 50,
      }),
    ).toEqual({ ...DEFAULT_REPO_CONFIG, "dispatch-ref": "main" });
  });

  it.each([
    ["repro.yml"],
    ["repro.yaml"],
    ["ci.locate-v2_x.yml"],
    ["123456"],
  ])("workflow %j", (workflow) => {
    expect(ok({ workflow }).workflow).toBe(workflow);
  });

  it("workflow given as a bare numeric id (YAML reads `workflow: 123456` as a number)", () => {
    // §6: "file name or id of the workflow to dispatch"; an unquoted id is a YAML number.
    expect(ok({ workflow: 123456 }).workflow).toBe("123456");
  });

  it("inputs: strings kept, numbers and booleans become strings", () => {
    expect(ok({ inputs: { os: "linux", retries: 3, debug: true, "node-version": "20.x", _x: "" } }).inputs).toEqual({
      os: "linux",
      retries: "3",
      debug: "true",
      "node-version": "20.x",
      _x: "",
    });
  });

  it("inputs: 22 inputs and a 1000-character value are the limits", () => {
    const many = Object.fromEntries(Array.from({ length: 22 }, (_, i) => [`input_${i}`, "v"]));
    expect(Object.keys(ok({ inputs: many }).inputs)).toHaveLength(22);
    expect(ok({ inputs: { long: "x".repeat(1000) } }).inputs.long).toHaveLength(1000);
  });

  it.each<[string, number]>([
    ["parallel", 1],
    ["parallel", 10],
    ["candidates", 3],
    ["candidates", 20],
    ["timeout-minutes", 1],
    ["timeout-minutes", 4320],
    ["max-runs", 1],
    ["max-runs", 1000],
    ["confidence", 0.9],
    ["confidence", 0.9999],
    ["confidence", 0.95],
    ["flake-rate", 0],
    ["flake-rate", 0.3],
    ["flake-rate", 0.1],
  ])("%s accepts %s (bounds included)", (key, value) => {
    expect(ok({ [key]: value })[key as keyof RepoConfig]).toBe(value);
  });

  it.each([["triage"], ["write"], ["maintain"], ["admin"]])("permission %s", (permission) => {
    expect(ok({ permission }).permission).toBe(permission);
  });

  it("dispatch-ref and tags as given", () => {
    const config = ok({ "dispatch-ref": "release/2.x", tags: { include: "create-vite@*", exclude: "*-beta*", prereleases: false } });
    expect(config["dispatch-ref"]).toBe("release/2.x");
    expect(config.tags).toEqual({ include: "create-vite@*", exclude: "*-beta*", prereleases: false });
  });
});

describe("problems name the key", () => {
  it.each<[string, unknown, string[]]>([
    // Unknown keys.
    ["an unknown key", { paralel: 2 }, ["unknown key `paralel`"]],
    ["two unknown keys", { a: 1, b: 2 }, ["unknown keys `a`, `b`"]],
    ["an unknown key under tags", { tags: { include: "v*", exclude_prereleases: true } }, ["unknown key `exclude_prereleases` in `tags`"]],
    // Not a mapping at all.
    ["a list", ["workflow: x"], ["`(top level)`: Invalid input: expected object, received array"]],
    ["a string", "workflow", ["`(top level)`: Invalid input: expected object, received string"]],
    ["a number", 5, ["`(top level)`: Invalid input: expected object, received number"]],
  ])("%s", (_label, raw, expected) => {
    expect(problems(raw)).toEqual(expected);
  });

  it.each<[string, unknown, string, RegExp]>([
    // Wrong types.
    ["parallel as a string", { parallel: "three" }, "`parallel`", /expected number, received string/],
    ["parallel as a numeric string", { parallel: "3" }, "`parallel`", /expected number/],
    ["parallel not an integer", { parallel: 2.5 }, "`parallel`", /expected int/],
    ["candidates as a boolean", { candidates: true }, "`candidates`", /expected number/],
    ["workflow as a list", { workflow: ["a.yml"] }, "`workflow`", /expected string/],
    ["workflow not a file name or id", { workflow: "build" }, "`workflow`", /workflow file name like locate\.yml, or its numeric id/],
    ["workflow with a path", { workflow: "../other/x.yml" }, "`workflow`", /workflow file name/],
    ["dispatch-ref empty", { "dispatch-ref": "" }, "`dispatch-ref`", />=1/],
    ["dispatch-ref too long", { "dispatch-ref": "r".repeat(256) }, "`dispatch-ref`", /<=255/],
    ["inputs as a list", { inputs: ["os=linux"] }, "`inputs`", /expected record/],
    ["an input value that is a list", { inputs: { os: ["linux"] } }, "`inputs.os`", /Invalid input/],
    ["an input value that is null", { inputs: { os: null } }, "`inputs.os`", /Invalid input/],
    ["an input value too long", { inputs: { os: "x".repeat(1001) } }, "`inputs.os`", /<=1000/],
    ["23 inputs", { inputs: Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`i${i}`, "v"])) }, "`inputs`", /at most 22 inputs/],
    ["tags as a string", { tags: "v*" }, "`tags`", /expected object, received string/],
    ["tags.include empty", { tags: { include: "" } }, "`tags.include`", />=1/],
    ["tags.prereleases as a string", { tags: { prereleases: "yes" } }, "`tags.prereleases`", /expected boolean/],
    ["permission unknown", { permission: "owner" }, "`permission`", /"triage"\|"write"\|"maintain"\|"admin"/],
    ["permission read (not a choice)", { permission: "read" }, "`permission`", /expected one of/],
    // Out of range.
    ["parallel 0", { parallel: 0 }, "`parallel`", />=1/],
    ["parallel 11", { parallel: 11 }, "`parallel`", /<=10/],
    ["parallel -1", { parallel: -1 }, "`parallel`", />=1/],
    ["candidates 2", { candidates: 2 }, "`candidates`", />=3/],
    ["candidates 21", { candidates: 21 }, "`candidates`", /<=20/],
    ["timeout-minutes 0", { "timeout-minutes": 0 }, "`timeout-minutes`", />=1/],
    ["timeout-minutes 4321", { "timeout-minutes": 4321 }, "`timeout-minutes`", /<=4320/],
    ["max-runs 0", { "max-runs": 0 }, "`max-runs`", />=1/],
    ["max-runs 1001", { "max-runs": 1001 }, "`max-runs`", /<=1000/],
    ["confidence 0.8999", { confidence: 0.8999 }, "`confidence`", />=0\.9\b/],
    ["confidence 1", { confidence: 1 }, "`confidence`", /<=0\.9999/],
    ["confidence as a percentage string", { confidence: "99%" }, "`confidence`", /expected number, received string/],
    ["confidence 99 (a percentage without its sign)", { confidence: 99 }, "`confidence`", /<=0\.9999/],
    ["flake-rate -0.01", { "flake-rate": -0.01 }, "`flake-rate`", />=0\b/],
    ["flake-rate 0.31", { "flake-rate": 0.31 }, "`flake-rate`", /<=0\.3\b/],
    ["flake-rate as a boolean", { "flake-rate": true }, "`flake-rate`", /expected number/],
  ])("%s", (_label, raw, key, problem) => {
    const found = problems(raw);
    expect(found).toHaveLength(1);
    expect(found[0]!.startsWith(`${key}: `)).toBe(true);
    expect(found[0]).toMatch(problem);
  });

  it.each<[string, unknown, string, RegExp]>([
    ["an input name with a space", { inputs: { "has space": "x" } }, "`inputs.has space`", /letters, digits, _ and -/],
    ["an input name starting with a digit", { inputs: { "1st": "x" } }, "`inputs.1st`", /letters, digits, _ and -/],
    ["the reserved input ref", { inputs: { ref: "main" } }, "`inputs.ref`", /set by Locate/],
    ["the reserved input tag", { inputs: { tag: "v1" } }, "`inputs.tag`", /set by Locate/],
    ["the reserved input locate_id", { inputs: { locate_id: "x" } }, "`inputs.locate_id`", /set by Locate/],
  ])("%s: the key and why it is refused", (_label, raw, key, problem) => {
    const found = problems(raw);
    expect(found).toHaveLength(1);
    expect(found[0]!.startsWith(`${key}: `)).toBe(true);
    // §6: "a reply naming the key and the problem" — the schema's own explanation, not a generic one.
    expect(found[0]).toMatch(problem);
  });

  // Issue 12: the keys of the old verdict machinery are refused with their replacement, never ignored or "unknown".
  it.each<[string, RegExp[]]>([
    ["repeat", [/re-runs a version by itself when its runs disagree/, /Remove it/, /`flake-rate`/, /`confidence`/]],
    ["fail-threshold", [/every run now counts as evidence/, /Remove it/, /`flake-rate`/, /`confidence`/]],
    ["verify-endpoints", [/ends are now weighed with the other runs/, /tested only when the evidence points at them/, /Remove it/]],
    ["confirm", [/`confidence` replaces it/, /named once it is that probable/, /Remove it/]],
  ])("the retired key %s names what replaced it", (key, fragments) => {
    // Any value, even one the old schema accepted: the key itself is the problem.
    for (const value of [1, true, false, "x"]) {
      const found = problems({ [key]: value });
      expect(found).toHaveLength(1);
      expect(found[0]!.startsWith(`\`${key}\` is no longer used: `)).toBe(true);
      expect(found[0]).not.toMatch(/unknown key/);
      for (const fragment of fragments) expect(found[0]).toMatch(fragment);
    }
  });

  it("reports each retired key on its own and still lists truly unknown keys as unknown", () => {
    const found = problems({ repeat: 3, "fail-threshold": 2, confirm: false, "verify-endpoints": false, flavour: 1, colour: 2, confidence: 0.95 });
    expect(found).toHaveLength(5);
    for (const key of ["repeat", "fail-threshold", "confirm", "verify-endpoints"]) {
      expect(found.filter((p) => p.startsWith(`\`${key}\` is no longer used: `)), key).toHaveLength(1);
    }
    expect(found).toContain("unknown keys `flavour`, `colour`");
  });

  it("treats a retired name below the top level as an ordinary unknown key", () => {
    expect(problems({ tags: { repeat: 2 } })).toEqual(["unknown key `repeat` in `tags`"]);
  });

  it("lists every problem of a file, unknown keys included", () => {
    const found = problems({ parallel: 11, candidates: 2, flavour: "vanilla", tags: { include: "" } });
    expect(found).toHaveLength(4);
    expect(found).toContain("unknown key `flavour`");
    expect(found.some((p) => p.startsWith("`parallel`: "))).toBe(true);
    expect(found.some((p) => p.startsWith("`candidates`: "))).toBe(true);
    expect(found.some((p) => p.startsWith("`tags.include`: "))).toBe(true);
  });
});
