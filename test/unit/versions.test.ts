// Unit tests of version resolution on small hand-made histories: errors, filters, grouping, order, wording.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_TAG_FILTER,
  compileTagFilter,
  describeResolveError,
  isPrereleaseTag,
  lookupEndpoints,
  planFromFacts,
  resolveVersions,
} from "../../src/versions/resolve.js";
import type { RangeCompare, ResolveError, TagFilter, TagRef, Version } from "../../src/versions/resolve.js";
import { resolveByAncestry, tagFactsFor } from "../helpers/ancestry-path.js";
import { createHistory, HISTORY_NAMES, loadHistory } from "../helpers/histories.js";
import type { History } from "../helpers/histories.js";

/** A made-up history: commits as [id, parents, date] (ids double as SHAs), tags as [name, commit id]. */
function madeUp(commits: [string, string[], number][], tags: [string, string][]): History {
  const dateOf = new Map(commits.map(([sha, , date]) => [sha, date]));
  return createHistory({
    repo: "test/made-up",
    defaultBranch: "main",
    defaultBranchSha: commits[commits.length - 1]?.[0] ?? "",
    commits,
    tags: tags.map(([name, sha]) => ({ name, sha, date: dateOf.get(sha) ?? 0, annotated: false })),
  });
}

type Resolved = ReturnType<typeof resolveVersions>;

/** Runs both steps the way the app does, with the compare the helper computes like GitHub. */
function resolveRange(history: History, good: string, bad: string, filter: TagFilter = DEFAULT_TAG_FILTER): Resolved {
  const endpoints = lookupEndpoints(history.tags, good, bad);
  if (!endpoints.ok) return endpoints;
  const compare = history.compareRange(endpoints.good.sha, endpoints.bad.sha);
  return resolveVersions({ tags: history.tags, good: endpoints.good, bad: endpoints.bad, compare, filter });
}

function versionsOf(result: Resolved): Version[] {
  if (!result.ok) throw new Error(`expected versions, got ${JSON.stringify(result.error)}`);
  return result.versions;
}

function errorOf(result: Resolved | ReturnType<typeof lookupEndpoints>): ResolveError {
  if (result.ok) throw new Error("expected an error, got a range");
  return result.error;
}

/** Each version as its names joined by "=", e.g. "v1.1.0=release-1.1". */
function labels(versions: readonly Version[]): string[] {
  return versions.map((version) => version.names.join("="));
}

// c1 → c2 → c3 → c4, with two names on c2 and on c4.
const linear = madeUp(
  [
    ["c1", [], 100],
    ["c2", ["c1"], 200],
    ["c3", ["c2"], 300],
    ["c4", ["c3"], 400],
  ],
  [
    ["v1.0.0", "c1"],
    ["v1.1.0", "c2"],
    ["release-1.1", "c2"],
    ["v1.2.0-beta.1", "c3"],
    ["v1.2.0", "c4"],
    ["latest", "c4"],
  ],
);

// Two lines from r merged at m. a2 is dated before its parent a1 (clock skew), so ancestry and
// date disagree; b1 is dated before a1.
const branches = madeUp(
  [
    ["r", [], 100],
    ["a1", ["r"], 300],
    ["b1", ["r"], 200],
    ["a2", ["a1"], 150],
    ["m", ["a2", "b1"], 500],
  ],
  [
    ["v1", "r"],
    ["a-1", "a1"],
    ["b-1", "b1"],
    ["a-2", "a2"],
    ["v2", "m"],
  ],
);

// A side line that forks from r before good (g) is merged into bad (m) later.
const sideLine = madeUp(
  [
    ["r", [], 100],
    ["s1", ["r"], 150],
    ["g", ["r"], 200],
    ["n", ["g"], 300],
    ["m", ["n", "s1"], 400],
  ],
  [
    ["v0", "r"],
    ["side-1", "s1"],
    ["v1", "g"],
    ["v1.1", "n"],
    ["v2", "m"],
  ],
);

