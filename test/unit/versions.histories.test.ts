// Version resolution on the real tag histories of eight public repositories, against an oracle computed from the full graph.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_TAG_FILTER,
  describeResolveError,
  isPrereleaseTag,
  lookupEndpoints,
  resolveVersions,
} from "../../src/versions/resolve.js";
import type { ResolveError, TagFilter, Version } from "../../src/versions/resolve.js";
import { resolveByAncestry } from "../helpers/ancestry-path.js";
import { HISTORY_NAMES, loadHistory } from "../helpers/histories.js";
import type { History, HistoryName } from "../helpers/histories.js";

/** Change with VERSIONS_SEED=<n> to explore other pairs; a failure message always names the seed. */
const SEED = Number(process.env.VERSIONS_SEED ?? 20_261_121);

// git/git ranges reach 80k commits and 1,000 versions, and the oracle walks the range once per
// version; fewer pairs keep the file within its time budget while still covering near and far ones.
const PAIRS_PER_HISTORY: Record<HistoryName, number> = {
  expressjs__express: 50,
  vitejs__vite: 50,
  prettier__prettier: 50,
  redis__redis: 50,
  sveltejs__svelte: 50,
  pallets__flask: 50,
  nodejs__undici: 50,
  git__git: 18,
};

/** mulberry32: tiny, seedable, good enough to pick test cases. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function seedFor(name: string): number {
  let hash = SEED;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16_777_619);
  return hash >>> 0;
}

function pickOne<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("picked from an empty list");
  return item;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * Pairs (good, bad) where good's commit is a proper ancestor of bad's. bad is any tag; good
 * cycles through the nearest tagged ancestors, any tagged ancestor, and the oldest ones, so
 * ranges run from a handful of commits to the whole history.
 */
function pickAncestorPairs(history: History, count: number, random: () => number): [string, string][] {
  const pairs: [string, string][] = [];
  while (pairs.length < count) {
    const bad = pickOne(history.tags, random);
    const reachable = history.ancestorMask(bad.sha);
    const candidates = history.tags
      .filter((tag) => tag.sha !== bad.sha && reachable[history.indexOf.get(tag.sha) ?? -1] === 1)
      .sort((a, b) => (history.indexOf.get(b.sha) ?? 0) - (history.indexOf.get(a.sha) ?? 0));
    if (candidates.length === 0) continue;
    const style = pairs.length % 3;
    const pool = style === 0 ? candidates.slice(0, 5) : style === 1 ? candidates : candidates.slice(-5);
    pairs.push([pickOne(pool, random).name, bad.name]);
  }
  return pairs;
}

type Resolved = ReturnType<typeof resolveVersions>;

/** The two ways Locate resolves a range: the REST compare's commits, or GraphQL tag comparisons and ancestry checks. */
const PATHS = ["rest", "graphql"] as const;
type ResolvePath = (typeof PATHS)[number];

function resolveRangeBy(
  path: ResolvePath,
  history: History,
  good: string,
  bad: string,
  options: { filter?: TagFilter; random?: () => number } = {},
): Resolved {
  if (path === "graphql") return resolveByAncestry(history, good, bad, options.filter ?? DEFAULT_TAG_FILTER);
  const endpoints = lookupEndpoints(history.tags, good, bad);
  if (!endpoints.ok) return endpoints;
  const compare = history.compareRange(endpoints.good.sha, endpoints.bad.sha);
  const commits = options.random === undefined ? compare.commits : shuffled(compare.commits, options.random);
  return resolveVersions({
    tags: history.tags,
    good: endpoints.good,
    bad: endpoints.bad,
    compare: { ...compare, commits },
    filter: options.filter ?? DEFAULT_TAG_FILTER,
  });
}

function versionsOf(result: Resolved, context: string): Version[] {
  if (!result.ok) throw new Error(`${context}: expected versions, got ${JSON.stringify(result.error)}`);
  return result.versions;
}

function errorOf(result: Resolved): ResolveError {
  if (result.ok) throw new Error("expected an error, got a range");
  return result.error;
}

function firstNames(versions: readonly Version[]): string[] {
  return versions.map((version) => version.names[0] ?? "");
}