describe("lookupEndpoints", () => {
  it("finds both tags by exact name", () => {
    const found = lookupEndpoints(linear.tags, "v1.0.0", "v1.2.0");
    expect(found).toEqual({ ok: true, good: { name: "v1.0.0", sha: "c1", date: 100, annotated: false }, bad: expect.objectContaining({ name: "v1.2.0", sha: "c4" }) });
  });

  it("reports an unknown good tag first, with the same version under another prefix as the best guess", () => {
    const error = errorOf(lookupEndpoints(linear.tags, "1.1.0", "nope"));
    expect(error).toEqual({ kind: "unknown-tag", name: "1.1.0", suggestions: ["v1.1.0", "v1.0.0", "v1.2.0"] });
  });

  it("reports an unknown bad tag when good exists", () => {
    expect(errorOf(lookupEndpoints(linear.tags, "v1.0.0", "v1.2.1"))).toEqual({
      kind: "unknown-tag",
      name: "v1.2.1",
      suggestions: ["v1.2.0", "v1.0.0", "v1.1.0"],
    });
  });

  it("matches names case-sensitively but suggests the case variant first", () => {
    const tags: TagRef[] = [
      { name: "V2.0", sha: "a" },
      { name: "v2.1", sha: "b" },
      { name: "2.0", sha: "c" },
    ];
    expect(errorOf(lookupEndpoints(tags, "v2.0", "v2.1"))).toEqual({
      kind: "unknown-tag",
      name: "v2.0",
      suggestions: ["V2.0", "2.0", "v2.1"],
    });
  });

  it("suggests names that extend a shortened one, and nothing for names that share little", () => {
    const tags: TagRef[] = ["v2.45.0", "v2.45.1", "v2.45.2", "v2.46.0", "list"].map((name) => ({ name, sha: name }));
    expect(errorOf(lookupEndpoints(tags, "v2.45", "list"))).toMatchObject({ suggestions: ["v2.45.0", "v2.45.1", "v2.45.2"] });
    expect(errorOf(lookupEndpoints(tags, "release-candidate-zzz", "list"))).toMatchObject({ suggestions: [] });
  });

  it("suggests a package-prefixed tag for a bare version", () => {
    const tags: TagRef[] = ["svelte@4.0.0", "svelte@4.0.1", "v3.59.2"].map((name) => ({ name, sha: name }));
    expect(errorOf(lookupEndpoints(tags, "v4.0.0", "svelte@4.0.1"))).toMatchObject({
      suggestions: ["svelte@4.0.0", "svelte@4.0.1"],
    });
  });

  it("rejects the same tag twice, and two names on one commit", () => {
    expect(errorOf(lookupEndpoints(linear.tags, "v1.2.0", "v1.2.0"))).toEqual({ kind: "same-tag", name: "v1.2.0", other: null });
    expect(errorOf(lookupEndpoints(linear.tags, "v1.1.0", "release-1.1"))).toEqual({
      kind: "same-tag",
      name: "v1.1.0",
      other: "release-1.1",
    });
  });
});

describe("planFromFacts: what GraphQL's tag comparisons cannot say", () => {
  // o1 is an orphan root (a gh-pages-like branch): GitHub compares nothing with it and answers null.
  const withOrphan = madeUp(
    [
      ["c1", [], 100],
      ["o1", [], 150],
      ["c2", ["c1"], 200],
      ["c3", ["c2"], 300],
    ],
    [["v1", "c1"], ["pages", "o1"], ["v2", "c2"], ["v3", "c3"]],
  );

  it("leaves out a tag that shares no history with the ends, as the REST compare never lists it", () => {
    const facts = tagFactsFor(withOrphan, withOrphan.tag("v1").sha, withOrphan.tag("v3").sha).map((tag) =>
      tag.name === "pages" ? { ...tag, toGood: null, toBad: null } : tag,
    );
    const byName = (name: string) => facts.find((tag) => tag.name === name)!;
    const plan = planFromFacts({ tags: facts, good: byName("v1"), bad: byName("v3"), filter: DEFAULT_TAG_FILTER });
    if (plan.kind !== "ahead") throw new Error(`expected a range, got ${plan.kind}`);
    expect(plan.proof.done).toBe(true);
    expect(plan.finish()).toEqual(resolveRange(withOrphan, "v1", "v3"));
    expect(labels(versionsOf(plan.finish()))).toEqual(["v1", "v2", "v3"]);
  });

  it("is unusable without a comparison between the ends themselves", () => {
    const facts = tagFactsFor(withOrphan, withOrphan.tag("v1").sha, withOrphan.tag("v3").sha);
    const good = { ...facts.find((tag) => tag.name === "v1")!, toBad: null };
    const bad = facts.find((tag) => tag.name === "v3")!;
    expect(planFromFacts({ tags: facts, good, bad, filter: DEFAULT_TAG_FILTER })).toEqual({ kind: "unusable", reason: "no comparison between good and bad" });
  });
});

describe("resolveVersions: compare statuses", () => {
  const good = { name: "v1.1", sha: "n" };
  const bad = { name: "v2", sha: "m" };
  const base: Omit<RangeCompare, "status"> = { mergeBaseSha: "r", commits: [] };
  const resolveWith = (compare: RangeCompare): Resolved =>
    resolveVersions({ tags: sideLine.tags, good, bad, compare, filter: DEFAULT_TAG_FILTER });

  it("identical → same-tag", () => {
    expect(errorOf(resolveWith({ ...base, status: "identical" }))).toEqual({ kind: "same-tag", name: "v1.1", other: "v2" });
  });

  it("behind → reversed, offering the swap", () => {
    expect(errorOf(resolveRange(sideLine, "v1.1", "v1"))).toEqual({ kind: "reversed", good: "v1.1", bad: "v1" });
    expect(errorOf(resolveWith({ ...base, status: "behind" }))).toEqual({ kind: "reversed", good: "v1.1", bad: "v2" });
  });

  it("diverged → names the tags on the merge base", () => {
    expect(errorOf(resolveRange(sideLine, "v1.1", "side-1"))).toEqual({
      kind: "diverged",
      good: "v1.1",
      bad: "side-1",
      mergeBaseTags: ["v0"],
    });
    const twoNames = madeUp(
      [
        ["r", [], 1],
        ["x", ["r"], 2],
        ["y", ["r"], 3],
      ],
      [
        ["zeta", "r"],
        ["alpha", "r"],
        ["x1", "x"],
        ["y1", "y"],
      ],
    );
    expect(errorOf(resolveRange(twoNames, "x1", "y1"))).toMatchObject({ kind: "diverged", mergeBaseTags: ["alpha", "zeta"] });
  });

  it("diverged with an untagged or missing merge base names no tags", () => {
    expect(errorOf(resolveWith({ ...base, status: "diverged", mergeBaseSha: "s1-untagged" }))).toMatchObject({ mergeBaseTags: [] });
    expect(errorOf(resolveWith({ ...base, status: "diverged", mergeBaseSha: null }))).toMatchObject({ mergeBaseTags: [] });
  });
});