/**
 * Checks one ahead range against the graph, independently of the implementation:
 * - the versions between are exactly the tags on ancestors(bad) \ ancestors(good), one per commit,
 *   names in code unit order; bad's commit belongs to the last version;
 * - the endpoints come first and last, named as given, with the other names on their commits;
 * - the order is the greedy linear extension: each version's ancestor versions come before it,
 *   and it is the smallest (date, name) among the versions ready at that point.
 */
function expectMatchesGit(history: History, good: string, bad: string, versions: readonly Version[], context: string): void {
  const goodTag = history.tag(good);
  const badTag = history.tag(bad);
  const fromGood = history.ancestorMask(goodTag.sha);
  const fromBad = history.ancestorMask(badTag.sha);
  const inRange = (sha: string) => {
    const index = history.indexOf.get(sha) ?? -1;
    return fromBad[index] === 1 && fromGood[index] === 0;
  };
  const namesOn = (sha: string) => history.tagsOn(sha).map((tag) => tag.name);
  const expectedBetween = new Map<string, string[]>();
  for (const tag of history.tags) {
    if (tag.sha !== badTag.sha && inRange(tag.sha)) expectedBetween.set(tag.sha, [...(expectedBetween.get(tag.sha) ?? []), tag.name]);
  }
  for (const names of expectedBetween.values()) names.sort();

  const first = versions[0];
  const last = versions[versions.length - 1];
  expect(first, context).toEqual({
    names: [good, ...namesOn(goodTag.sha).filter((name) => name !== good).sort()],
    sha: goodTag.sha,
    date: goodTag.date,
  });
  expect(last, context).toEqual({
    names: [bad, ...namesOn(badTag.sha).filter((name) => name !== bad).sort()],
    sha: badTag.sha,
    date: badTag.date,
  });
  const between = versions.slice(1, -1);
  expect(new Map(between.map((version) => [version.sha, [...version.names]])), context).toEqual(expectedBetween);
  expect(between.map((version) => version.date), context).toEqual(between.map((version) => history.commit(version.sha).date));

  // Ancestor versions of each version: walk its parents, never entering ancestors of good —
  // their own ancestors are ancestors of good too, so no version lies behind them.
  const { parentStart, parentIndices } = history;
  const versionAt = new Int32Array(history.commits.length).fill(-1);
  for (const [position, version] of between.entries()) versionAt[history.indexOf.get(version.sha) ?? -1] = position;
  const ancestorVersions: number[][] = between.map(() => []);
  const seenBy = new Int32Array(history.commits.length).fill(-1);
  const stack: number[] = [];
  for (const [position, version] of between.entries()) {
    stack.push(history.indexOf.get(version.sha) ?? -1);
    for (let index = stack.pop(); index !== undefined; index = stack.pop()) {
      if (seenBy[index] === position || fromGood[index] === 1) continue;
      seenBy[index] = position;
      const other = versionAt[index] ?? -1;
      if (other !== -1 && other !== position) ancestorVersions[position]?.push(other);
      for (let p = parentStart[index] ?? 0; p < (parentStart[index + 1] ?? 0); p++) stack.push(parentIndices[p] ?? -1);
    }
  }

  // Every pair i < j: version j must not be an ancestor of version i.
  for (const [i, ancestors] of ancestorVersions.entries()) {
    const later = ancestors.find((j) => j > i);
    if (later !== undefined) {
      expect.fail(`${context}: ${between[later]?.names[0]} is an ancestor of ${between[i]?.names[0]} but comes after it`);
    }
  }

  // Replay the greedy choice: at each step the version placed must be the smallest (date, name)
  // among those whose ancestor versions are all placed.
  const waitingOn = ancestorVersions.map((ancestors) => ancestors.length);
  const unblocks: number[][] = between.map(() => []);
  for (const [position, ancestors] of ancestorVersions.entries()) for (const a of ancestors) unblocks[a]?.push(position);
  const ready = new Set(waitingOn.flatMap((count, position) => (count === 0 ? [position] : [])));
  const comesFirst = (a: number, b: number) => {
    const x = between[a];
    const y = between[b];
    if (x === undefined || y === undefined) return false;
    if (x.date !== y.date) return (x.date ?? 0) < (y.date ?? 0);
    return (x.names[0] ?? "") < (y.names[0] ?? "");
  };
  for (const [position, version] of between.entries()) {
    let smallest = -1;
    for (const candidate of ready) if (smallest === -1 || comesFirst(candidate, smallest)) smallest = candidate;
    expect(version.names[0], `${context}: position ${position + 1}`).toBe(between[smallest]?.names[0]);
    ready.delete(position);
    for (const child of unblocks[position] ?? []) {
      waitingOn[child] = (waitingOn[child] ?? 0) - 1;
      if (waitingOn[child] === 0) ready.add(child);
    }
  }
}