describe("resolveVersions: versions in range", () => {
  it("puts good first and bad last, one version per commit, with names in name order", () => {
    const versions = versionsOf(resolveRange(linear, "v1.0.0", "v1.2.0"));
    expect(labels(versions)).toEqual(["v1.0.0", "release-1.1=v1.1.0", "v1.2.0-beta.1", "v1.2.0=latest"]);
    expect(versions.map((version) => [version.sha, version.date])).toEqual([
      ["c1", 100],
      ["c2", 200],
      ["c3", 300],
      ["c4", 400],
    ]);
  });

  it("keeps the endpoint name the user gave first, followed by the other names on its commit", () => {
    expect(labels(versionsOf(resolveRange(linear, "release-1.1", "latest")))).toEqual([
      "release-1.1=v1.1.0",
      "v1.2.0-beta.1",
      "latest=v1.2.0",
    ]);
  });

  it("gives good's date only when the compare carries it", () => {
    const compare = linear.compareRange("c1", "c4");
    const tags = linear.tags;
    const withDate = resolveVersions({ tags, good: linear.tag("v1.0.0"), bad: linear.tag("v1.2.0"), compare, filter: DEFAULT_TAG_FILTER });
    const withoutDate = resolveVersions({
      tags,
      good: linear.tag("v1.0.0"),
      bad: linear.tag("v1.2.0"),
      compare: { status: compare.status, mergeBaseSha: compare.mergeBaseSha, commits: compare.commits },
      filter: DEFAULT_TAG_FILTER,
    });
    expect(versionsOf(withDate)[0]?.date).toBe(100);
    expect(versionsOf(withoutDate)[0]?.date).toBeNull();
  });

  it("returns just the two ends when no tag lies between them", () => {
    expect(labels(versionsOf(resolveRange(linear, "v1.2.0-beta.1", "v1.2.0")))).toEqual(["v1.2.0-beta.1", "v1.2.0=latest"]);
  });

  it("places ancestors first even against the dates, and breaks ties by date", () => {
    // Ready at first: a-1 (300) and b-1 (200), so b-1; then a-1; a-2 (150) waits for its parent a-1.
    expect(labels(versionsOf(resolveRange(branches, "v1", "v2")))).toEqual(["v1", "b-1", "a-1", "a-2", "v2"]);
  });

  it("breaks equal dates by name", () => {
    const sameTime = madeUp(
      [
        ["r", [], 1],
        ["p", ["r"], 5],
        ["q", ["r"], 5],
        ["s", ["r"], 4],
        ["m", ["p", "q", "s"], 9],
      ],
      [
        ["v0", "r"],
        ["t-b", "p"],
        ["t-a", "q"],
        ["t-c", "s"],
        ["v1", "m"],
      ],
    );
    expect(labels(versionsOf(resolveRange(sameTime, "v0", "v1")))).toEqual(["v0", "t-c", "t-a", "t-b", "v1"]);
  });

  it("includes tags of a line that forked before good and was merged before bad, like git tag --merged/--no-merged", () => {
    expect(labels(versionsOf(resolveRange(sideLine, "v1", "v2")))).toEqual(["v1", "side-1", "v1.1", "v2"]);
  });

  it("does not depend on the order of the compare commits", () => {
    const compare = branches.compareRange("r", "m");
    const reversed = { ...compare, commits: [...compare.commits].reverse() };
    const twice = { ...compare, commits: [...compare.commits, ...compare.commits] };
    for (const variant of [compare, reversed, twice]) {
      const result = resolveVersions({ tags: branches.tags, good: branches.tag("v1"), bad: branches.tag("v2"), compare: variant, filter: DEFAULT_TAG_FILTER });
      expect(labels(versionsOf(result))).toEqual(["v1", "b-1", "a-1", "a-2", "v2"]);
    }
  });

  it("walks a 200,000-commit straight history without deep recursion", () => {
    const length = 200_000;
    const commits: [string, string[], number][] = Array.from({ length }, (_, i) => [`c${i}`, i === 0 ? [] : [`c${i - 1}`], i]);
    const tags: [string, string][] = [0, 1000, 150_000, length - 1].map((i) => [`t${i}`, `c${i}`]);
    expect(labels(versionsOf(resolveRange(madeUp(commits, tags), "t0", `t${length - 1}`)))).toEqual([
      "t0",
      "t1000",
      "t150000",
      `t${length - 1}`,
    ]);
  });
});

describe("resolveVersions: filter", () => {
  const filter = (include: string, exclude = "", prereleases = true): TagFilter => ({ include, exclude, prereleases });

  it("keeps only the tags matching include, never dropping the endpoints or their other names", () => {
    const result = resolveRange(linear, "v1.0.0", "v1.2.0", filter("v*"));
    expect(labels(versionsOf(result))).toEqual(["v1.0.0", "v1.1.0", "v1.2.0-beta.1", "v1.2.0=latest"]);
    expect(result).toMatchObject({ hiddenByFilter: 1 });
  });

  it("drops tags matching exclude, and prereleases when asked", () => {
    expect(labels(versionsOf(resolveRange(linear, "v1.0.0", "v1.2.0", filter("*", "release-*"))))).toEqual([
      "v1.0.0",
      "v1.1.0",
      "v1.2.0-beta.1",
      "v1.2.0=latest",
    ]);
    expect(labels(versionsOf(resolveRange(linear, "v1.0.0", "v1.2.0", filter("*", "", false))))).toEqual([
      "v1.0.0",
      "release-1.1=v1.1.0",
      "v1.2.0=latest",
    ]);
  });

  it("reports filter-empty when the filter hides every tag of a non-empty range", () => {
    const chosen = filter("create-vite@*", "", false);
    expect(errorOf(resolveRange(linear, "v1.0.0", "v1.2.0", chosen))).toEqual({
      kind: "filter-empty",
      filter: chosen,
      good: "v1.0.0",
      bad: "v1.2.0",
      hidden: 3,
    });
  });

  it("is no error when the range had no tags to hide", () => {
    expect(versionsOf(resolveRange(linear, "v1.2.0-beta.1", "v1.2.0", filter("nothing-matches")))).toHaveLength(2);
  });

  it("matches globs against whole tag names, with * crossing / and @", () => {
    const matches = (include: string, exclude = "") => (name: string) => compileTagFilter(filter(include, exclude))(name);
    expect(["v1.0", "create-vite@5.0.0", "@scope/pkg@1.0.0", "release/1.0", "feature/x/y"].every(matches("*"))).toBe(true);
    expect(["v1.0", "create-vite@5.0.0"].every(matches(""))).toBe(true);
    expect(matches("create-vite@*")("create-vite@5.0.0")).toBe(true);
    expect(matches("create-vite@*")("v5.0.0")).toBe(false);
    expect(matches("v*")("create-vite@5.0.0")).toBe(false);
    expect(matches("v5.*")("v5.4.21")).toBe(true);
    expect(matches("release/*")("release/2024/01")).toBe(true);
    expect(matches("*", "*-beta.*")("v6.0.0-beta.1")).toBe(false);
    expect(matches("{svelte@,v}4.*")("svelte@4.2.0")).toBe(true);
    expect(matches("v[0-9]*")("vm-playpen")).toBe(false);
  });

  it("compiles odd user globs without throwing", () => {
    for (const odd of ["[", "(", "{a", "**/**", "!", "a\\", "@(", "+(x"]) {
      expect(() => compileTagFilter(filter(odd))("v1.0.0")).not.toThrow();
    }
  });
});

describe("isPrereleaseTag", () => {
  const prereleases = [
    "1.0.0rc",
    "1.0.0beta2",
    "3.0.0alpha1",
    "4.0.0-rc1",
    "5.0.0-alpha.1",
    "v5.0.0-beta.1",
    "v2.0.0-beta.11",
    "svelte@5.0.0-next.1",
    "plugin-legacy@2.0.0-alpha.0",
    "@scope/pkg@1.0.0-beta.1",
    "7.2-rc1",
    "3.0-alpha0",
    "8.0-m01",
    "v2.0.0-rc1b",
    "v5.24.0-test.2",
    "2.0.0rc1",
    "v1.0rc1",
    "v1.9-rc0",
    "gitgui-0.7.0-rc1",
    "1.0a1",
    "2.0b2",
    "V1.0.0-RC.1",
    "1.0.0-foo.1",
    "2.2.105-scripting",
  ];
  const releases = [
    "v1.0.0",
    "1.2",
    "v1.4.4.5",
    "v0.99.9a",
    "v1.0.0b",
    "2.6.10-1",
    "2.6.14-2",
    "v2.0.0-stable",
    "1.1.x",
    "list",
    "vm-playpen",
    "twitter-20100804",
    "create-vite@5.0.0",
    "gitgui-0.21.0",
    "1.0.0+build.7",
  ];
  it.each(prereleases)("%s is a prerelease", (name) => expect(isPrereleaseTag(name)).toBe(true));
  it.each(releases)("%s is not a prerelease", (name) => expect(isPrereleaseTag(name)).toBe(false));

  // The fixtures README counts prereleases per repository; redis differs on purpose: its 81 plus
  // `v2.0.0-rc1b` (a respun rc1) and six semver-suffixed builds (`2.2.105-scripting`, `v2.1.1-watch`).
  it.each([
    ["expressjs__express", 41],
    ["vitejs__vite", 365],
    ["prettier__prettier", 22],
    ["redis__redis", 88],
    ["sveltejs__svelte", 267],
    ["pallets__flask", 2],
    ["nodejs__undici", 23],
  ] as const)("finds the documented prereleases of %s (%i)", (name, count) => {
    expect(HISTORY_NAMES).toContain(name);
    expect(loadHistory(name).tags.filter((tag) => isPrereleaseTag(tag.name))).toHaveLength(count);
  });
});