describe.each(PATHS)("by the %s path", (path) => {
  const resolveRange = (history: History, good: string, bad: string, options: { filter?: TagFilter; random?: () => number } = {}) =>
    resolveRangeBy(path, history, good, bad, options);

  // In all eight histories the dates of tagged commits never contradict their ancestry, so these
  // ranges cannot tell ordering by ancestry from ordering by date alone; the made-up histories in
  // versions.test.ts (clock skew, equal dates) do.
  describe.each(HISTORY_NAMES)("%s", (name) => {
    const count = PAIRS_PER_HISTORY[name];
    it(`resolves ${count} random ancestor pairs exactly like git tag --merged bad --no-merged good (seed ${SEED})`, () => {
      const history = loadHistory(name);
      const random = seededRandom(seedFor(name));
      const sizes: number[] = [];
      for (const [good, bad] of pickAncestorPairs(history, count, random)) {
        const context = `${name} ${good}..${bad} (VERSIONS_SEED=${SEED})`;
        const versions = versionsOf(resolveRange(history, good, bad, { random }), context);
        expectMatchesGit(history, good, bad, versions, context);
        sizes.push(versions.length);
      }
      // The pairs must include both tiny and large ranges, or the test proves little.
      expect(Math.min(...sizes)).toBeLessThanOrEqual(4);
      expect(Math.max(...sizes)).toBeGreaterThanOrEqual(Math.min(40, history.tags.length / 8));
    });

    it("refuses every pair whose good is not an ancestor of bad, naming reversed ranges as such", () => {
      const history = loadHistory(name);
      const random = seededRandom(seedFor(`${name}/refused`));
      for (const [good, bad] of pickAncestorPairs(history, 10, random)) {
        expect(errorOf(resolveRange(history, bad, good)), `${name} ${bad}..${good}`).toEqual({ kind: "reversed", good: bad, bad: good });
      }
    });
  });

  describe("where semver, dates and ancestry disagree", () => {
    it("redis: 7.0.x and 7.2.x are separate lines; 3.0-alpha0 (2011) is an ancestor of 2.6.0-rc1 (2012)", () => {
      const redis = loadHistory("redis__redis");
      expect(errorOf(resolveRange(redis, "7.0.15", "7.2.4"))).toMatchObject({ kind: "diverged", good: "7.0.15", bad: "7.2.4" });
      expect(errorOf(resolveRange(redis, "7.2.4", "7.0.15"))).toMatchObject({ kind: "diverged" });
      const versions = versionsOf(resolveRange(redis, "3.0-alpha0", "2.6.0-rc1"), "redis 3.0-alpha0..2.6.0-rc1");
      expect(firstNames(versions)).toEqual(["3.0-alpha0", "with-deprecated-diskstore", "2.6.0-rc1"]);
      expectMatchesGit(redis, "3.0-alpha0", "2.6.0-rc1", versions, "redis");
      expect(errorOf(resolveRange(redis, "2.6.0-rc1", "3.0-alpha0"))).toEqual({ kind: "reversed", good: "2.6.0-rc1", bad: "3.0-alpha0" });
    });

    it("redis: two names on one commit (2.0.0 and v2.0.0-stable) are one version, and cannot be a range", () => {
      const redis = loadHistory("redis__redis");
      expect(errorOf(resolveRange(redis, "2.0.0", "v2.0.0-stable"))).toEqual({ kind: "same-tag", name: "2.0.0", other: "v2.0.0-stable" });
      const good = redis.tags.find((tag) => redis.isAncestor(tag.sha, redis.tag("2.0.0").sha) && tag.sha !== redis.tag("2.0.0").sha);
      expect(good).toBeDefined();
      const versions = versionsOf(resolveRange(redis, good?.name ?? "", "v2.0.0-stable"), "redis ..v2.0.0-stable");
      expect(versions[versions.length - 1]?.names).toEqual(["v2.0.0-stable", "2.0.0"]);
    });

    it("vite: no v6.0.0-alpha.* is an ancestor of v6.0.0, every v6.0.0-beta.* is", () => {
      const vite = loadHistory("vitejs__vite");
      const alphas = vite.tags.filter((tag) => tag.name.startsWith("v6.0.0-alpha."));
      const betas = vite.tags.filter((tag) => tag.name.startsWith("v6.0.0-beta."));
      expect(alphas).toHaveLength(25);
      for (const alpha of alphas) expect(errorOf(resolveRange(vite, alpha.name, "v6.0.0")).kind, alpha.name).toBe("diverged");
      const versions = versionsOf(resolveRange(vite, "v5.4.0", "v6.0.0"), "vite v5.4.0..v6.0.0");
      expectMatchesGit(vite, "v5.4.0", "v6.0.0", versions, "vite v5.4.0..v6.0.0");
      const names = versions.flatMap((version) => version.names);
      expect(names.filter((tagName) => tagName.startsWith("v6.0.0-alpha."))).toEqual([]);
      // The betas form one line, so ancestry alone puts them in release order.
      expect(names.filter((tagName) => tagName.startsWith("v6.0.0-beta."))).toEqual(betas.map((tag) => tag.name).sort((a, b) => Number(a.split(".").pop()) - Number(b.split(".").pop())));
    });

    it("vite: filters pick one release line while keeping the endpoints", () => {
      const vite = loadHistory("vitejs__vite");
      const filtered = (include: string, prereleases = true) =>
        versionsOf(resolveRange(vite, "v5.4.0", "v6.0.0", { filter: { include, exclude: "", prereleases } }), `vite ${include}`);
      const all = versionsOf(resolveRange(vite, "v5.4.0", "v6.0.0"), "vite all").slice(1, -1).flatMap((version) => version.names);

      const createVite = filtered("create-vite@*");
      expect(firstNames(createVite.slice(1, -1))).toEqual(all.filter((tagName) => tagName.startsWith("create-vite@")));
      expect(createVite[0]?.names[0]).toBe("v5.4.0");
      expect(createVite[createVite.length - 1]?.names[0]).toBe("v6.0.0");

      const vOnly = filtered("v*");
      expect(firstNames(vOnly.slice(1, -1))).toEqual(all.filter((tagName) => tagName.startsWith("v")));
      const releases = filtered("v*", false);
      expect(firstNames(releases.slice(1, -1))).toEqual(all.filter((tagName) => tagName.startsWith("v") && !isPrereleaseTag(tagName)));
      expect(releases.length).toBeLessThan(vOnly.length);

      const result = resolveRange(vite, "v5.4.0", "v6.0.0", { filter: { include: "plugin-vue@*", exclude: "", prereleases: true } });
      expect(errorOf(result)).toMatchObject({ kind: "filter-empty", hidden: all.length });
    });

    it("undici: v5.24.0 (September) is an ancestor of v5.23.4 (October), not the other way round", () => {
      const undici = loadHistory("nodejs__undici");
      const versions = versionsOf(resolveRange(undici, "v5.24.0", "v5.23.4"), "undici");
      expect(firstNames(versions)).toEqual(["v5.24.0", "v5.25.0", "v5.25.1", "v5.25.2", "v5.25.3", "v5.23.4"]);
      const error = errorOf(resolveRange(undici, "v5.23.4", "v5.24.0"));
      expect(error).toEqual({ kind: "reversed", good: "v5.23.4", bad: "v5.24.0" });
      expect(describeResolveError(error)).toContain("did you mean `v5.24.0..v5.23.4`?");
    });

    it("undici: the junk tags delete and elete share a commit", () => {
      const undici = loadHistory("nodejs__undici");
      expect(errorOf(resolveRange(undici, "delete", "elete"))).toEqual({ kind: "same-tag", name: "delete", other: "elete" });
    });

    it("prettier: 4.0.0-alpha.0 (2023) is an ancestor of 3.6.0 (2025); 3.9.2 and 3.9.3 are separate lines", () => {
      const prettier = loadHistory("prettier__prettier");
      const versions = versionsOf(resolveRange(prettier, "4.0.0-alpha.0", "3.6.0"), "prettier");
      expectMatchesGit(prettier, "4.0.0-alpha.0", "3.6.0", versions, "prettier 4.0.0-alpha.0..3.6.0");
      const names = firstNames(versions);
      // Ancestry interleaves the 4.0 alphas with 3.x releases: neither semver nor one line.
      expect(names.indexOf("3.1.1")).toBeGreaterThan(names.indexOf("4.0.0-alpha.4"));
      expect(names.indexOf("3.1.1")).toBeLessThan(names.indexOf("4.0.0-alpha.5"));
      expect(errorOf(resolveRange(prettier, "3.6.0", "4.0.0-alpha.0")).kind).toBe("reversed");
      expect(errorOf(resolveRange(prettier, "3.9.2", "3.9.3")).kind).toBe("diverged");
    });

    it("flask: the 3.0.0 tag is on no branch, so 3.0.0..3.0.1 diverges and 2.3.3..3.0.1 skips it", () => {
      const flask = loadHistory("pallets__flask");
      expect(errorOf(resolveRange(flask, "3.0.0", "3.0.1"))).toMatchObject({ kind: "diverged", good: "3.0.0", bad: "3.0.1" });
      expect(firstNames(versionsOf(resolveRange(flask, "2.3.3", "3.0.1"), "flask"))).toEqual(["2.3.3", "2.3.x", "3.0.1"]);
      const around = versionsOf(resolveRange(flask, "1.1.2", "2.0.1"), "flask 1.1.2..2.0.1");
      expect(around.map((version) => version.names.join("="))).toContain("1.1.4=1.1.x");
      expectMatchesGit(flask, "1.1.2", "2.0.1", around, "flask 1.1.2..2.0.1");
    });

    it("express, svelte, git: maintenance lines tagged the same day are not ancestors; the fork point is named", () => {
      const express = loadHistory("expressjs__express");
      const svelte = loadHistory("sveltejs__svelte");
      const git = loadHistory("git__git");
      expect(errorOf(resolveRange(express, "v4.22.1", "v5.2.1"))).toEqual({
        kind: "diverged",
        good: "v4.22.1",
        bad: "v5.2.1",
        mergeBaseTags: ["4.20.0"],
      });
      expect(errorOf(resolveRange(svelte, "svelte@4.2.20", "svelte@5.32.1"))).toMatchObject({
        kind: "diverged",
        mergeBaseTags: ["svelte@4.2.3"],
      });
      expect(errorOf(resolveRange(git, "v2.24.2", "v2.25.2"))).toMatchObject({ kind: "diverged", mergeBaseTags: [] });
    });

    it("git: v0.99.9h and v1.0rc1 are one version", () => {
      const git = loadHistory("git__git");
      const versions = versionsOf(resolveRange(git, "v0.99.9g", "v0.99.9i"), "git v0.99.9g..v0.99.9i");
      expect(versions.map((version) => version.names.join("="))).toEqual(["v0.99.9g", "v0.99.9h=v1.0rc1", "v0.99.9i=v1.0rc2"]);
    });

    it("git: the whole history (80k commits, ~1,000 versions) resolves correctly", () => {
      const git = loadHistory("git__git");
      const last = git.tags.filter((tag) => tag.name.startsWith("v")).at(-1)?.name ?? "";
      const versions = versionsOf(resolveRange(git, "v0.99", last), "git whole history");
      expect(versions.length).toBeGreaterThan(950);
      expectMatchesGit(git, "v0.99", last, versions, `git v0.99..${last}`);
    });
  });
});