describe("describeResolveError", () => {
  it("lists the closest names for an unknown tag", () => {
    expect(describeResolveError({ kind: "unknown-tag", name: "v1.2", suggestions: ["v1.2.0", "v1.2.1", "1.2.0"] })).toBe(
      "There is no tag named `v1.2` in this repository. Did you mean `v1.2.0`, `v1.2.1` or `1.2.0`?",
    );
    expect(describeResolveError({ kind: "unknown-tag", name: "v1.2", suggestions: ["v1.2.0"] })).toBe(
      "There is no tag named `v1.2` in this repository. Did you mean `v1.2.0`?",
    );
    expect(describeResolveError({ kind: "unknown-tag", name: "zzz", suggestions: [] })).toBe(
      "There is no tag named `zzz` in this repository.",
    );
  });

  it("explains a range with one version", () => {
    expect(describeResolveError({ kind: "same-tag", name: "v2", other: null })).toBe(
      "`v2` was given as both the good and the bad version, so there is nothing to search between them.",
    );
    expect(describeResolveError({ kind: "same-tag", name: "1.1.4", other: "1.1.x" })).toBe(
      "`1.1.4` and `1.1.x` point to the same commit, so there is nothing to search between them.",
    );
  });

  it("offers the swapped range when reversed", () => {
    expect(describeResolveError({ kind: "reversed", good: "v5.23.4", bad: "v5.24.0" })).toBe(
      "`v5.23.4` is not an ancestor of `v5.24.0`: it is the other way round, `v5.24.0` is older. " +
        "The good version comes first in a range; did you mean `v5.24.0..v5.23.4`?",
    );
  });

  it("names the fork point of diverged lines when it is tagged", () => {
    const apart =
      "`v4.22.1` is not an ancestor of `v5.2.1`: they are on separate lines of history, so there is no path of releases from one to the other.";
    expect(describeResolveError({ kind: "diverged", good: "v4.22.1", bad: "v5.2.1", mergeBaseTags: ["4.20.0"] })).toBe(
      `${apart} They fork at the commit tagged \`4.20.0\`; \`4.20.0..v5.2.1\` would search the line that leads to \`v5.2.1\`.`,
    );
    expect(describeResolveError({ kind: "diverged", good: "v4.22.1", bad: "v5.2.1", mergeBaseTags: [] })).toBe(
      `${apart} The commit where they fork has no tag.`,
    );
  });

  it("repeats the filter when it hides every tag", () => {
    expect(
      describeResolveError({
        kind: "filter-empty",
        filter: { include: "create-vite@*", exclude: "*-beta*", prereleases: false },
        good: "v5.4.0",
        bad: "v6.0.0",
        hidden: 12,
      }),
    ).toBe(
      "None of the 12 tags between `v5.4.0` and `v6.0.0` passes the filter (names matching `create-vite@*`, " +
        "not matching `*-beta*` and without prereleases). Widen the filter, or leave it out to search every tag.",
    );
    expect(
      describeResolveError({ kind: "filter-empty", filter: { include: "", exclude: "", prereleases: true }, good: "a", bad: "b", hidden: 1 }),
    ).toBe("None of the 1 tag between `a` and `b` passes the filter (names matching `*`). Widen the filter, or leave it out to search every tag.");
  });

  it("cannot be broken out of its code spans by user text", () => {
    const text = describeResolveError({ kind: "unknown-tag", name: "v1`@here\n# <b>x</b>", suggestions: ["``"] });
    expect(text).toBe("There is no tag named `v1@here # <b>x</b>` in this repository. Did you mean (empty)?");
    expect(describeResolveError({ kind: "unknown-tag", name: "x".repeat(500), suggestions: [] })).toBe(
      `There is no tag named \`${"x".repeat(100)}…\` in this repository.`,
    );
  });
});

describe("resolveVersions against a brute-force oracle on random histories", () => {
  // Small random DAGs with coarse dates (many ties) and random tags; every (good, bad) pair is checked.
  const randomHistory = fc
    .integer({ min: 2, max: 24 })
    .chain((size) =>
      fc.record({
        parents: fc.tuple(
          ...Array.from({ length: size }, (_, i) =>
            i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.nat(i - 1), { minLength: 1, maxLength: 3 }),
          ),
        ),
        dates: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: size, maxLength: size }),
        tagged: fc.array(fc.nat(size - 1), { minLength: 2, maxLength: size + 4 }),
      }),
    );

  it("agrees on membership, grouping, errors and the greedy order, by both paths", () => {
    fc.assert(
      fc.property(randomHistory, ({ parents, dates, tagged }) => {
        const ids = parents.map((_, i) => `c${i}`);
        const history = madeUp(
          parents.map((ps, i) => [ids[i] ?? "", ps.map((p) => ids[p] ?? ""), dates[i] ?? 0]),
          // Names deliberately unrelated to commit order, so name ties are exercised.
          tagged.map((commit, i) => [`t${(i * 7) % 11}-${i}`, ids[commit] ?? ""]),
        );
        const ancestors = ids.map(() => new Set<number>());
        for (const [i, ps] of parents.entries()) {
          ancestors[i]?.add(i);
          for (const p of ps) for (const a of ancestors[p] ?? []) ancestors[i]?.add(a);
        }
        const isAncestor = (a: number, b: number) => ancestors[b]?.has(a) ?? false;
        const commitOfTag = new Map(history.tags.map((tag) => [tag.name, Number(tag.sha.slice(1))]));
        for (const good of history.tags) {
          for (const bad of history.tags) {
            const g = commitOfTag.get(good.name) ?? -1;
            const b = commitOfTag.get(bad.name) ?? -1;
            const result = resolveRange(history, good.name, bad.name);
            // The GraphQL path (tag comparisons and ancestry checks) must give the very same answer. Coarse dates
            // here contradict ancestry often, which the real histories never do: this is where its proof works.
            expect(resolveByAncestry(history, good.name, bad.name, DEFAULT_TAG_FILTER)).toEqual(result);
            if (g === b) {
              expect(errorOf(result).kind).toBe("same-tag");
              continue;
            }
            if (!isAncestor(g, b)) {
              expect(errorOf(result).kind).toBe(isAncestor(b, g) ? "reversed" : "diverged");
              continue;
            }
            const versions = versionsOf(result);
            const inRange = new Map<number, string[]>();
            for (const tag of history.tags) {
              const c = commitOfTag.get(tag.name) ?? -1;
              if (c !== b && isAncestor(c, b) && !isAncestor(c, g)) inRange.set(c, [...(inRange.get(c) ?? []), tag.name].sort());
            }
            // Greedy: among versions whose ancestors are placed, the smallest (date, first name).
            const expected: number[] = [];
            const left = new Set(inRange.keys());
            while (left.size > 0) {
              const ready = [...left].filter((c) => [...left].every((other) => other === c || !isAncestor(other, c)));
              const key = (c: number) => [dates[c] ?? 0, inRange.get(c)?.[0] ?? ""] as const;
              ready.sort((x, y) => key(x)[0] - key(y)[0] || (key(x)[1] < key(y)[1] ? -1 : 1));
              const next = ready[0] ?? -1;
              expected.push(next);
              left.delete(next);
            }
            expect(versions.slice(1, -1).map((v) => [v.sha, v.names])).toEqual(
              expected.map((c) => [ids[c], inRange.get(c)]),
            );
            expect(versions[0]?.names[0]).toBe(good.name);
            expect(versions[versions.length - 1]?.names[0]).toBe(bad.name);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
